// Whose session is it (issue 20): the user of every session holding `_auth_user_id`, with the
// username from the app's user table (observe mode, read-only) or from what the drop-in
// middleware told the proxy (X-Session-User), and whether Django will drop the session on its
// next request because its `_auth_user_hash` no longer matches the user's password hash.
import type { SessionUser } from '../../shared/api'
import { AUTH_USER_BACKEND, AUTH_USER_HASH, authUserId } from '../../shared/auth'
import type { SessionData } from '../../shared/json'
import { acceptedAuthHashes } from '../engine/observe/auth-hash'
import type { UserRecord, UserTable } from '../engine/observe/user-table'
import type { AuthCheck, AuthHooks } from '../proxy/auth-hooks'

const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend'
/** How long a user row read for the proxy is reused (a burst of requests reads it once). */
const ROW_TTL_MS = 1000

export interface UserDirectoryOptions {
  /** observe mode: the app's user table; null: none (drop-in mode, or a table observe mode cannot read). */
  table: UserTable | null
  /** The app's SECRET_KEY and SECRET_KEY_FALLBACKS, read when a hash is checked. */
  secrets(): { secretKey: string; fallbacks: readonly string[] }
  /** The app's Django version, when known. */
  django: string | null
  log(line: string): void
}

/** A row looked up: the record, null when the table has no such user, undefined when it could not be read. */
type Row = UserRecord | null | undefined

export class UserDirectory implements AuthHooks {
  /** Usernames the drop-in middleware named, by user id. */
  private readonly named = new Map<string, string>()
  private readonly rows = new Map<string, { row: Row; at: number }>()
  private failed = ''

  constructor(private readonly o: UserDirectoryOptions) {}

  learn(id: string, username: string): void {
    this.named.delete(id)
    this.named.set(id, username)
    // A bounded memory: the oldest names go first.
    if (this.named.size > 10_000) this.named.delete(this.named.keys().next().value as string)
  }

  /** The rows of these users, read in one query (undefined for every id when the table cannot be read). */
  async rowsOf(ids: Iterable<string>): Promise<Map<string, Row>> {
    const wanted = [...new Set(ids)]
    const out = new Map<string, Row>()
    const table = this.o.table
    if (!table || !wanted.length) return out
    try {
      const found = await table.lookup(wanted)
      const now = Date.now()
      for (const id of wanted) {
        const row = found.get(id) ?? null
        out.set(id, row)
        this.rows.set(id, { row, at: now })
      }
      this.failed = ''
    } catch (e) {
      const message = (e as Error).message
      if (message !== this.failed) this.o.log(`users: ${message} (sessions show the user's id only)`)
      this.failed = message
    }
    return out
  }

  /** The user of one session, given the rows read for its page (rowsOf). */
  userOf(data: SessionData, rows: Map<string, Row>): SessionUser | null {
    const id = authUserId(data)
    if (id === null) return null
    const backend = typeof data[AUTH_USER_BACKEND] === 'string' ? (data[AUTH_USER_BACKEND] as string) : null
    const row = rows.get(id)
    const named = this.named.get(id)
    const user: SessionUser = row
      ? { id, username: row.username, backend, source: 'user-table' }
      : named !== undefined
        ? { id, username: named, backend, source: 'middleware' }
        : { id, username: null, backend, source: null }
    const stale = this.staleness(data, id, backend, row)
    if (stale) user.stale = stale
    return user
  }

  /** Why Django will not keep this session logged in on its next request, or null. */
  private staleness(data: SessionData, id: string, backend: string | null, row: Row): string | null {
    if (row === undefined) return null
    if (row === null) return `user ${id} is no longer in the user table: Django's get_user() finds nobody, so the session is anonymous on its next request`
    if (backend === MODEL_BACKEND && !row.isActive) return `${row.username ?? `user ${id}`} is inactive: ModelBackend refuses inactive users, so the session is anonymous on its next request`
    if (row.password === null) return null
    const hash = data[AUTH_USER_HASH]
    if (typeof hash !== 'string' || hash === '') return "the session has no _auth_user_hash: Django's get_user() flushes it on its next request"
    const { secretKey, fallbacks } = this.o.secrets()
    if (acceptedAuthHashes(row.password, secretKey, fallbacks, this.o.django).includes(hash)) return null
    return "_auth_user_hash no longer matches the user's password hash (the password changed): Django flushes this session on its next request"
  }

  /** The proxy's question before a request (AuthHooks): who, and whether Django drops the session now. */
  async check(data: SessionData): Promise<AuthCheck | null> {
    const id = authUserId(data)
    if (id === null) return null
    const cached = this.rows.get(id)
    const rows = cached && Date.now() - cached.at < ROW_TTL_MS ? new Map([[id, cached.row]]) : await this.rowsOf([id])
    const user = this.userOf(data, rows)
    // Only a hash that no longer matches ends in a flush; a missing or inactive user is anonymous, not logged out.
    return user && { username: user.username, stale: Boolean(user.stale && /flush/.test(user.stale)) }
  }

  /** The users of a page of sessions, in one query. */
  async usersOf(sessions: readonly { data: SessionData }[]): Promise<(SessionUser | null)[]> {
    const ids = sessions.map((s) => authUserId(s.data)).filter((id): id is string => id !== null)
    const rows = await this.rowsOf(ids)
    return sessions.map((s) => this.userOf(s.data, rows))
  }

  async close(): Promise<void> {
    await this.o.table?.close()
  }
}
