// Port of django/contrib/sessions/backends/db.py: sessions in the django_session table.
import type { SessionData } from '../../../shared/json'
import { EXPIRY_KEY, classifyExpiry, getExpiryAge } from '../../../shared/expiry'
import { fromDjangoDate, type SessionDatabase, type SessionRow } from '../database'
import { CreateError, UpdateError } from '../errors'
import { SessionStore, type SessionRecord, type StoreContext, decodeFailure } from '../session-store'

export interface DbStoreContext extends StoreContext {
  db(): SessionDatabase
}

export class DbSessionStore extends SessionStore {
  readonly engine: 'db' | 'cached_db' = 'db'

  constructor(
    protected override readonly ctx: DbStoreContext,
    sessionKey: string | null = null
  ) {
    super(ctx, sessionKey)
  }

  protected get db(): SessionDatabase {
    return this.ctx.db()
  }

  /** The unexpired row, or null after dropping the key (Django's _get_session_from_db). */
  protected getSessionFromDb(): SessionRow | null {
    const key = this.sessionKey
    const row = key === null ? undefined : this.db.load(key, this.now())
    if (!row) {
      this.setKey(null)
      return null
    }
    return row
  }

  protected load(): SessionData | Promise<SessionData> {
    const row = this.getSessionFromDb()
    if (!row) return {}
    // The same row object while the row is unchanged (the database's row cache).
    this.loadedVersion = row
    return this.decode(row.session_data)
  }

  async exists(key: string): Promise<boolean> {
    return this.db.exists(key)
  }

  async create(): Promise<void> {
    for (;;) {
      this.setKey(await this.getNewSessionKey())
      try {
        await this.save(true)
      } catch (e) {
        if (e instanceof CreateError) continue
        throw e
      }
      this.modified = true
      return
    }
  }

  async save(mustCreate = false): Promise<void> {
    if (this.sessionKey === null) return this.create()
    const data = await this.getSession(mustCreate)
    const key = await this.getOrCreateSessionKey()
    const encoded = this.encode(data)
    // One "now" for the expiry and the noted save time (Django: get_expiry_date() at timezone.now()).
    const at = this.now()
    const expireDate = await this.getExpiryDate({ modification: at })
    if (mustCreate) {
      if (!this.db.insert(key, encoded, expireDate)) throw new CreateError()
    } else if (!this.db.update(key, encoded, expireDate)) {
      throw new UpdateError()
    }
    this.db.noteSave(key, at.getTime())
    // The response that carries the cookie waits for the commit of this tick's writes.
    await this.db.committed()
  }

  async delete(key: string | null = null): Promise<void> {
    const target = key ?? this.sessionKey
    if (target === null) return
    this.db.remove(target)
    await this.db.committed()
  }

  async clearExpired(): Promise<number> {
    const removed = this.db.clearExpired(this.now())
    await this.db.committed()
    return removed
  }

  // ------------------------------------------------------------------ inspection

  /** A row as the inspector shows it: decoded (without a security log line), with its save time. */
  toRecord(row: SessionRow): SessionRecord {
    const decoded = this.tryDecode(row.session_data, false)
    const { data } = decoded
    const expireDate = fromDjangoDate(row.expire_date)
    const savedAt = this.db.savedAt(row.session_key) ?? notAfter(savedAtFrom(data, expireDate, this.settings.SESSION_COOKIE_AGE), this.now())
    return { key: row.session_key, data, expireDate, savedAt, ...decodeFailure(decoded) }
  }

  async record(key: string): Promise<SessionRecord | null> {
    const row = this.db.row(key)
    return row ? this.toRecord(row) : null
  }

  async expireNow(key: string): Promise<boolean> {
    const changed = this.db.setExpireDate(key, this.now())
    await this.db.committed()
    return changed
  }
}

/** A worked-out save time is never later than now (SESSION_COOKIE_AGE may have shrunk since). */
function notAfter(date: Date | null, now: Date): Date | null {
  return date && date.getTime() > now.getTime() ? now : date
}

/**
 * The db keeps only expire_date; the last save is expire_date minus the expiry age it was
 * saved with (seconds, or SESSION_COOKIE_AGE), as far as the current settings tell it.
 * Unknown for a fixed-date expiry. Saves made by this process are known exactly instead.
 */
export function savedAtFrom(data: SessionData, expireDate: Date | null, cookieAge: number): Date | null {
  if (!expireDate) return null
  const kind = classifyExpiry(data[EXPIRY_KEY])
  if (kind.kind === 'date') return null
  const age = getExpiryAge(data[EXPIRY_KEY], expireDate, cookieAge)
  return new Date(expireDate.getTime() - age * 1000)
}
