// Port of django/contrib/sessions/middleware.py (SessionMiddleware.process_response), split
// into a pure decision (decideResponse) and the step that runs it against a session
// (processResponse), plus Django's exact Set-Cookie text (HttpResponse.set_cookie /
// delete_cookie as Python's SimpleCookie writes them).
import type { LifetimeSource, ReasonCode, ResponseDecision } from '../../shared/decision'
import { EXPIRY_KEY, httpDate } from '../../shared/expiry'
import { djangoBehaviour } from '../../shared/django-versions'
import type { Settings } from '../../shared/settings'
import { SessionInterrupted, UpdateError } from './errors'
import type { SessionStore } from './session-store'

/** What the response step needs to know about the session. */
export interface SessionState {
  accessed: boolean
  modified: boolean
  empty: boolean
}

/** Expiry facts, computed only when the session is going to be saved (they load it). */
export interface ExpiryFacts {
  expireAtBrowserClose: boolean
  /** get_expiry_age() */
  expiryAge: number
  /** The stored _session_expiry (null when absent). */
  customExpiry: number | string | null
}

export interface DecideInput {
  /** SESSION_COOKIE_NAME was in the request's cookies. */
  cookieSent: boolean
  state: SessionState
  settings: Settings
  status: number
  now: Date
  /** Required when the decision is to save; decideResponse asks for it by returning `needsExpiry`. */
  expiry?: ExpiryFacts
}

export type Plan =
  | { needsExpiry: true }
  | {
      needsExpiry: false
      reason: ReasonCode
      save: boolean
      vary: boolean
      cookie: 'set' | 'delete' | null
      maxAge: number | null
      expires: Date | null
      lifetime: LifetimeSource | null
      customExpiry: number | string | null
    }

/**
 * The response step as a pure function: given whether the cookie was sent, the session's
 * flags, the settings and the status, what to do. Django's order: an empty session with a
 * cookie → delete; else Vary if accessed; save if (modified or SAVE_EVERY_REQUEST) and not
 * empty, unless the status is 5xx (4.2+; 3.2 skipped only 500); from 5.2, Vary whenever the
 * cookie is set (DJANGO_VERSION decides: src/shared/django-versions.ts).
 */
export function decideResponse(input: DecideInput): Plan {
  const { cookieSent, state, settings, status, now } = input
  if (cookieSent && state.empty) return plan('deleted-empty', false, true, 'delete', null, null, null, null)
  const vary = state.accessed
  const wantsSave = state.modified || settings.SESSION_SAVE_EVERY_REQUEST
  if (!wantsSave || state.empty) {
    const reason: ReasonCode = state.modified && state.empty ? 'empty' : state.accessed ? 'read' : 'untouched'
    return plan(reason, false, vary, null, null, null, null, null)
  }
  const expiry = input.expiry
  if (!expiry) return { needsExpiry: true }
  let maxAge: number | null = null
  let expires: Date | null = null
  let lifetime: LifetimeSource
  if (expiry.expireAtBrowserClose) {
    lifetime = expiry.customExpiry === 0 ? 'browser-close:set_expiry(0)' : 'browser-close:SESSION_EXPIRE_AT_BROWSER_CLOSE'
  } else {
    maxAge = expiry.expiryAge
    expires = new Date(now.getTime() + maxAge * 1000)
    lifetime = expiry.customExpiry === null ? 'SESSION_COOKIE_AGE' : 'set_expiry'
  }
  const version = settings.DJANGO_VERSION
  if (djangoBehaviour.skipSaveOn5xx(version) ? status >= 500 : status === 500) {
    return plan('server-error', false, vary, null, maxAge, expires, lifetime, expiry.customExpiry)
  }
  const varyOnSet = vary || djangoBehaviour.varyWhenCookieSet(version)
  return plan(state.modified ? 'modified' : 'saved-every-request', true, varyOnSet, 'set', maxAge, expires, lifetime, expiry.customExpiry)
}

/** A decided plan, built in one shape (this runs on every proxied request). */
function plan(
  reason: ReasonCode,
  save: boolean,
  vary: boolean,
  cookie: 'set' | 'delete' | null,
  maxAge: number | null,
  expires: Date | null,
  lifetime: LifetimeSource | null,
  customExpiry: number | string | null
): Plan {
  return { needsExpiry: false, reason, save, vary, cookie, maxAge, expires, lifetime, customExpiry }
}

// http.cookies: _LegalChars, and what _quote leaves unescaped inside quotes (_UnescapedChars).
const LEGAL_VALUE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/
const UNESCAPED = /[A-Za-z0-9!#$%&'*+\-.^_`|~: ()/<=>?@[\]{}]/

/**
 * Python's SimpleCookie quoting of a cookie value (http.cookies._quote): a legal token as
 * it is; anything else in double quotes, with `"` and `\` backslash-escaped and the other
 * bytes below 256 outside _UnescapedChars (`,`, `;`, controls, Latin-1) as `\ooo` octal.
 */
function cookieValue(value: string): string {
  if (LEGAL_VALUE.test(value)) return value
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (code < 256 && !UNESCAPED.test(ch)) out += `\\${code.toString(8).padStart(3, '0')}`
    else out += ch
  }
  return `"${out}"`
}

export interface CookieAttributes {
  maxAge: number | null
  expires: string | null
  domain: string | null
  path: string
  secure: boolean
  httpOnly: boolean
  sameSite: string | null
}

/** One Set-Cookie value, attributes in SimpleCookie's (sorted) order, as Django sends it. */
export function formatSetCookie(name: string, value: string, a: CookieAttributes): string {
  const parts = [`${name}=${cookieValue(value)}`]
  if (a.domain) parts.push(`Domain=${a.domain}`)
  if (a.expires) parts.push(`expires=${a.expires}`)
  if (a.httpOnly) parts.push('HttpOnly')
  if (a.maxAge !== null) parts.push(`Max-Age=${Math.trunc(a.maxAge)}`)
  if (a.path) parts.push(`Path=${a.path}`)
  if (a.sameSite) parts.push(`SameSite=${a.sameSite}`)
  if (a.secure) parts.push('Secure')
  return parts.join('; ')
}

/** response.set_cookie(SESSION_COOKIE_NAME, key, max_age, expires, domain, path, secure, httponly, samesite) */
export function sessionSetCookie(settings: Settings, key: string, maxAge: number | null, expires: Date | null): string {
  return formatSetCookie(settings.SESSION_COOKIE_NAME, key, {
    maxAge,
    expires: expires ? httpDate(expires) : null,
    domain: settings.SESSION_COOKIE_DOMAIN,
    path: settings.SESSION_COOKIE_PATH,
    secure: settings.SESSION_COOKIE_SECURE,
    httpOnly: settings.SESSION_COOKIE_HTTPONLY,
    sameSite: settings.SESSION_COOKIE_SAMESITE
  })
}

/**
 * response.delete_cookie(name, path, domain, samesite): Secure only for SameSite=None or
 * __Secure-/__Host- names (SESSION_COOKIE_SECURE is not copied), never HttpOnly.
 */
export function sessionDeleteCookie(settings: Settings): string {
  const name = settings.SESSION_COOKIE_NAME
  const sameSite = settings.SESSION_COOKIE_SAMESITE
  return formatSetCookie(name, '', {
    maxAge: 0,
    expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
    domain: settings.SESSION_COOKIE_DOMAIN,
    path: settings.SESSION_COOKIE_PATH,
    secure: name.startsWith('__Secure-') || name.startsWith('__Host-') || sameSite?.toLowerCase() === 'none',
    httpOnly: false,
    sameSite
  })
}

/** Adds "Cookie" to a Vary header value (patch_vary_headers). */
export function patchVary(existing: string | undefined): string {
  const items = (existing ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (items.some((i) => i === '*' || i.toLowerCase() === 'cookie')) return items.join(', ')
  return [...items, 'Cookie'].join(', ')
}

export interface ProcessInput {
  /** The session cookie's value as sent, or undefined when the request had none. */
  cookieValue: string | undefined
  status: number
}

/**
 * Runs the response step against a session: computes the expiry facts only when saving
 * (as Django does, which may load the session), saves, and returns the decision with the
 * Set-Cookie text. An UpdateError on save becomes SessionInterrupted (a 400).
 */
export async function processResponse(session: SessionStore, settings: Settings, input: ProcessInput): Promise<ResponseDecision> {
  const now = session.now()
  // Captured once, before anything loads: computing the expiry may load the session and
  // change its key (a stale cookie), which must not turn this into a deletion.
  const state = { accessed: session.accessed, modified: session.modified, empty: session.isEmpty() }
  const decide = (expiry?: ExpiryFacts) =>
    decideResponse({
      cookieSent: input.cookieValue !== undefined,
      state,
      settings,
      status: input.status,
      now,
      expiry
    })
  let plan = decide()
  if (plan.needsExpiry) {
    const expireAtBrowserClose = await session.getExpireAtBrowserClose()
    const expiryAge = await session.getExpiryAge()
    const stored = session.peekData()?.[EXPIRY_KEY]
    const customExpiry = typeof stored === 'number' || typeof stored === 'string' ? stored : null
    plan = decide({ expireAtBrowserClose, expiryAge, customExpiry })
  }
  if (plan.needsExpiry) throw new Error('internal: decideResponse asked for expiry twice')
  const keyBefore = input.cookieValue ?? null
  const decision: ResponseDecision = {
    reason: plan.reason,
    saved: false,
    vary: plan.vary,
    cookie: plan.cookie,
    maxAge: plan.maxAge,
    expires: plan.expires ? plan.expires.toISOString() : null,
    lifetime: plan.lifetime,
    customExpiry: plan.customExpiry,
    status: input.status,
    keyBefore,
    keyAfter: session.sessionKey,
    setCookie: null
  }
  if (plan.cookie === 'delete') {
    decision.setCookie = sessionDeleteCookie(settings)
    decision.keyAfter = null
    return decision
  }
  if (!plan.save) return decision
  try {
    await session.save()
  } catch (e) {
    if (e instanceof UpdateError) throw new SessionInterrupted()
    throw e
  }
  const key = session.sessionKey as string
  decision.saved = true
  decision.keyAfter = key
  decision.setCookie = sessionSetCookie(settings, key, plan.maxAge, plan.expires)
  if (session.isNewSession(keyBefore)) decision.reason = 'created'
  return decision
}
