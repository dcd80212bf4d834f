// Observe mode's view of a request (issue 7): the app runs Django's own SessionMiddleware on
// the database the engine shares, so the session is read from that database before the
// request and after the response, and what happened is told from the app's Set-Cookie
// and Vary, as Django's process_response decides them.
import type { SessionEffect, SessionSnapshot } from '../../shared/api'
import { getCookie, parseCookieHeader, parseSetCookie } from '../../shared/cookies'
import type { SessionData } from '../../shared/json'
import { sessionDeleteCookie, sessionSetCookie, type Engine } from '../engine'

export interface ObservedRequest {
  /** The session cookie the app received (after the cookie mirror), if any. */
  cookie: string | undefined
  before: SessionSnapshot | null
  /** The app's database had a row for the cookie's key (live or not). */
  existed: boolean
  /** Why `before` has no data although a row exists, e.g. "cannot decode: wrong SECRET_KEY?". */
  decodeError?: string
  /** signed_cookies: the Set-Cookie the browser gets for a cookie the inspector changed. */
  browserSetCookie?: string
}

export interface Observation {
  before: SessionSnapshot | null
  after: SessionSnapshot | null
  effect: SessionEffect
  /** One sentence for the traffic view. */
  reason: string
  /** Sessions whose row changed, for the UI's live list. */
  changed: { key: string; change: 'saved' | 'deleted' }[]
}

interface Read {
  data: SessionData
  exists: boolean
  decodeError?: string
}

/** The app's row for a key as Django's load() sees it: data when live, {} when missing or expired. */
async function read(engine: Engine, key: string): Promise<Read> {
  try {
    const found = await engine.find(key)
    if (!found) return { data: {}, exists: false }
    if (found.decodeError) return { data: {}, exists: true, decodeError: found.decodeError }
    return { data: found.expired ? {} : found.data, exists: true }
  } catch (e) {
    // A locked or vanished database must not break the app's traffic: the entry says so.
    return { data: {}, exists: false, decodeError: `cannot read the session: ${(e as Error).message}` }
  }
}

/**
 * Before forwarding: the session the app is about to load for the request's cookie (and, for
 * signed_cookies, the cookie handed to the app rewritten in `headers`).
 */
export async function observeBefore(engine: Engine, headers: { cookie?: string }): Promise<ObservedRequest> {
  const cookie = getCookie(parseCookieHeader(headers.cookie), engine.settings().SESSION_COOKIE_NAME)
  if (cookie === undefined) return { cookie, before: null, existed: false }
  engine.appStore?.seen?.(cookie)
  const r = await read(engine, cookie)
  const browserSetCookie = rewriteRequestCookie(engine, headers, cookie)
  return { cookie, before: { key: cookie, data: r.data }, existed: r.exists, ...(r.decodeError ? { decodeError: r.decodeError } : {}), ...(browserSetCookie ? { browserSetCookie } : {}) }
}

const varies = (vary: string | undefined) => (vary ?? '').split(',').some((v) => ['cookie', '*'].includes(v.trim().toLowerCase()))

/**
 * After the app answered: its session cookie (the last Set-Cookie of that name wins) and Vary
 * say what it did. signed_cookies: `appSetCookies` is rewritten in place to what the browser gets.
 */
export async function observeAfter(engine: Engine, req: ObservedRequest, appSetCookies: string[], vary: string | undefined): Promise<Observation> {
  appSetCookies.splice(0, appSetCookies.length, ...rewriteResponseCookies(engine, appSetCookies, req))
  const name = engine.settings().SESSION_COOKIE_NAME
  const cookie = appSetCookies.map(parseSetCookie).filter((c) => c?.name === name).at(-1) ?? null
  const { before } = req
  const changed: Observation['changed'] = []
  let undecodable = req.decodeError
  const done = (effect: SessionEffect, sentence: string, after: SessionSnapshot | null): Observation => ({
    before,
    after,
    effect,
    reason: `Observed: ${sentence}${undecodable ? ` (${undecodable})` : ''}`,
    changed
  })

  if (!cookie) {
    return varies(vary)
      ? done('read', 'the app read the session but set no cookie (Vary: Cookie)', before)
      : done('untouched', 'the app did not touch the session', before)
  }
  // The row the request came with, when this response removed it (flush, cycle_key).
  const oldRowGone = async () => req.existed && req.cookie !== undefined && !(await read(engine, req.cookie)).exists
  if (cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0)) {
    if (await oldRowGone()) changed.push({ key: req.cookie as string, change: 'deleted' })
    return done('deleted', 'the app deleted the session cookie (flush() or logout, or an empty session)', null)
  }
  const key = cookie.value
  engine.appStore?.seen?.(key)
  const saved = await read(engine, key)
  undecodable ??= saved.decodeError
  const after = { key, data: saved.data }
  if (saved.exists) changed.push({ key, change: 'saved' })
  if (key === req.cookie) return done('modified', 'the app saved the session and sent its cookie again', after)
  const hadSession = before !== null && Object.keys(before.data).length > 0
  if (await oldRowGone()) changed.push({ key: req.cookie as string, change: 'deleted' })
  return hadSession
    ? done('cycled', 'the app moved the session to a new key (cycle_key() at login, or flush() then new data)', after)
    : done('created', 'the app saved a new session and set its cookie', after)
}

/** The Cookie header with one cookie's value replaced, or the cookie taken out (null). */
export function replaceCookie(header: string, name: string, value: string | null): string {
  const parts = header.split(';').map((p) => p.trim()).filter(Boolean)
  const out: string[] = []
  for (const part of parts) {
    const eq = part.indexOf('=')
    if ((eq < 0 ? part : part.slice(0, eq)).trim() !== name) out.push(part)
    else if (value !== null) out.push(`${name}=${value}`)
  }
  return out.join('; ')
}

/**
 * signed_cookies: the request's session cookie as the app must get it (an edit or a deletion
 * made in the inspector, the clock's lag); returns the Set-Cookie the browser must get for
 * it, if the inspector changed its value.
 */
export function rewriteRequestCookie(engine: Engine, headers: { cookie?: string }, cookie: string | undefined): string | undefined {
  const store = engine.appStore
  if (cookie === undefined || !store?.rewriteRequestCookie) return undefined
  const rewrite = store.rewriteRequestCookie(cookie)
  if (!rewrite) return undefined
  const s = engine.settings()
  const next = replaceCookie(headers.cookie ?? '', s.SESSION_COOKIE_NAME, rewrite.toApp)
  if (next) headers.cookie = next
  else delete headers.cookie
  if (rewrite.toBrowser === undefined) return undefined
  if (rewrite.toBrowser === null) return sessionDeleteCookie(s)
  const maxAge = s.SESSION_EXPIRE_AT_BROWSER_CLOSE ? null : s.SESSION_COOKIE_AGE
  return sessionSetCookie(s, rewrite.toBrowser, maxAge, maxAge === null ? null : new Date(engine.clock.nowMs() + maxAge * 1000))
}

/**
 * signed_cookies: the app's session Set-Cookie values as the browser must keep them (engine
 * time), and the cookie the inspector changed for this request, unless the app set its own.
 */
export function rewriteResponseCookies(engine: Engine, setCookies: string[], req: ObservedRequest): string[] {
  const store = engine.appStore
  if (!store?.rewriteResponseCookie) return setCookies
  const name = engine.settings().SESSION_COOKIE_NAME
  const out = setCookies.map((line) => {
    const c = parseSetCookie(line)
    if (c?.name !== name || c.value === '') return line
    const value = store.rewriteResponseCookie?.(c.value) ?? c.value
    return value === c.value ? line : line.replace(`${name}=${c.value}`, `${name}=${value}`)
  })
  if (req.browserSetCookie && !out.some((l) => parseSetCookie(l)?.name === name)) out.push(req.browserSetCookie)
  return out
}
