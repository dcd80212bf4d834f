// The proxy's side of wire protocol v1: strip what a client sent, build X-Session from
// what the engine peeked, read the app's X-Session-Update.
import type { IncomingHttpHeaders } from 'node:http'
import type { SessionData } from '../../shared/json'
import { EXPIRY_KEY, getExpireAtBrowserClose, getExpiryAge, getExpiryDate } from '../../shared/expiry'
import type { Settings } from '../../shared/settings'
import { encodeWireSession as encodeShared, type WireSession } from '../../shared/wire'

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

/** The encoded start of X-Session (v, key, data) for one stored version of a session. */
interface EncodedHead {
  settings: Settings
  key: string | null
  base64: string
}

/** By Peek.version: valid while the settings object (replaced on every change) and the key are the same. */
const heads = new WeakMap<object, EncodedHead>()
/** X-Session as built with a known version, so that encoding it is one small JSON and base64. */
const encodings = new WeakMap<WireSession, { head: EncodedHead; key: string | null; data: SessionData }>()

/**
 * X-Session for a peeked session: Django's answers at the engine's now. With the stored
 * session's version (Peek.version), the encoding of {v, key, data} is kept and reused by
 * encodeWireSession() while the row and the settings stay the same.
 */
export function buildWireSession(key: string | null, data: SessionData, settings: Settings, now: Date, version?: object): WireSession {
  const stored = data[EXPIRY_KEY]
  const session: WireSession = {
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
  if (version) {
    let head = heads.get(version)
    if (!head || head.settings !== settings || head.key !== key) {
      head = { settings, key, base64: encodeHead(session) }
      heads.set(version, head)
    }
    encodings.set(session, { head, key, data })
  }
  return session
}

/**
 * base64url of `{"v":1,"key":...,"data":...,` padded with spaces (JSON whitespace) to a
 * whole number of 3-byte groups, so that the base64 of the rest can simply follow it.
 */
export function encodeHead(session: Pick<WireSession, 'v' | 'key' | 'data'>): string {
  let text = JSON.stringify({ v: session.v, key: session.key, data: session.data })
  text = `${text.slice(0, -1)},`
  const bytes = Buffer.byteLength(text, 'utf8')
  text += ' '.repeat((3 - (bytes % 3)) % 3)
  return Buffer.from(text, 'utf8').toString('base64url')
}

/**
 * The X-Session header value: base64url(JSON) of the session, the same JSON.parse result as
 * the shared encoder's (keys in the same order; a session built with a version may carry up
 * to two spaces of padding after "data").
 */
export function encodeWireSession(session: WireSession): string {
  const known = encodings.get(session)
  // Nobody replaced the key or the data since buildWireSession.
  if (!known || session.v !== 1 || session.key !== known.key || session.data !== known.data) return encodeShared(session)
  return known.head.base64 + Buffer.from(tailJson(session), 'utf8').toString('base64url')
}

/** Every field tailJson() writes: a field added to WireSession does not compile until it is written too. */
export const TAIL_FIELDS: Record<Exclude<keyof WireSession, 'v' | 'key' | 'data'>, true> = {
  expiryAge: true,
  expiryDate: true,
  expireAtBrowserClose: true,
  cookieAge: true,
  expireAtBrowserCloseSetting: true,
  saveEveryRequestSetting: true,
  now: true
}

const jsonNumber = (n: number) => (Number.isFinite(n) ? String(n) : 'null')
const optionalFlag = (name: string, b: boolean | undefined) => (b === undefined ? '' : `,"${name}":${String(b)}`)

/**
 * The rest of the JSON after {v, key, data, (JSON.stringify of the other fields without its
 * opening brace), written out for the fields of WireSession: this runs on every request.
 */
function tailJson(s: WireSession): string {
  return (
    `"expiryAge":${jsonNumber(s.expiryAge)},"expiryDate":${JSON.stringify(s.expiryDate)},` +
    `"expireAtBrowserClose":${String(s.expireAtBrowserClose)},"cookieAge":${jsonNumber(s.cookieAge)}` +
    optionalFlag('expireAtBrowserCloseSetting', s.expireAtBrowserCloseSetting) +
    optionalFlag('saveEveryRequestSetting', s.saveEveryRequestSetting) +
    `,"now":${JSON.stringify(s.now)}}`
  )
}

