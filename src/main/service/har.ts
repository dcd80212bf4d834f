// HAR 1.2 export of traffic entries (what Chrome DevTools imports), with the session facts
// of each request kept in a `_session` field.
import type { TrafficEntry } from '../../shared/api'
import { parseCookieHeader, parseSetCookie } from '../../shared/cookies'
import { redactEntry, type Redaction } from './har-redact'

const header = ([name, value]: [string, string]) => ({ name, value })

/** `redact`: mask session cookie values, `_auth_user_hash` and X-Session* payloads (har-redact.ts); null keeps them. */
export function buildHar(all: TrafficEntry[], baseUrl: string, version: string, redact: Redaction | null = null): unknown {
  const entries = redact ? all.map((e) => redactEntry(e, redact)) : all
  return {
    log: {
      version: '1.2',
      creator: { name: 'Session Inspector', version },
      comment: redact
        ? 'Session cookie values, _auth_user_hash and X-Session* payloads are masked (export with redact=false to keep them)'
        : 'Not redacted: holds session cookie values that log in as their users',
      pages: [],
      entries: entries.map((e) => {
        const url = new URL(e.url, baseUrl)
        const cookieHeader = e.requestHeaders.filter(([n]) => n.toLowerCase() === 'cookie').map(([, v]) => v)
        const setCookies = e.responseHeaders.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => parseSetCookie(v))
        const contentType = e.responseHeaders.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? ''
        return {
          startedDateTime: e.realTime,
          time: e.durationMs,
          request: {
            method: e.method,
            url: url.href,
            httpVersion: 'HTTP/1.1',
            cookies: parseCookieHeader(cookieHeader).map((c) => ({ name: c.name, value: c.value })),
            headers: e.requestHeaders.map(header),
            queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
            headersSize: -1,
            bodySize: -1
          },
          response: {
            status: e.status ?? 0,
            statusText: '',
            httpVersion: 'HTTP/1.1',
            cookies: setCookies.filter((c) => c !== null).map((c) => ({
              name: c.name,
              value: c.value,
              ...(c.path ? { path: c.path } : {}),
              ...(c.domain ? { domain: c.domain } : {}),
              ...(c.expires ? { expires: c.expires.toISOString() } : {}),
              httpOnly: c.httpOnly,
              secure: c.secure
            })),
            headers: e.responseHeaders.map(header),
            content: { size: 0, mimeType: contentType },
            redirectURL: e.responseHeaders.find(([n]) => n.toLowerCase() === 'location')?.[1] ?? '',
            headersSize: -1,
            bodySize: -1
          },
          cache: {},
          timings: { send: 0, wait: e.durationMs, receive: 0 },
          _session: {
            engineTime: e.time,
            effect: e.effect,
            reasonCode: e.reasonCode,
            reason: e.reason,
            before: e.sessionBefore,
            after: e.sessionAfter,
            setCookie: e.setCookie,
            xSession: e.xSession,
            xSessionUpdate: e.xSessionUpdate,
            decision: e.decision,
            droppedCookies: e.droppedCookies,
            ...(e.error ? { error: e.error } : {})
          }
        }
      })
    }
  }
}
