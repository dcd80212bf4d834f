// Who may talk to the control server: the Host check (no DNS rebinding) and the bearer token.
import { createHash, timingSafeEqual } from 'node:crypto'
import { hostname, networkInterfaces } from 'node:os'

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

/** True for an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1'
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === ''

/** How a host appears in a Host header or a URL (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

/**
 * The host names a request's Host header may carry for a server listening on `listenHost`.
 * Loopback: the three loopback spellings. A wildcard address: those plus this machine's own
 * addresses and name (an attacker's DNS name is never among them). Otherwise the address itself.
 */
export function allowedHostNames(listenHost: string): Set<string> {
  const names = new Set<string>([hostForUrl(listenHost).toLowerCase()])
  if (isLoopbackHost(listenHost) || isWildcard(listenHost)) for (const n of LOOPBACK_NAMES) names.add(n)
  if (isWildcard(listenHost)) {
    names.add(hostname().toLowerCase())
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) names.add(hostForUrl(address.address).toLowerCase())
    }
  }
  return names
}

/** Checks a Host header against the allowed names and the port the server listens on. */
export function isAllowedHost(header: string | undefined, names: Set<string>, port: number): boolean {
  if (!header) return false
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim())
  if (!match) return false
  const name = (match[1] as string).toLowerCase()
  const hostPort = match[2] === undefined ? 80 : Number(match[2])
  return hostPort === port && names.has(name)
}

/**
 * Checks an Origin header: absent (not a browser's cross-origin request) or this server's own
 * origin, http://<allowed host>:<port>, as the web UI served here sends. Any other origin,
 * `null` included (sandboxed frames, file: pages), is refused.
 */
export function isAllowedOrigin(header: string | undefined, names: Set<string>, port: number): boolean {
  if (header === undefined) return true
  const match = /^http:\/\/([^/?#@\s]+)$/i.exec(header.trim())
  return match !== null && isAllowedHost(match[1], names, port)
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Checks `Authorization: Bearer <token>` in constant time (digests make the lengths equal). */
export function hasValidToken(header: string | undefined, token: string): boolean {
  if (!header) return false
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
  if (!match) return false
  return timingSafeEqual(digest(match[1] as string), digest(token))
}
