// The control server: the API over HTTP + SSE (docs/control-api.md) and the built web UI, on node:http.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Api, EventSource } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import { allowedHostNames, hasValidToken, hostForUrl, isAllowedHost, isAllowedOrigin } from './access'
import { answerError, handleApiRequest } from './api-routes'
import { openEventStream, type OpenStream } from './event-stream'
import { badRequestTarget, parseRequestUrl, setSecurityHeaders } from './http-util'
import { defaultUiDir, serveStatic } from './static-files'

export interface ControlServerOptions {
  api: Api
  events: EventSource
  /** The bearer token every /api request must carry. */
  token: string
  host: string
  /** 0 picks a free port. */
  port: number
  /** The built renderer (default: out/renderer next to the built main bundle). */
  uiDir?: string
  version: string
  /** Where unexpected errors are reported (default: console.error). */
  log?: (line: string) => void
  /** SSE keep-alive comment interval (default 15 s). */
  pingIntervalMs?: number
}

export interface ControlServer {
  /** e.g. http://127.0.0.1:8081 */
  url: string
  port: number
  /** Stops listening and ends open connections and event streams. Safe to call twice. */
  close(): Promise<void>
}

/** Starts listening; rejects with a one-line message when the address cannot be used. */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  if (!options.token) throw new Error('the control server needs a non-empty token')
  const log = options.log ?? ((line: string) => console.error(line))
  const uiDir = options.uiDir ?? defaultUiDir()
  const streams = new Set<OpenStream>()
  const sockets = new Set<Socket>()
  let allowedNames = new Set<string>()
  let port = 0

  // Sockets with a request in progress; on close the others go at once, these when answered.
  const busy = new Set<Socket>()
  let closing: Promise<void> | null = null

  const server = createServer((req, res) => {
    const socket = req.socket
    busy.add(socket)
    res.once('close', () => {
      busy.delete(socket)
      if (closing) socket.end()
    })
    // The path only: a query string may carry a token or data that must not reach the log.
    handle(req, res).catch((e: unknown) => answerError(res, e, log, `${req.method} ${(req.url ?? '/').split('?', 1)[0]}`))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res)
    if (!isAllowedHost(req.headers.host, allowedNames, port)) {
      throw new ApiError('forbidden', 'the Host header must name the control address (DNS rebinding protection)')
    }
    // No CORS for anyone: a preflight is refused, so browsers never send the real request.
    if (req.method === 'OPTIONS') throw new ApiError('forbidden', 'cross-origin requests are not allowed')
    // A page of another origin (or a sandboxed one) gets nothing, whatever it carries.
    if (!isAllowedOrigin(req.headers.origin, allowedNames, port)) {
      throw new ApiError('forbidden', `cross-origin requests are not allowed (Origin ${JSON.stringify(String(req.headers.origin).slice(0, 200))} is not this server)`)
    }
    const url = parseRequestUrl(req)
    if (!url) throw new ApiError('bad_request', badRequestTarget(req.url ?? '/') ?? 'malformed request URL')
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/')
    if (!isApi) return serveStatic(req, res, uiDir, url.pathname, options.version)

    res.setHeader('Cache-Control', 'no-store')
    if (!hasValidToken(req.headers.authorization, options.token)) {
      throw new ApiError('unauthorized', 'missing or wrong token: send Authorization: Bearer <token>')
    }
    if (url.pathname.replace(/\/+$/, '') === '/api/events') {
      if (req.method !== 'GET') {
        res.setHeader('Allow', 'GET')
        throw new ApiError('method_not_allowed', `${req.method} is not allowed on /api/events (allowed: GET)`)
      }
      const stream = openEventStream(req, res, options.events, {
        pingIntervalMs: options.pingIntervalMs,
        log,
        onClose: () => streams.delete(stream)
      })
      streams.add(stream)
      return
    }
    await handleApiRequest(req, res, url, { api: options.api, log })
  }

  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // Requests Node's parser refuses still get a status and a sentence saying why.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy(error)
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW'
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'
    const text = tooLarge ? 'the request headers are too large\n' : 'malformed HTTP request (bad request line, header or characters in the URL)\n'
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`)
  })

  await listen(server, options.host, options.port)
  const address = server.address() as AddressInfo
  port = address.port
  allowedNames = allowedHostNames(options.host)
  const urlHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : hostForUrl(options.host)

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const stream of [...streams]) stream.end()
        for (const socket of sockets) if (!busy.has(socket)) socket.end()
        // Requests still running get a moment to answer; then every socket goes.
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy()
        }, 2000)
        timer.unref()
        server.once('close', () => clearTimeout(timer))
      })
      return closing
    }
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${hostForUrl(host)}:${port}`
      const why =
        error.code === 'EADDRINUSE'
          ? 'the address is already in use (is another Session Inspector running?)'
          : error.code === 'EACCES'
            ? 'permission denied'
            : error.code === 'EADDRNOTAVAIL'
              ? 'no such address on this machine'
              : error.message
      const wrapped = new Error(`control server cannot listen on ${where}: ${why}`) as NodeJS.ErrnoException
      if (error.code) wrapped.code = error.code
      reject(wrapped)
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}
