// Realistic traffic for the renderer's tests and the visual harness: TrafficEntry objects
// built the way the proxy builds them (src/main/proxy/proxy-server.ts), from ResponseDecision
// objects as the engine's response step writes them, with the reason from explainDecision.
// REASON_CASES covers every ReasonCode of the middleware step, with the exact sentence.
import { clientDisplayName } from '../../src/shared/client-name'
import type { ClientInfo, MirroredCookie, SessionEffect, SessionSnapshot, TrafficEntry } from '../../src/shared/api'
import { explainDecision, explainSessionCookieDrop, type ExplainContext, type LifetimeSource, type ReasonCode, type ResponseDecision } from '../../src/shared/decision'
import { httpDate } from '../../src/shared/expiry'
import type { SessionData } from '../../src/shared/json'
import type { WireSession, WireUpdate } from '../../src/shared/wire'

export const COOKIE_AGE = 1_209_600
export const CLIENT_ID = '5f0c1a2b3c4d5e6f708192a3b4c5d6e7'
export const KEY_A = 'k7x2m9q4w8e1r5t3y6u0i2o4p8a1s3d5'
export const KEY_B = 'b9v8c7x6z5l4k3j2h1g0f9d8s7a6p5o4'
export const STALE = 'stalekey0000000000000000000000ab'
/** The session a login starts after a simulated close discarded the old cookie. */
export const KEY_C = 'c3n8w1q6z4m9r2t7y5u0i8o3p6a2s4d1'
export const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

/** The session cookie as Django's response.set_cookie writes it under the default settings. */
export function sessionCookie(key: string, maxAge: number | null, now: number): string {
  const life = maxAge === null ? [] : [`expires=${httpDate(new Date(now + maxAge * 1000))}`]
  return [`sessionid=${key}`, ...life, 'HttpOnly', ...(maxAge === null ? [] : [`Max-Age=${maxAge}`]), 'Path=/', 'SameSite=Lax'].join('; ')
}

export const DELETE_COOKIE = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'

export interface DecisionSpec {
  reason: ReasonCode
  status?: number
  keyBefore?: string | null
  keyAfter?: string | null
  /** The stored _session_expiry (set_expiry's value). */
  customExpiry?: number | string | null
  /** SESSION_EXPIRE_AT_BROWSER_CLOSE. */
  browserClose?: boolean
  accessed?: boolean
}

/** A ResponseDecision as the engine's processResponse produces it, at engine time `now`. */
export function decision(spec: DecisionSpec, now: number): ResponseDecision {
  const status = spec.status ?? 200
  const base: ResponseDecision = {
    reason: spec.reason, saved: false, vary: spec.accessed ?? true, cookie: null, maxAge: null, expires: null, lifetime: null,
    customExpiry: null, status, keyBefore: spec.keyBefore ?? null, keyAfter: spec.keyAfter ?? spec.keyBefore ?? null, setCookie: null
  }
  const saving = ['created', 'modified', 'saved-every-request', 'server-error'].includes(spec.reason)
  if (spec.reason === 'deleted-empty') return { ...base, vary: true, cookie: 'delete', keyAfter: null, setCookie: DELETE_COOKIE }
  if (spec.reason === 'observed') return { ...base, vary: false }
  if (!saving) return { ...base, vary: spec.reason === 'read' || spec.reason === 'empty' ? true : (spec.accessed ?? false) }
  const custom = spec.customExpiry ?? null
  const atClose = custom === 0 || (custom === null && Boolean(spec.browserClose))
  const lifetime: LifetimeSource = atClose
    ? custom === 0 ? 'browser-close:set_expiry(0)' : 'browser-close:SESSION_EXPIRE_AT_BROWSER_CLOSE'
    : custom === null ? 'SESSION_COOKIE_AGE' : 'set_expiry'
  const maxAge = atClose ? null : typeof custom === 'number' ? custom : COOKIE_AGE
  const d: ResponseDecision = { ...base, maxAge, expires: maxAge === null ? null : new Date(now + maxAge * 1000).toISOString(), lifetime, customExpiry: custom }
  if (spec.reason === 'server-error') return d
  const key = spec.keyAfter ?? (spec.keyBefore as string)
  return { ...d, saved: true, cookie: 'set', keyAfter: key, setCookie: sessionCookie(key, maxAge, now) }
}

export interface EntrySpec {
  id: number
  /** Engine time (ms). */
  time: number
  /** Engine time minus real time (ms). */
  offsetMs?: number
  method?: string
  url: string
  status?: number | null
  durationMs?: number
  before?: SessionSnapshot | null
  after?: SessionSnapshot | null
  decision?: ResponseDecision | null
  update?: WireUpdate | null
  ctx?: ExplainContext
  effect?: SessionEffect
  /** The raw X-Session-Update the proxy refused. */
  rejectedRaw?: string
  error?: string
  reason?: string
  appCookies?: string[]
  droppedCookies?: string[]
  clientId?: string | null
}

const touches = (u: WireUpdate) => Boolean(u.accessed || u.data || u.modified || u.flush || u.cycleKey || u.clearExpired)

/** The traffic badge, as session-middleware.ts decides it. */
export function effectOf(update: WireUpdate | null, d: ResponseDecision, keyBefore: string | null): SessionEffect {
  if (update?.flush) return 'flushed'
  if (update?.cycleKey) return keyBefore === null ? (d.saved ? 'created' : 'untouched') : 'cycled'
  if (d.cookie === 'delete') return 'deleted'
  if (d.reason === 'created') return 'created'
  if (d.saved) return 'modified'
  if (update && touches(update)) return 'read'
  return 'untouched'
}

export function entry(spec: EntrySpec): TrafficEntry {
  const d = spec.decision ?? null
  const update = spec.update ?? null
  const status = spec.status === undefined ? (d?.status ?? 200) : spec.status
  const before = spec.before ?? null
  const reason = spec.reason ?? (d ? explainDecision(d, spec.ctx) : `No session step: ${spec.error ?? 'none'}`)
  const effect = spec.effect ?? (spec.rejectedRaw !== undefined ? 'rejected' : d ? effectOf(update, d, before?.key ?? null) : 'untouched')
  const cookies = [`si_client=${CLIENT_ID}`, ...(before?.key ? [`sessionid=${before.key}`] : []), ...(spec.droppedCookies ?? []).map((n) => `${n}=old`)]
  const requestHeaders: [string, string][] = [
    ['Host', '127.0.0.1:8080'],
    ['User-Agent', UA],
    ['Accept', 'text/html,application/xhtml+xml'],
    ['Cookie', cookies.join('; ')]
  ]
  const setCookies = [
    ...(spec.droppedCookies ?? []).map((n) => `${n}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`),
    ...(spec.appCookies ?? []),
    ...(d?.setCookie ? [d.setCookie] : [])
  ]
  const responseHeaders: [string, string][] = [
    ['Content-Type', 'text/html; charset=utf-8'],
    ['Date', httpDate(new Date(spec.time - (spec.offsetMs ?? 0)))],
    ...(d?.vary ? ([['Vary', 'Cookie']] as [string, string][]) : []),
    ...setCookies.map((c): [string, string] => ['Set-Cookie', c])
  ]
  // The proxy hands every request an X-Session in middleware mode; in observe mode it sends none.
  const xSession: WireSession | null = d?.reason !== 'observed'
    ? {
        v: 1, key: before?.key ?? null, data: before?.data ?? {}, expiryAge: COOKIE_AGE,
        expiryDate: new Date(spec.time + COOKIE_AGE * 1000).toISOString(), expireAtBrowserClose: false, cookieAge: COOKIE_AGE, now: new Date(spec.time).toISOString()
      }
    : null
  const e: TrafficEntry = {
    id: spec.id,
    time: new Date(spec.time).toISOString(),
    realTime: new Date(spec.time - (spec.offsetMs ?? 0)).toISOString(),
    method: spec.method ?? 'GET',
    url: spec.url,
    status,
    durationMs: spec.durationMs ?? 4.2,
    clientId: spec.clientId === undefined ? CLIENT_ID : spec.clientId,
    sessionBefore: before,
    sessionAfter: spec.after === undefined ? before : spec.after,
    setCookie: d?.setCookie ?? null,
    effect,
    reasonCode: d?.reason ?? null,
    reason,
    requestHeaders,
    responseHeaders,
    xSession,
    xSessionUpdate: update,
    decision: d,
    droppedCookies: spec.droppedCookies ?? []
  }
  if (spec.rejectedRaw !== undefined) {
    e.rejectedUpdate = spec.rejectedRaw
    e.error = `X-Session-Update refused: ${spec.ctx?.rejectedUpdate ?? 'invalid'}`
  }
  if (spec.error !== undefined) e.error = spec.error
  return e
}

export interface ReasonCase {
  name: string
  effect: SessionEffect
  /** The exact sentence the UI must show. */
  sentence: string
  make(id: number, now: number): TrafficEntry
}

const snap = (key: string | null, data: SessionData): SessionSnapshot => ({ key, data })
const CART = { cart: [3, 14] }

/** Every case of the middleware's response step, with its sentence written out by hand. */
export const REASON_CASES: ReasonCase[] = [
  {
    name: 'created: a new session', effect: 'created',
    sentence: 'Set-Cookie sent: a new session was created; Max-Age=1209600 from SESSION_COOKIE_AGE',
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/p1/set/', before: null, after: snap(KEY_A, CART), update: { accessed: true, modified: true, data: CART }, decision: decision({ reason: 'created', keyBefore: null, keyAfter: KEY_A }, now) })
  },
  {
    name: 'created: saved under a new key after a stale cookie', effect: 'created',
    sentence: "Set-Cookie sent: the session was saved under a new key, because the cookie's session no longer existed; Max-Age=1209600 from SESSION_COOKIE_AGE",
    make: (id, now) => entry({ id, time: now, url: '/p1/set/', before: snap(STALE, {}), after: snap(KEY_A, CART), update: { accessed: true, modified: true, data: CART }, decision: decision({ reason: 'created', keyBefore: STALE, keyAfter: KEY_A }, now) })
  },
  {
    name: 'created: cycle_key()', effect: 'cycled',
    sentence: 'Set-Cookie sent: the key was cycled, so the same data moved to a new key; Max-Age=1209600 from SESSION_COOKIE_AGE',
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/login/', before: snap(KEY_A, CART), after: snap(KEY_B, { ...CART, _auth_user_id: '42' }), update: { accessed: true, cycleKey: true, modified: true, data: { ...CART, _auth_user_id: '42' } }, ctx: { cycled: true }, decision: decision({ reason: 'created', keyBefore: KEY_A, keyAfter: KEY_B }, now) })
  },
  {
    name: 'created: cycle_key() with no session before (login on a first visit)', effect: 'created',
    sentence: 'Set-Cookie sent: a new session was created (cycle_key() with no session before, as login() does on a first visit); Max-Age=1209600 from SESSION_COOKIE_AGE',
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/admin/login/', before: null, after: snap(KEY_B, { _auth_user_id: '1' }), update: { accessed: true, cycleKey: true, modified: true, data: { _auth_user_id: '1' } }, ctx: { cycled: true }, decision: decision({ reason: 'created', keyBefore: null, keyAfter: KEY_B }, now) })
  },
  {
    name: 'modified with set_expiry(600)', effect: 'modified',
    sentence: 'Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)',
    make: (id, now) => entry({ id, time: now, url: '/p2/set/', before: snap(KEY_A, CART), after: snap(KEY_A, { ...CART, theme: 'dark', _session_expiry: 600 }), update: { accessed: true, modified: true, data: { ...CART, theme: 'dark', _session_expiry: 600 } }, decision: decision({ reason: 'modified', keyBefore: KEY_A, customExpiry: 600 }, now) })
  },
  {
    name: 'modified with set_expiry(0)', effect: 'modified',
    sentence: 'Set-Cookie sent: the session was modified; no Max-Age: the cookie ends when the browser closes, because set_expiry(0)',
    make: (id, now) => entry({ id, time: now, url: '/p3/set/', before: snap(KEY_A, CART), after: snap(KEY_A, { ...CART, _session_expiry: 0 }), update: { accessed: true, modified: true, data: { ...CART, _session_expiry: 0 } }, decision: decision({ reason: 'modified', keyBefore: KEY_A, customExpiry: 0 }, now) })
  },
  {
    name: 'modified under SESSION_EXPIRE_AT_BROWSER_CLOSE', effect: 'modified',
    sentence: 'Set-Cookie sent: the session was modified; no Max-Age: the cookie ends when the browser closes, because SESSION_EXPIRE_AT_BROWSER_CLOSE',
    make: (id, now) => entry({ id, time: now, url: '/home/set/', before: snap(KEY_A, CART), after: snap(KEY_A, { cart: [3, 14, 15] }), update: { accessed: true, modified: true, data: { cart: [3, 14, 15] } }, decision: decision({ reason: 'modified', keyBefore: KEY_A, browserClose: true }, now) })
  },
  {
    name: 'saved because SESSION_SAVE_EVERY_REQUEST', effect: 'modified',
    sentence: 'Set-Cookie sent: SESSION_SAVE_EVERY_REQUEST saves the session on every request; Max-Age=1209600 from SESSION_COOKIE_AGE',
    make: (id, now) => entry({ id, time: now, url: '/p1/get/', before: snap(KEY_A, CART), update: { accessed: true }, decision: decision({ reason: 'saved-every-request', keyBefore: KEY_A }, now) })
  },
  {
    name: 'deleted: the cookie of an empty session', effect: 'deleted',
    sentence: 'Cookie deleted: the browser sent a session cookie but the session is empty (unknown, expired or emptied)',
    make: (id, now) => entry({ id, time: now, url: '/p1/get/', before: snap(STALE, {}), after: null, update: { accessed: true }, decision: decision({ reason: 'deleted-empty', keyBefore: STALE }, now) })
  },
  {
    name: 'deleted: flush()', effect: 'flushed',
    sentence: 'Cookie deleted: the session was flushed, so the browser is told to drop its cookie',
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/logout/', before: snap(KEY_B, { ...CART, _auth_user_id: '42' }), after: null, update: { accessed: true, flush: true }, ctx: { flushed: true }, decision: decision({ reason: 'deleted-empty', keyBefore: KEY_B }, now) })
  },
  {
    name: 'not saved: a 500', effect: 'read',
    sentence: 'No Set-Cookie: the response was a 500, so the session was not saved',
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/p4/set/', status: 500, before: snap(KEY_A, CART), after: snap(KEY_A, CART), update: { accessed: true, modified: true, data: { cart: [1] } }, decision: decision({ reason: 'server-error', keyBefore: KEY_A, status: 500 }, now) })
  },
  {
    name: 'read, not modified', effect: 'read',
    sentence: 'No Set-Cookie: the session was read but not modified (Vary: Cookie added)',
    make: (id, now) => entry({ id, time: now, url: '/p1/get/', before: snap(KEY_A, CART), update: { accessed: true }, decision: decision({ reason: 'read', keyBefore: KEY_A }, now) })
  },
  {
    name: 'empty: nothing to save or delete', effect: 'read',
    sentence: 'No Set-Cookie: the session is empty and the browser had no cookie to delete',
    make: (id, now) => entry({ id, time: now, url: '/p1/del/', before: null, after: null, update: { accessed: true, modified: true, data: {} }, decision: decision({ reason: 'empty' }, now) })
  },
  {
    name: 'untouched', effect: 'untouched',
    sentence: 'No Set-Cookie: the app did not touch the session',
    make: (id, now) => entry({ id, time: now, url: '/static/app.css', before: snap(KEY_A, CART), update: null, decision: decision({ reason: 'untouched', keyBefore: KEY_A, accessed: false }, now) })
  },
  {
    name: 'interrupted: deleted concurrently', effect: 'rejected',
    sentence: '400 Bad Request: the session was deleted by a concurrent request before this one could save it (SessionInterrupted)',
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/p1/set/', status: 400, before: snap(KEY_A, CART), after: null, update: { accessed: true, modified: true, data: CART }, effect: 'rejected', decision: decision({ reason: 'interrupted', keyBefore: KEY_A, status: 400 }, now) })
  },
  {
    name: 'observed: the app set its own cookie', effect: 'modified',
    sentence: 'Observed: the app set the session cookie itself',
    make: (id, now) => entry({ id, time: now, url: '/cart/add/', before: snap(KEY_A, CART), effect: 'modified', decision: { ...decision({ reason: 'observed', keyBefore: KEY_A }, now), setCookie: sessionCookie(KEY_A, COOKIE_AGE, now) } })
  },
  {
    name: 'observed: no cookie', effect: 'untouched',
    sentence: 'Observed: the app ran its own session middleware',
    make: (id, now) => entry({ id, time: now, url: '/cart/', before: snap(KEY_A, CART), effect: 'untouched', decision: decision({ reason: 'observed', keyBefore: KEY_A }, now) })
  },
  {
    name: "the app's update refused", effect: 'rejected',
    sentence: "No Set-Cookie: the app did not touch the session. The app's X-Session-Update was refused (not base64url), so the session is as it was.",
    make: (id, now) => entry({ id, time: now, method: 'POST', url: '/p1/set/', before: snap(KEY_A, CART), update: null, rejectedRaw: '%%not-base64%%', ctx: { rejectedUpdate: 'not base64url' }, decision: decision({ reason: 'untouched', keyBefore: KEY_A, accessed: false }, now) })
  },
  {
    name: 'deleted by the proxy: the cookie expired on the engine clock', effect: 'deleted',
    sentence: "Cookie deleted by the proxy: the browser's session cookie had expired on the engine clock, so it was removed from the request (the app saw no session) and the browser was told to forget it",
    make: (id, now) => entry({ id, time: now, url: '/p1/get/', before: null, after: null, update: { accessed: true }, effect: 'deleted', droppedCookies: ['sessionid'], decision: decision({ reason: 'read' }, now), reason: explainSessionCookieDrop('expired', '', false) })
  },
  {
    name: 'a new session after a close discarded the old cookie', effect: 'created',
    sentence: "Set-Cookie sent: a new session was created; Max-Age=1209600 from SESSION_COOKIE_AGE. The browser's old session cookie was discarded by a simulated browser close, so the proxy had removed it from the request first",
    make: (id, now) => {
      const d = decision({ reason: 'created', keyBefore: null, keyAfter: KEY_C }, now)
      return entry({ id, time: now, method: 'POST', url: '/login/', before: null, after: snap(KEY_C, CART), update: { accessed: true, modified: true, data: CART }, droppedCookies: ['sessionid'], decision: d, reason: explainSessionCookieDrop('discarded', explainDecision(d), true) })
    }
  },
  {
    name: 'upstream error', effect: 'upstream-error',
    sentence: 'No session step: upstream http://127.0.0.1:8000: connection refused (ECONNREFUSED)',
    make: (id, now) => entry({ id, time: now, url: '/p1/get/', status: 502, before: snap(KEY_A, CART), after: null, effect: 'upstream-error', error: 'upstream http://127.0.0.1:8000: connection refused (ECONNREFUSED)', decision: null })
  }
]

/** A browser with a typical jar: the session cookie, a CSRF token, a session-only cookie, an expired and a discarded one. */
export function makeClient(init: { id: string; name: string; userAgent?: string; sessionKey?: string | null; now: number; requestCount?: number }): ClientInfo {
  const at = (ms: number) => new Date(ms).toISOString()
  const now = init.now
  const cookie = (c: Partial<MirroredCookie> & { name: string }): MirroredCookie => ({
    value: 'x', path: '/', domain: null, setAt: at(now - 3_600_000), expiresAt: null, sessionOnly: true, state: 'live', isSessionCookie: false, ...c
  })
  const cookies: MirroredCookie[] = [
    cookie({ name: 'csrftoken', value: 'Xq3vT9pLm2Wc8Rz1Kd6Yb4Nf7Hs0Ja5G', expiresAt: at(now + 364 * 86_400_000), sessionOnly: false }),
    cookie({ name: 'cart_hint', value: '3', sessionOnly: true }),
    cookie({ name: 'promo', value: 'spring', expiresAt: at(now - 600_000), sessionOnly: false, state: 'expired', setAt: at(now - 4_200_000) }),
    cookie({ name: 'tour_step', value: '2', state: 'discarded' })
  ]
  if (init.sessionKey) cookies.unshift(cookie({ name: 'sessionid', value: init.sessionKey, expiresAt: at(now + 600_000), sessionOnly: false, isSessionCookie: true, setAt: at(now - 60_000) }))
  const named = { id: init.id, name: init.name, userAgent: init.userAgent ?? UA }
  return {
    ...named, firstSeen: at(now - 2 * 3_600_000), lastSeen: at(now - 30_000),
    sessionKey: init.sessionKey ?? null, requestCount: init.requestCount ?? 12, cookies, displayName: clientDisplayName(named)
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/**
 * A plausible stream of `count` requests over the last hour before `now`, cycling through the
 * cases in a shuffled order that visits every case (the stride is coprime to their number).
 */
export function seedEntries(count: number, now: number, firstId = 1): TrafficEntry[] {
  const out: TrafficEntry[] = []
  const n = REASON_CASES.length
  let stride = 7
  while (gcd(stride, n) !== 1) stride++
  for (let i = 0; i < count; i++) {
    const c = REASON_CASES[(i * stride) % n] as ReasonCase
    const time = now - (count - i) * Math.max(50, Math.floor(3_600_000 / Math.max(1, count)))
    const e = c.make(firstId + i, time)
    e.durationMs = Math.round((2 + ((i * 37) % 180) / 3) * 10) / 10
    out.push(e)
  }
  return out
}
