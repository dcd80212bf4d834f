// WebSocket upgrades, on node:http as plain requests are (pipe.ts): the upgrade request goes
// to the app with the browser's request target and header order and the proxy's X-Forwarded-*,
// and the app's answer (the 101, or a refusal) is written onto the browser's socket without
// its X-Session* headers. After a 101 the two sockets are joined both ways.
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { forwardedHeaders, outgoingHeaders, outgoingPath, serverName, type PipeTarget } from './pipe'
import { isSessionHeader } from './wire-protocol'

export interface UpgradeHandlers {
  /** The app's answer to the upgrade request has arrived (101, or its refusal's status). */
  answered(status: number | null): void
  /** The request to the app failed, or one of the sockets broke. */
  error(err: Error & { code?: string }): void
}

/** The head of the app's answer as the browser gets it: the app's headers in order, without X-Session*. */
function answerHead(res: IncomingMessage, statusLine: string): string {
  const lines = [statusLine]
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i] as string
    if (!isSessionHeader(name.toLowerCase())) lines.push(`${name}: ${res.rawHeaders[i + 1] as string}`)
  }
  return `${lines.join('\r\n')}\r\n\r\n`
}

/** Keeps a proxied socket open as long as its peer: no idle timeout, no Nagle delay. */
function tune(socket: Socket): void {
  socket.setTimeout(0)
  socket.setNoDelay(true)
  socket.setKeepAlive(true, 0)
}

/** Sends one upgrade request to the app and, once it answers 101, joins the sockets. */
export function proxyUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, target: PipeTarget, handlers: UpgradeHandlers): void {
  forwardedHeaders(req)
  tune(socket)
  if (head.length) socket.unshift(head)
  const options = {
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: outgoingPath(target.path, req.url ?? '/'),
    headers: outgoingHeaders(req.headers, req.rawHeaders, target.host) as unknown as OutgoingHttpHeaders,
    // An upgraded connection is never given back to a pool.
    agent: false as const
  }
  const proxyReq = target.protocol === 'https:' ? https.request({ ...options, servername: serverName(req.headers.host, target.hostname) }) : http.request(options)
  let failed = false
  const fail = (err: Error & { code?: string }) => {
    if (failed) return
    failed = true
    handlers.error(err)
  }
  proxyReq.on('error', fail)
  socket.on('error', fail)
  proxyReq.on('response', (res) => {
    // A refusal (403, 426, …): passed on as it is, then the connection ends.
    handlers.answered(res.statusCode ?? null)
    if (!socket.writable) return void res.resume()
    socket.write(answerHead(res, `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`))
    res.pipe(socket)
  })
  proxyReq.on('upgrade', (res, appSocket, appHead) => {
    handlers.answered(101)
    appSocket.on('error', fail)
    appSocket.on('end', () => socket.end())
    socket.on('end', () => appSocket.end())
    appSocket.on('close', () => socket.destroy())
    socket.on('close', () => appSocket.destroy())
    if (!socket.writable) return void appSocket.destroy()
    tune(appSocket)
    socket.write(answerHead(res, 'HTTP/1.1 101 Switching Protocols'))
    if (appHead.length) socket.write(appHead)
    appSocket.pipe(socket)
    socket.pipe(appSocket)
  })
  proxyReq.end()
}
