// Wire protocol v1 (PROTOCOL.md): the `X-Session` header the proxy sends to the app and
// the `X-Session-Update` header the app answers with. Plain TS (TextEncoder, atob/btoa)
// so that the proxy, the Node adapter and the UI decode it the same way.
import { badExpiryInData, parseIsoDate } from './expiry'
import { checkJson, describeNonJson, isPlainObject, type SessionData } from './json'

export const SESSION_HEADER = 'x-session'
export const UPDATE_HEADER = 'x-session-update'
/** What the app's adapter says about its project (v1 extension): base64url(JSON WireApp). */
export const APP_HEADER = 'x-session-django'
/** An update larger than this (encoded) is refused. */
export const MAX_UPDATE_BYTES = 1024 * 1024

/** What the proxy hands to the app, base64url(JSON) in `X-Session`. */
export interface WireSession {
  v: 1
  /** Django's session_key once the view touches the session: null for no/short/unknown keys. */
  key: string | null
  data: SessionData
  /** get_expiry_age() at `now` */
  expiryAge: number
  /** get_expiry_date() at `now`, ISO */
  expiryDate: string
  /** get_expire_at_browser_close() */
  expireAtBrowserClose: boolean
  /** get_session_cookie_age(): SESSION_COOKIE_AGE */
  cookieAge: number
  /** SESSION_EXPIRE_AT_BROWSER_CLOSE, so adapters can answer after set_expiry(None) (v1 extension). */
  expireAtBrowserCloseSetting?: boolean
  /**
   * SESSION_SAVE_EVERY_REQUEST (v1 extension). With it, Django saves whatever the dict holds,
   * values changed in place included, so adapters then send `data` when it differs from the
   * request's; without it an in-place change is not saved unless the session is marked modified.
   */
  saveEveryRequestSetting?: boolean
  /** The engine's clock, ISO (may be fast-forwarded). */
  now: string
}

/** What the app answers, base64url(JSON) in `X-Session-Update`. Every field is optional. */
export interface WireUpdate {
  accessed?: boolean
  data?: SessionData
  modified?: boolean
  flush?: boolean
  cycleKey?: boolean
  clearExpired?: boolean
}

/** The part of Node's Buffer these codecs use; shared code cannot import node:buffer. */
interface NodeBufferClass {
  from(text: string, encoding: 'utf8' | 'base64url'): Uint8Array & { toString(encoding: 'base64url'): string }
}
/**
 * Node's Buffer, where there is one (the proxy and the adapters, on every request): one native
 * step each way instead of building a binary string for btoa/atob. Browsers take the portable path.
 */
const NodeBuffer = (globalThis as { Buffer?: NodeBufferClass }).Buffer

export function encodeBase64UrlJson(value: unknown): string {
  if (NodeBuffer) return NodeBuffer.from(JSON.stringify(value), 'utf8').toString('base64url')
  const bytes = new TextEncoder().encode(JSON.stringify(value))
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decodes base64url (no padding) UTF-8 JSON; throws a plain Error saying which part failed. */
export function decodeBase64UrlJson(text: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url')
  // A length of 4n+1 is no base64 at all (atob refuses it; Buffer would drop the last character).
  if (text.length % 4 === 1) throw new Error('not base64url')
  let bytes: Uint8Array
  if (NodeBuffer) bytes = NodeBuffer.from(text, 'base64url')
  else {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
    let binary: string
    try {
      binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
    } catch {
      throw new Error('not base64url')
    }
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
  }
  let json: string
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new Error('not UTF-8')
  }
  try {
    return JSON.parse(json)
  } catch {
    throw new Error('not JSON')
  }
}

export function encodeWireSession(session: WireSession): string {
  return encodeBase64UrlJson(session)
}

export function encodeWireUpdate(update: WireUpdate): string {
  return encodeBase64UrlJson(update)
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

const UPDATE_FLAGS = ['accessed', 'modified', 'flush', 'cycleKey', 'clearExpired'] as const

/**
 * Parses and validates an `X-Session-Update` value. Anything malformed (bad base64, bad
 * JSON, wrong types, `data` not an object of JSON values, over 1 MiB, unknown fields) is
 * refused with a one-line reason and must not be applied.
 */
export function parseWireUpdate(header: string | string[] | undefined): Parsed<WireUpdate> {
  if (header === undefined) return { ok: true, value: {} }
  if (Array.isArray(header)) {
    if (header.length !== 1) return { ok: false, error: `X-Session-Update sent ${header.length} times` }
    header = header[0] as string
  }
  const text = header.trim()
  if (text.length > MAX_UPDATE_BYTES) return { ok: false, error: `X-Session-Update is over 1 MiB (${text.length} bytes)` }
  let raw: unknown
  try {
    raw = decodeBase64UrlJson(text)
  } catch (e) {
    return { ok: false, error: `X-Session-Update is ${(e as Error).message}` }
  }
  if (!isPlainObject(raw)) return { ok: false, error: 'X-Session-Update must be a JSON object' }
  const update: WireUpdate = {}
  for (const [name, value] of Object.entries(raw)) {
    if ((UPDATE_FLAGS as readonly string[]).includes(name)) {
      if (typeof value !== 'boolean') return { ok: false, error: `X-Session-Update: "${name}" must be true or false` }
      update[name as (typeof UPDATE_FLAGS)[number]] = value
    } else if (name === 'data') {
      if (!isPlainObject(value)) return { ok: false, error: 'X-Session-Update: "data" must be an object' }
      const bad = checkJson(value, 'data')
      if (bad) return { ok: false, error: `X-Session-Update: ${describeNonJson(bad)}` }
      const expiry = badExpiryInData(value, 'data')
      if (expiry) return { ok: false, error: `X-Session-Update: ${expiry}` }
      update.data = value as SessionData
    } else {
      return { ok: false, error: `X-Session-Update: unknown field "${name}"` }
    }
  }
  return { ok: true, value: update }
}

/** Parses an `X-Session` value (adapters). Throws an Error naming the problem. */
export function parseWireSession(header: string): WireSession {
  const raw = decodeBase64UrlJson(header.trim())
  if (!isPlainObject(raw) || raw.v !== 1) throw new Error('X-Session is not protocol v1')
  if (!(raw.key === null || typeof raw.key === 'string')) throw new Error('X-Session: bad "key"')
  if (!isPlainObject(raw.data)) throw new Error('X-Session: "data" must be an object')
  if (typeof raw.now !== 'string' || !parseIsoDate(raw.now)) throw new Error('X-Session: bad "now"')
  if (typeof raw.cookieAge !== 'number') throw new Error('X-Session: bad "cookieAge"')
  return raw as unknown as WireSession
}

/** True when an update asks for nothing but says the session was read. */
export function isReadOnlyUpdate(update: WireUpdate): boolean {
  return !update.data && !update.modified && !update.flush && !update.cycleKey && !update.clearExpired
}

/**
 * The project behind a drop-in adapter, in `X-Session-Django` on its responses: its Django
 * release and the SESSION_* values of its settings.py, which the proxy takes as the starting
 * values of those settings (the command line and the UI still override them for the run).
 */
export interface WireApp {
  /** django.get_version(), e.g. "5.2.17". */
  version: string
  settings: Record<string, unknown>
}

/** The settings an adapter reports: those of the cookie and its lifetime (the store stays the proxy's). */
export const APP_SETTING_NAMES = [
  'SESSION_COOKIE_AGE', 'SESSION_COOKIE_NAME', 'SESSION_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN', 'SESSION_COOKIE_SECURE',
  'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SESSION_SAVE_EVERY_REQUEST'
] as const

/** Parses `X-Session-Django`; throws an Error naming what is wrong. Unknown settings are left out. */
export function parseWireApp(header: string | string[]): WireApp {
  const text = Array.isArray(header) ? header[header.length - 1] ?? '' : header
  if (text.length > 16 * 1024) throw new Error('X-Session-Django is over 16 KiB')
  const raw = decodeBase64UrlJson(text.trim())
  if (!isPlainObject(raw) || typeof raw.version !== 'string' || !isPlainObject(raw.settings)) throw new Error('X-Session-Django must be {version, settings}')
  const settings: Record<string, unknown> = {}
  for (const name of APP_SETTING_NAMES) if (Object.hasOwn(raw.settings, name)) settings[name] = raw.settings[name]
  return { version: raw.version, settings }
}
