// Request-side HTTP details of the proxy: hop-by-hop headers, the Cookie header it forwards,
// and requests that ask to upgrade.
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { formatCookieHeader, type RequestCookie } from '../../shared/cookies'
import { isSessionHeader } from './wire-protocol'

/** A WebSocket handshake (what http-proxy's ws pass accepts); other upgrades are plain requests here. */
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
 * Stands in for http-proxy's `deleteLength` pass, which gives every DELETE and OPTIONS
 * without a Content-Length a `Content-Length: 0` and drops its Transfer-Encoding: a chunked
 * body then followed the head raw, and the app read it as the next request on the pooled
 * connection (a request the proxy never saw, X-Session and all). Only a request with no
 * body framing at all gets the `Content-Length: 0` some servers want on these methods.
 */
export function deleteLength(req: IncomingMessage): void {
  if ((req.method === 'DELETE' || req.method === 'OPTIONS') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.headers['content-length'] = '0'
  }
}

/** Puts deleteLength in the place of http-proxy's own pass of that name. */
export function replaceDeleteLengthPass(proxy: object): void {
  const passes = (proxy as { webPasses?: ((req: IncomingMessage) => unknown)[] }).webPasses
  const at = passes?.findIndex((p) => p.name === 'deleteLength') ?? -1
  if (!passes || at === -1) throw new Error("http-proxy's deleteLength pass was not found: check how it frames DELETE and OPTIONS bodies")
  passes[at] = deleteLength
}

const FRAMING = new Set(['host', 'content-length', 'transfer-encoding'])

/**
 * Hop-by-hop request headers (RFC 9110 §7.6.1) describe the browser's connection only:
 * forwarded, a browser's `Connection: close` would close the pooled connection to the app
 * after every request. The body's framing stays (http-proxy streams the body as it came).
 */
export function stripHopByHop(req: IncomingMessage): void {
  const named = String(req.headers.connection ?? '').split(',').map((t) => t.trim().toLowerCase())
  for (const name of [...named, 'connection', 'keep-alive', 'proxy-connection', 'upgrade']) if (name && !FRAMING.has(name)) delete req.headers[name]
}

export function setCookieHeader(req: IncomingMessage, cookies: RequestCookie[]): void {
  if (cookies.length) req.headers.cookie = formatCookieHeader(cookies)
  else delete req.headers.cookie
}

/**
 * Sends the app the request target the browser sent. http-proxy rebuilds it with url.parse
 * and a join that collapses every run of slashes and turns `http:/` into `http://` (and
 * url.parse escapes some characters): `/a//b` reached the app as `/a/b`. An absolute-form
 * target (`GET http://host/x`) keeps http-proxy's origin-form path. The upstream URL's own
 * path, when it has one, stays in front.
 */
export function keepRequestTarget(proxyReq: ClientRequest, url: string | undefined, upstreamPath: string): void {
  if (url === '*') proxyReq.path = url
  else if (url?.startsWith('/')) proxyReq.path = behindUpstreamPath(upstreamPath, url)
}

/** An origin-form target behind the upstream URL's own path (`http://h/base/`: `/x` is `/base/x`). */
export function behindUpstreamPath(upstreamPath: string, url: string): string {
  const prefix = (upstreamPath.split('?')[0] ?? '').replace(/\/+$/, '')
  return prefix + url
}

/**
 * Puts the app's request headers back in the browser's order and spelling. http-proxy
 * copies `req.headers` backwards (util._extend), which sent Host last: past a Node app's
 * first 1,000 headers it was dropped and the app answered 400. What the proxy removed stays
 * removed; what it added (X-Session, X-Forwarded-*) comes right after Host, so that an app
 * that keeps only the first headers of a huge request still gets its session.
 */
export function keepBrowserOrder(proxyReq: ClientRequest, rawHeaders: string[]): void {
  const names = proxyReq.getHeaderNames()
  const values = new Map(names.map((n) => [n, proxyReq.getHeader(n) as number | string | string[]]))
  for (const n of names) proxyReq.removeHeader(n)
  const fromBrowser = new Set<string>()
  // A browser's X-Session* was stripped: an X-Session here is the proxy's, and goes after Host
  // even when the browser sent one of its own past an app's first 1,000 headers.
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = (rawHeaders[i] as string).toLowerCase()
    if (!isSessionHeader(lower)) fromBrowser.add(lower)
  }
  const added = names.filter((n) => !fromBrowser.has(n))
  const addTheProxys = () => {
    for (const name of added) proxyReq.setHeader(name, values.get(name) as number | string | string[])
    added.length = 0
  }
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    const value = values.get(lower)
    if (value === undefined || isSessionHeader(lower)) continue
    proxyReq.setHeader(name, value)
    values.delete(lower)
    if (lower === 'host') addTheProxys()
  }
  addTheProxys()
}
