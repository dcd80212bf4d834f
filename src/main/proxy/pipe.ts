// The proxy's core for plain HTTP: one node:http request to the app per browser request,
// with what http-proxy's web passes did as this proxy had them (deleteLength, X-Forwarded-*,
// the request target as the browser sent it, errors) and the headers written once, in the
// browser's order and spelling. WebSocket upgrades share its pieces (upgrade-proxy.ts).
import http, { type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import type { Readable } from 'node:stream'
import { behindUpstreamPath, deleteLength } from './request-headers'
import { isSessionHeader } from './wire-protocol'

export interface PipeTarget {
  protocol: string
  hostname: string
  port: number
  /** The upstream URL's path (http-proxy's target.path), joined in front of every request's. */
  path: string
  /** Host header for a request that came without one: what Node's ClientRequest would send. */
  host: string
  agent: http.Agent
}

/** The upstream's host, port and path (an IPv6 host without its brackets, as sockets want it). */
export function pipeTarget(url: URL, agent: http.Agent): PipeTarget {
  const tls = url.protocol === 'https:'
  const port = Number(url.port) || (tls ? 443 : 80)
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  return { protocol: url.protocol, hostname, port, path: url.pathname + url.search, host: url.host, agent }
}

/**
 * The request target the browser sent (keepRequestTarget), behind the upstream URL's own path
 * when it has one (`--upstream http://h/base/`: `/x` reaches the app as `/base/x`, the browser's
 * part untouched); an absolute-form target (`GET http://host/x`) keeps http-proxy's origin-form
 * path, urlJoin(target.path, url.parse(url).path).
 */
export function outgoingPath(targetPath: string, url: string): string {
  if (url === '*') return url
  if (url.startsWith('/')) return behindUpstreamPath(targetPath, url)
  return urlJoin(targetPath, originForm(url))
}

/** The origin-form (path and query) of an absolute-form target; the target itself if it is not a URL. */
function originForm(url: string): string {
  try {
    const u = new URL(url)
    return u.pathname + u.search
  } catch {
    return url
  }
}

function urlJoin(...args: string[]): string {
  const lastSegs = (args[args.length - 1] as string).split('?')
  args[args.length - 1] = lastSegs.shift() as string
  const joined = args.filter(Boolean).join('/').replace(/\/+/g, '/').replace('http:/', 'http://').replace('https:/', 'https://')
  return [joined, ...lastSegs].join('?')
}

/** X-Forwarded-For appended to, -Port, -Proto, -Host (what http-proxy's xfwd did). */
export function forwardedHeaders(req: IncomingMessage): void {
  const encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted)
  const port = req.headers.host?.match(/:(\d+)/)?.[1] ?? (encrypted ? '443' : '80')
  const values = { for: req.socket.remoteAddress, port, proto: encrypted ? 'https' : 'http' }
  for (const name of ['for', 'port', 'proto'] as const) {
    const header = `x-forwarded-${name}`
    const before = req.headers[header]
    req.headers[header] = `${before || ''}${before ? ',' : ''}${values[name]}`
  }
  req.headers['x-forwarded-host'] = req.headers['x-forwarded-host'] || req.headers.host || ''
}

/**
 * The app's request headers as one raw list: the browser's names in its order and spelling
 * with the values the pipeline left (what it removed stays removed), and what the proxy
 * added (X-Session, X-Forwarded-*) right after Host.
 */
export function outgoingHeaders(headers: IncomingMessage['headers'], rawHeaders: string[], defaultHost: string): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const push = (name: string, value: string | string[] | undefined) => {
    if (value === undefined) return
    if (Array.isArray(value)) for (const v of value) out.push(name, v)
    else out.push(name, value)
  }
  const added = () => {
    // http-proxy copied req.headers backwards (util._extend): the added ones came newest first.
    const names = Object.keys(headers)
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i] as string
      if (!seen.has(name)) push(name, headers[name])
    }
  }
  // A browser's X-Session* was stripped: an X-Session here is the proxy's, and goes after Host.
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = (rawHeaders[i] as string).toLowerCase()
    if (!isSessionHeader(lower)) seen.add(lower)
  }
  let hostSeen = false
  const written = new Set<string>()
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    if (written.has(lower) || isSessionHeader(lower)) continue
    written.add(lower)
    push(name, headers[lower])
    if (lower === 'host' && headers.host !== undefined) {
      hostSeen = true
      added()
    }
  }
  if (!hostSeen) {
    added()
    // No Host from the browser (HTTP/1.0): Node's ClientRequest named the app, last.
    if (headers.host === undefined) out.push('Host', defaultHost)
  }
  return out
}

/**
 * The TLS server name Node's agent derives from a request's Host header (and its headers
 * are a raw list here, which the agent cannot read): the browser's host, no port, never an IP.
 */
export function serverName(hostHeader: string | undefined, hostname: string): string {
  let name = hostname
  if (hostHeader) {
    if (hostHeader.startsWith('[')) {
      const end = hostHeader.indexOf(']')
      name = end === -1 ? hostHeader : hostHeader.slice(1, end)
    } else name = hostHeader.split(':', 1)[0] as string
  }
  return isIP(name) ? '' : name
}

export interface PipeHandlers {
  /** The request to the app exists (its socket is being assigned): timeouts, cancellation. */
  request(proxyReq: ClientRequest): void
  response(proxyRes: IncomingMessage): void
  error(err: Error & { code?: string }): void
}

/** Methods a proxy may send again on its own (RFC 9110 §9.2.2): idempotent ones. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])
/** What a pooled connection that the app had closed gives a request written to it. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE'])

/**
 * Sends the browser's request (or `body`, when Node did not parse it) to the app. A request
 * on a pooled connection that the app closed as the request went out (its keep-alive timeout
 * ran out: gunicorn's is 2 s) fails before any answer with ECONNRESET; an idempotent one
 * without a body is then sent once more on a new connection, as a browser would, instead of
 * becoming a 502 for an app that is up.
 */
export function pipeRequest(req: IncomingMessage, target: PipeTarget, handlers: PipeHandlers, body?: Readable): ClientRequest {
  deleteLength(req)
  forwardedHeaders(req)
  const options = {
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: outgoingPath(target.path, req.url ?? '/'),
    headers: outgoingHeaders(req.headers, req.rawHeaders, target.host) as unknown as OutgoingHttpHeaders,
    agent: target.agent
  }
  const length = req.headers['content-length']
  let retries = body === undefined && IDEMPOTENT.has(req.method ?? '') && req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0') ? 1 : 0
  const send = (): ClientRequest => {
    const proxyReq = target.protocol === 'https:' ? https.request({ ...options, rejectUnauthorized: true, servername: serverName(req.headers.host, target.hostname) }) : http.request(options)
    handlers.request(proxyReq)
    let answered = false
    proxyReq.on('error', (err: Error & { code?: string }) => {
      if (!answered && retries > 0 && proxyReq.reusedSocket && STALE_CONNECTION.has(err.code ?? '') && !req.socket.destroyed) {
        retries--
        current = send()
        current.end()
        return
      }
      onError(err)
    })
    proxyReq.on('response', (proxyRes: IncomingMessage) => {
      answered = true
      handlers.response(proxyRes)
    })
    return proxyReq
  }
  let current = send()
  const onError = (err: Error & { code?: string }) => {
    // The browser went away: its request to the app goes too, without an error page.
    if (req.socket.destroyed && err.code === 'ECONNRESET') return void current.destroy()
    handlers.error(err)
  }
  req.on('aborted', () => current.destroy())
  req.on('error', onError)
  ;(body ?? req).pipe(current)
  return current
}
