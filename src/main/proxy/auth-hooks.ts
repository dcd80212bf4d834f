// What the proxy asks about the logged-in user of a request's session, for the traffic
// reason of a login, a logout or a session Django drops (issue 20). The inspector answers
// from the app's user table (observe mode) or what the drop-in middleware told it.
import type { SessionData } from '../../shared/json'
import { authChange, authUserId, explainAuthChange } from '../../shared/auth'
import { decodeBase64UrlJson } from '../../shared/wire'

/** The user the drop-in middleware names in its response (X-Session-User). */
export const USER_HEADER = 'x-session-user'

export interface AuthCheck {
  username: string | null
  /** Django will drop this session on this request (its hash no longer matches, ...). */
  stale: boolean
}

export interface AuthHooks {
  /** Before forwarding a request whose session holds a user: who, and whether it is stale. */
  check(data: SessionData): Promise<AuthCheck | null>
  /** The drop-in middleware named the request's user (id and username). */
  learn(id: string, username: string): void
}

/** X-Session-User's value, base64url JSON {id, username}; null when it is not that. */
export function parseUserHeader(value: string | string[] | undefined): { id: string; username: string } | null {
  const text = Array.isArray(value) ? value.at(-1) : value
  if (!text || text.length > 4096) return null
  try {
    const v = decodeBase64UrlJson(text) as { id?: unknown; username?: unknown }
    if (v === null || typeof v !== 'object') return null
    const id = typeof v.id === 'number' ? String(v.id) : v.id
    if (typeof id !== 'string' || !id || typeof v.username !== 'string') return null
    return { id, username: v.username }
  } catch {
    return null
  }
}

/** The reason with the login or logout told first, when the request was one. */
/** The session's user before the request and, on a login, after it. */
export interface AuthChecks {
  before?: AuthCheck | null
  after?: AuthCheck | null
}

/** Before forwarding: the user of the session the request carries, if it has one. */
export async function authBefore(hooks: AuthHooks, before: SessionData | null | undefined): Promise<AuthChecks | undefined> {
  if (!before || authUserId(before) === null) return undefined
  return { before: await hooks.check(before).catch(() => null) }
}

/** After the app answered: the user the drop-in middleware named (X-Session-User), and who logged in. */
export async function authAfter(hooks: AuthHooks, header: string | string[] | undefined, before: SessionData | null | undefined, after: SessionData | null | undefined, checks: AuthChecks | undefined): Promise<AuthChecks | undefined> {
  const named = parseUserHeader(header)
  if (named) hooks.learn(named.id, named.username)
  if (!after || !isLogin(before, after)) return checks
  return { ...checks, after: await hooks.check(after).catch(() => null) }
}

export function withAuthReason(reason: string, before: SessionData | null | undefined, after: SessionData | null | undefined, checks: AuthChecks): string {
  const change = authChange(before, after, checks.before?.stale ?? false)
  if (!change) return reason
  const id = (change === 'login' ? authUserId(after) : authUserId(before)) as string
  const username = (change === 'login' ? checks.after : checks.before)?.username ?? null
  return `${explainAuthChange(change, id, username)}. ${reason}`
}

/** A login on this request: the session after it holds a user the one before did not. */
export function isLogin(before: SessionData | null | undefined, after: SessionData | null | undefined): boolean {
  return authChange(before, after) === 'login'
}
