// Request-side HTTP details of the proxy: hop-by-hop headers, the Cookie header it forwards,
// and requests that ask to upgrade.
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { formatCookieHeader, type RequestCookie } from '../../shared/cookies'

/** A WebSocket handshake; other upgrades are plain requests here. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === 'GET' && String(req.headers.upgrade ?? '').trim().toLowerCase() === 'websocket'
}

/** The next `length` bytes of a socket Node's parser has let go of, `head` first, with backpressure. */
export function rawBody(socket: Socket, head: Buffer, length: number): Readable {
  let left = length
  const body = new Readable({ read: () => void socket.resume() })
  const take = (chunk: Buffer) => {
    const part = chunk.subarray(0, left)
    left -= part.length
    if (part.length && !body.push(part)) socket.pause()
    if (left === 0) {
      socket.off('data', take)
      socket.pause()
      body.push(null)
    }
  }
  take(head)
  if (left > 0) {
    socket.on('data', take)
    socket.once('close', () => left > 0 && body.destroy(new Error('the request body was cut short')))
  }
  return body
}

/**
 * Gives a DELETE or OPTIONS with no body framing at all the `Content-Length: 0` some servers
 * want on these methods. (http-proxy, used before, gave it to every one without a
 * Content-Length and dropped its Transfer-Encoding: a chunked body then followed the head raw,
 * and the app read it as the next request on the pooled connection, X-Session and all.)
 */
export function deleteLength(req: IncomingMessage): void {
  if ((req.method === 'DELETE' || req.method === 'OPTIONS') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.headers['content-length'] = '0'
  }
}

const FRAMING = new Set(['host', 'content-length', 'transfer-encoding'])

/**
 * Hop-by-hop request headers (RFC 9110 §7.6.1) describe the browser's connection only:
 * forwarded, a browser's `Connection: close` would close the pooled connection to the app
 * after every request. The body's framing stays (the body is streamed as it came).
 */
export function stripHopByHop(req: IncomingMessage): void {
  const named = String(req.headers.connection ?? '').split(',').map((t) => t.trim().toLowerCase())
  for (const name of [...named, 'connection', 'keep-alive', 'proxy-connection', 'upgrade']) if (name && !FRAMING.has(name)) delete req.headers[name]
}

export function setCookieHeader(req: IncomingMessage, cookies: RequestCookie[]): void {
  if (cookies.length) req.headers.cookie = formatCookieHeader(cookies)
  else delete req.headers.cookie
}

/** An origin-form target behind the upstream URL's own path (`http://h/base/`: `/x` is `/base/x`). */
export function behindUpstreamPath(upstreamPath: string, url: string): string {
  const prefix = (upstreamPath.split('?')[0] ?? '').replace(/\/+$/, '')
  return prefix + url
}
