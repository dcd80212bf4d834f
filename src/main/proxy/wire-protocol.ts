// The proxy's side of wire protocol v1: strip what a client sent, build X-Session from
// what the engine peeked, read the app's X-Session-Update.
import type { IncomingHttpHeaders } from 'node:http'
import type { SessionData } from '../../shared/json'
import { EXPIRY_KEY, getExpireAtBrowserClose, getExpiryAge, getExpiryDate } from '../../shared/expiry'
import type { Settings } from '../../shared/settings'
import { encodeWireSession, type WireSession } from '../../shared/wire'

/**
 * True for every header of the protocol's `X-Session` namespace (X-Session, X-Session-Update,
 * X-Session-Foo, X-Sessionx) in any case, and in underscore spellings: CGI/WSGI servers turn
 * `X_Session` into the same HTTP_X_SESSION variable as `X-Session`.
 */
export function isSessionHeader(name: string): boolean {
  return /^x[-_]session/i.test(name)
}

/** Removes every X-Session* header, any case, any count. Returns how many it found. */
export function stripSessionHeaders(headers: IncomingHttpHeaders): number {
  let removed = 0
  for (const name of Object.keys(headers)) {
    if (isSessionHeader(name)) {
      delete headers[name]
      removed++
    }
  }
  return removed
}

/** X-Session for a peeked session: Django's answers at the engine's now. */
export function buildWireSession(key: string | null, data: SessionData, settings: Settings, now: Date): WireSession {
  const stored = data[EXPIRY_KEY]
  return {
    v: 1,
    key,
    data,
    expiryAge: getExpiryAge(stored, now, settings.SESSION_COOKIE_AGE),
    expiryDate: getExpiryDate(stored, now, settings.SESSION_COOKIE_AGE).toISOString(),
    expireAtBrowserClose: getExpireAtBrowserClose(stored, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE),
    cookieAge: settings.SESSION_COOKIE_AGE,
    expireAtBrowserCloseSetting: settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    saveEveryRequestSetting: settings.SESSION_SAVE_EVERY_REQUEST,
    now: now.toISOString()
  }
}

export { encodeWireSession }
