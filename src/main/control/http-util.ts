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

/** The path of a request URL, or null when it cannot be parsed. */
export function parseRequestUrl(req: IncomingMessage): URL | null {
  const raw = req.url ?? '/'
  if (!raw.startsWith('/')) return null
  try {
    return new URL(raw, 'http://control.invalid')
  } catch {
    return null
  }
}
