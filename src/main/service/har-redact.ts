// What a HAR export masks unless asked not to (issue 20), as Django 4.2's error reports mask
// the session cookie: the session cookie's value wherever it appears (Cookie, Set-Cookie, the
// session keys), `_auth_user_hash`, and the X-Session* payloads. A masked key keeps a short
// digest, so the requests of one session still read as one session.
import { createHash } from 'node:crypto'
import type { SessionSnapshot, TrafficEntry } from '../../shared/api'
import { AUTH_USER_HASH } from '../../shared/auth'
import type { ResponseDecision } from '../../shared/decision'

export const REDACTED = '[redacted]'

export interface Redaction {
  /** SESSION_COOKIE_NAME. */
  sessionCookie: string
}

/** The stand-in of a session key: "redacted-" and the first 8 hex digits of its SHA-256. */
export function maskKey(key: string): string
export function maskKey(key: string | null): string | null
export function maskKey(key: string | null): string | null {
  return key === null || key === '' ? key : `redacted-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A Cookie or Set-Cookie value with the session cookie's value masked. */
export function maskCookieText(text: string, name: string): string {
  return text.replace(new RegExp(`(^|;\\s*)(${escape(name)})=("?)([^;"]*)("?)`, 'g'), (_m, lead: string, n: string, q1: string, value: string, q2: string) => `${lead}${n}=${q1}${maskKey(value) ?? ''}${q2}`)
}

const isSessionHeader = (name: string) => /^x[-_]session/i.test(name)

function headers(list: [string, string][], r: Redaction, cookieHeader: 'cookie' | 'set-cookie'): [string, string][] {
  return list.map(([name, value]) => {
    const lower = name.toLowerCase()
    if (isSessionHeader(lower)) return [name, REDACTED]
    if (lower === cookieHeader) return [name, maskCookieText(value, r.sessionCookie)]
    return [name, value]
  })
}

function snapshot(s: SessionSnapshot | null): SessionSnapshot | null {
  if (!s) return s
  const data = AUTH_USER_HASH in s.data ? { ...s.data, [AUTH_USER_HASH]: REDACTED } : s.data
  return { key: maskKey(s.key), data }
}

function decision(d: ResponseDecision | null, r: Redaction): ResponseDecision | null {
  return d && { ...d, keyBefore: maskKey(d.keyBefore), keyAfter: maskKey(d.keyAfter), setCookie: d.setCookie && maskCookieText(d.setCookie, r.sessionCookie) }
}

/** The entry as a HAR export shows it by default. */
export function redactEntry(e: TrafficEntry, r: Redaction): TrafficEntry {
  const out: TrafficEntry = {
    ...e,
    requestHeaders: headers(e.requestHeaders, r, 'cookie'),
    responseHeaders: headers(e.responseHeaders, r, 'set-cookie'),
    sessionBefore: snapshot(e.sessionBefore),
    sessionAfter: snapshot(e.sessionAfter),
    setCookie: e.setCookie && maskCookieText(e.setCookie, r.sessionCookie),
    xSession: e.xSession && (REDACTED as unknown as TrafficEntry['xSession']),
    xSessionUpdate: e.xSessionUpdate && (REDACTED as unknown as TrafficEntry['xSessionUpdate']),
    decision: decision(e.decision, r)
  }
  if (e.rejectedUpdate !== undefined) out.rejectedUpdate = REDACTED
  return out
}
