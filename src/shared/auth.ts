// django.contrib.auth's keys in a session, and what a request did to them: a login (login()
// cycles the key), a logout (logout() flushes), or Django dropping a session whose
// `_auth_user_hash` no longer matches the user's password. Plain data, shared by the proxy's
// reasons and the UI's badges.
import type { SessionData } from './json'

/** django.contrib.auth's session keys (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY). */
export const AUTH_USER_ID = '_auth_user_id'
export const AUTH_USER_BACKEND = '_auth_user_backend'
export const AUTH_USER_HASH = '_auth_user_hash'

/** Django's key_salt for AbstractBaseUser.get_session_auth_hash(). */
export const SESSION_AUTH_HASH_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash'

/** The `_auth_user_id` of session data as text (Django stores the pk's str()), or null. */
export function authUserId(data: SessionData | null | undefined): string | null {
  const id = data?.[AUTH_USER_ID]
  if (typeof id === 'string' && id !== '') return id
  if (typeof id === 'number' && Number.isFinite(id)) return String(id)
  return null
}

/** What a request did to the logged-in user of its session. */
export type AuthChange = 'login' | 'logout' | 'dropped'

/** The sentences the traffic view gives each change (the words). */
export const AUTH_WORDS: Record<AuthChange, string> = {
  login: 'key cycled: login() calls cycle_key() so a session id known before login is useless after it',
  logout: 'flushed: logout()',
  dropped: "flushed by Django: _auth_user_hash no longer matches the user's password hash (the password changed), so get_user() flushed the session"
}

/**
 * A login when the session after the request holds a user the session before did not; a
 * logout when the user is gone afterwards. `stale`: the user's hash was known not to match
 * before the request, so the session's end was Django's doing, not logout()'s.
 */
export function authChange(before: SessionData | null | undefined, after: SessionData | null | undefined, stale = false): AuthChange | null {
  const was = authUserId(before)
  const now = authUserId(after)
  if (now !== null && now !== was) return 'login'
  if (was !== null && now === null) return stale ? 'dropped' : 'logout'
  return null
}

/** "sonam (user 1)" or "user 1". */
export function describeUser(id: string, username: string | null | undefined): string {
  return username ? `${username} (user ${id})` : `user ${id}`
}

/** The sentence put before the middleware's reason on a login or logout request. */
export function explainAuthChange(change: AuthChange, id: string, username: string | null | undefined): string {
  const who = describeUser(id, username)
  switch (change) {
    case 'login':
      return `Login of ${who}: ${AUTH_WORDS.login}`
    case 'logout':
      return `Logout of ${who}: ${AUTH_WORDS.logout}`
    case 'dropped':
      return `${who} logged out by Django: ${AUTH_WORDS.dropped}`
  }
}
