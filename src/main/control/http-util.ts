// Small response helpers of the control server: security headers, JSON and error answers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiError, WireError } from '../../shared/errors'

/** The web UI's Content-Security-Policy: nothing inline, nothing from elsewhere. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** Headers sent on every answer, API and UI alike. No CORS header is ever sent. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Content-Security-Policy', UI_CSP)
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(text)
}

export function sendText(res: ServerResponse, status: number, text: string, req?: IncomingMessage): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(req?.method === 'HEAD' ? undefined : text)
}

export function sendError(res: ServerResponse, error: ApiError): void {
  const wire: WireError = error.toWire()
  if (error.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer realm="session-inspector"')
  sendJson(res, error.status, wire)
}

/**
 * Spellings a URL parser would rewrite into another path: dot segments, plain or
 * percent-encoded (`/x/%2e%2e/KEY` is `/KEY`), backslashes (read as `/`), and a leading `//`
 * (read as a host). A request naming one path must not act on another: they are refused.
 */
const REWRITTEN_PATH = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)|\\|^\/\//i

/** Why a request target is refused (400), or null when it is a plain path. */
export function badRequestTarget(raw: string): string | null {
  if (!raw.startsWith('/')) return 'malformed request URL: it must be a path starting with "/"'
  const path = raw.split(/[?#]/, 1)[0] as string
  if (REWRITTEN_PATH.test(path)) return 'malformed request URL: "." and ".." segments (also percent-encoded), backslashes and a leading "//" are refused'
  return null
}

/** The path of a request URL, or null when it cannot be parsed (or would be rewritten into another path). */
export function parseRequestUrl(req: IncomingMessage): URL | null {
  const raw = req.url ?? '/'
  if (badRequestTarget(raw)) return null
  try {
    return new URL(raw, 'http://control.invalid')
  } catch {
    return null
  }
}
