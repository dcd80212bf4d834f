// The session data types of the API contract (api.ts re-exports them): a session as listed
// and read, its user, a page of sessions, the count, and a background search over the store.
import type { SessionData } from './json'
import type { EngineName } from './settings'

/** Who a session belongs to: django.contrib.auth's `_auth_user_id`, with the username where it can be read. */
export interface SessionUser {
  /** `_auth_user_id` as stored (the user's primary key, as text). */
  id: string
  /** The user's USERNAME_FIELD, or null when it cannot be read (then only the id is known). */
  username: string | null
  /** `_auth_user_backend`, e.g. "django.contrib.auth.backends.ModelBackend", or null. */
  backend: string | null
  /** Where the username came from: the app's user table (observe mode), the drop-in middleware, or nowhere. */
  source: 'user-table' | 'middleware' | null
  /**
   * Set when Django will log this session out on its next request, one sentence why (its
   * `_auth_user_hash` no longer matches the user's password hash; the user is gone).
   */
  stale?: string
}

/** One session as the inspector sees it in the store. */
export interface SessionInfo {
  key: string
  /** Decoded data ({} when it cannot be decoded: see decodeError). */
  data: SessionData
  /** get_expiry_date() as the store enforces it (ISO), or null when the store cannot tell. */
  expireDate: string | null
  /** get_expiry_age() at the engine's now. */
  expiryAge: number
  expireAtBrowserClose: boolean
  /** True when the store would no longer load it at the engine's now. */
  expired: boolean
  /** Engine time of the last save, when the store knows it (ISO). */
  savedAt: string | null
  /** The stored `_session_expiry`, if any. */
  customExpiry: number | string | null
  /** The browser profile last seen with this session, if any. */
  clientId: string | null
  engine: EngineName
  /** Set when the data could not be decoded, e.g. "cannot decode: wrong SECRET_KEY? (bad signature)". */
  decodeError?: string
  /** Why it could not be decoded, as a kind a program can test (decodeError says it in words). */
  decodeErrorKind?: DecodeErrorKind
  /** The logged-in user (sessions holding `_auth_user_id`), else null; the service always sends it. */
  user?: SessionUser | null
}

/** One of a user's sessions, with the browser that holds it. */
export interface UserSession extends SessionInfo {
  /** The client last seen with this session: its display name and User-Agent. */
  browser: { id: string; displayName: string; userAgent: string } | null
  /** Engine time of that client's last request (ISO), or null. */
  lastRequest: string | null
}

/** A user's view: every session of theirs in the store, most recent first. */
export interface UserSessions {
  user: { id: string; username: string | null; source: SessionUser['source'] }
  sessions: UserSession[]
}

/**
 * Why stored data could not be decoded: bad-signature (signed with another SECRET_KEY, or
 * tampered), not-an-object (it decodes, but not to a dict), malformed (not the store's format),
 * python-values (a pickled dict holding values JSON cannot show: shown as text, read-only).
 */
export type DecodeErrorKind = 'bad-signature' | 'not-an-object' | 'malformed' | 'python-values'

/** One page of the store's sessions, read in the store (never the whole store). */
export interface SessionList {
  sessions: SessionInfo[]
  /** The cursor of the next page (pass it as `cursor`), or null after the last page. */
  next: string | null
  /** The order of the pages, in words, e.g. "expire_date DESC, session_key" or "Redis SCAN order". */
  order: string
  /** How many sessions the store holds, when asked for (`total: true`); see countSessions. */
  total?: number
  /** Set when the current engine cannot enumerate sessions (signed_cookies). */
  unsupported?: string
  /** One sentence on what the list cannot include, e.g. observe mode's memcached or signed cookies: only the sessions seen in traffic. */
  note?: string
}

/** How many sessions the store holds, counted in the store. */
export interface SessionCount {
  total: number
  /** false: an estimate (e.g. Redis DBSIZE counts every key of the database); note says why. */
  exact: boolean
  note?: string
}

/** A data search over every session of the store, run in the background (issue 25). */
export interface SessionSearch {
  id: string
  query: string
  /** Finished: every session was read (or it was cancelled, or failed). */
  done: boolean
  cancelled: boolean
  /** Sessions read so far. */
  scanned: number
  /** How many the store holds (countSessions), when known; exact says whether it is an estimate. */
  total: number | null
  /** The sessions found so far, newest found last, at most `cap`. */
  matches: SessionInfo[]
  /** How many matched in all (may be more than matches.length once the cap is reached). */
  matched: number
  cap: number
  /** True once done over every session with nothing left out: the figures are final, not "so far". */
  exact: boolean
  error?: string
}

/** The SSE `search` event: a search's progress (fetch the search for its matches). */
export type SessionSearchProgress = Omit<SessionSearch, 'matches'>
