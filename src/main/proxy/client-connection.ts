// The browser's side of the connection, below the pipeline: CONNECT, which this proxy does
// not do, a client that half-closes (sends its FIN) once its request is out, requests Node
// cannot parse.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

const CONNECT_TEXT =
  'Session Inspector is a reverse proxy in front of one app, not a forward proxy: CONNECT (a tunnel) is not supported.\n' +
  'Open the proxy address in the browser instead of configuring it as an HTTP proxy.\n'

/** Answers a CONNECT with a 405 that says why (Node would close the socket without a word). */
export function refuseConnect(socket: Socket): void {
  socket.on('error', () => socket.destroy())
  if (!socket.writable) return void socket.destroy()
  socket.end(
    'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE\r\n' +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(CONNECT_TEXT)}\r\nConnection: close\r\n\r\n${CONNECT_TEXT}`
  )
}

/** How long after a FIN the app may take before the proxy checks the browser is still there. */
const PROBE_AFTER_MS = 20
const PROBE_AGAIN_MS = 50

/**
 * The proxy server's own connection rules: every request header read, malformed and oversized
 * requests answered (400, 431) and closed, CONNECT answered (refuseConnect), and a client that
 * half-closes after a complete request still gets its response (by default Node aborts the
 * request at the FIN). A FIN cannot tell a half-close from a browser
 * that left, so a response not started within 20 ms is preceded by `100 Continue` twice
 * (every HTTP/1.1 client skips 1xx answers): a peer that is gone answers the first with a
 * reset, which the second write meets, and the request is cancelled as before. A FIN during
 * an unfinished request body, or once the response is streaming, is a browser that left.
 */
export function guardConnections(server: Server): void {
  ;(server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
  server.on('connect', (_req: IncomingMessage, socket: Socket) => refuseConnect(socket))
  // Every header of the request, not Node's first 1,000: past them a Transfer-Encoding or
  // Content-Length went missing while Node still read the body by it, and the body went to
  // the app unframed (the app read it as a request of its own). maxHeaderSize (16 KiB)
  // bounds the count.
  server.maxHeadersCount = 0
  // Malformed or oversized requests never reach the pipeline: answer and close.
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    if (!socket.writable) return socket.destroy()
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  })
}

/** Watches one request's socket for the client's FIN (see allowHalfClose). */
export function watchHalfClose(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket
  const timers: NodeJS.Timeout[] = []
  const probe = () => {
    if (!res.headersSent && !res.destroyed) res.writeContinue()
  }
  const onEnd = () => {
    if (!req.complete || res.headersSent) return void res.destroy()
    timers.push(setTimeout(probe, PROBE_AFTER_MS), setTimeout(probe, PROBE_AFTER_MS + PROBE_AGAIN_MS))
  }
  socket.once('end', onEnd)
  res.once('close', () => {
    socket.off('end', onEnd)
    for (const t of timers) clearTimeout(t)
  })
}
