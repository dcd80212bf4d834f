// The `django_session` table in a SQLite file (better-sqlite3, WAL, synchronous=NORMAL), as
// Django's sessions migration creates it and as Django's SQLite backend writes datetimes.
// The writes of one event-loop tick share one transaction; committed() says when it is done.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseIsoDate } from '../../shared/expiry'
import { OldestKey } from './oldest-key'
import { createPrivateFile } from './private-files'

export interface SessionRow {
  session_key: string
  session_data: string
  expire_date: string
}

/** Django's SQLite adapter: str(naive UTC datetime), microseconds only when non-zero. */
export function toDjangoDate(date: Date): string {
  const at = date.getTime()
  if (at === lastDate.at) return lastDate.text
  const iso = date.toISOString()
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
  const ms = date.getUTCMilliseconds()
  lastDate = { at, text: ms === 0 ? base : `${base}.${String(ms).padStart(3, '0')}000` }
  return lastDate.text
}
/** The last date written: every load compares with now, many in the same millisecond. */
let lastDate = { at: NaN, text: '' }

/** Reads an expire_date written by Django or by us (naive UTC). */
export function fromDjangoDate(text: string): Date | null {
  return parseIsoDate(text)
}

/** An expire_date moved by ms, to the microsecond, written as Django writes it. */
export function shiftDjangoDate(text: string, ms: number): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(text.trim())
  const base = m ? Date.parse(`${m[1]}T${m[2]}Z`) : fromDjangoDate(text)?.getTime()
  if (base === undefined || Number.isNaN(base)) return text
  const micros = base * 1000 + Number((m?.[3] ?? '').padEnd(6, '0')) + Math.round(ms * 1000)
  const seconds = Math.floor(micros / 1e6)
  const fraction = micros - seconds * 1e6
  const iso = new Date(seconds * 1000).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${String(fraction).padStart(6, '0')}` : ''}`
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS "django_session" (
  "session_key" varchar(40) NOT NULL PRIMARY KEY,
  "session_data" text NOT NULL,
  "expire_date" datetime NOT NULL
);
CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
`

/**
 * Opens (creating if needed) a SQLite file exactly as the db store does: WAL, a busy
 * timeout, Django's schema. The engine benchmark opens its raw baseline with it too.
 * synchronous=NORMAL: in WAL mode a commit is written to the log before it returns, so it
 * survives the process being killed (kill -9); only a power cut or an OS crash can lose
 * the last commits, which no longer wait for an fsync each.
 */
export function openSessionSqlite(path: string): Database.Database {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true })
    createPrivateFile(path)
  }
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  db.exec(SCHEMA)
  return db
}

/** Save times kept in memory at the most (the oldest are forgotten first). */
const MAX_SAVE_TIMES = 200_000
/** Rows kept in memory at the most (the oldest are forgotten first). */
const MAX_CACHED_ROWS = 20_000
/** An expire_date SQLite compares as JS does: text of printable ASCII (what Django writes). */
const PLAIN_DATE = /^[ -~]*$/

/** The open transaction of this tick's writes, and who waits for its commit. */
interface Batch {
  done: Promise<void>
  resolve(): void
  reject(error: Error): void
}

/** A row as last read or written (null: no such row), and whether its expiry can be checked in JS. */
type CachedRow = { row: SessionRow; plainDate: boolean } | null

export class SessionDatabase {
  private readonly db: Database.Database
  /**
   * Engine time of the last save of each session this process saved: the table keeps only
   * expire_date, from which the save time can be worked out only while SESSION_COOKIE_AGE
   * (or the session's expiry) is what it was then, and not after an "expire now".
   */
  private readonly saves = new Map<string, number>()
  private readonly oldestSave = new OldestKey(() => this.saves.keys())
  /**
   * Rows by key as this connection last read or wrote them, valid while PRAGMA data_version
   * stays what it was when they were read: it changes when another connection (Django, the
   * CLI, another inspector) commits to the file, and then every cached row is dropped. This
   * connection's own writes keep the cache up to date instead. A read of an unchanged row
   * skips the SELECT, and hands out the same session_data string (whose verified payload
   * the signing memo then finds without hashing a new string).
   * data_version is asked once per event-loop turn (the requests that arrived together share
   * it; asking costs two fcntl locks): a commit by another process is seen by every read in
   * the turns after it, which is every read that could have been caused by it.
   */
  private readonly cache = new Map<string, CachedRow>()
  private readonly oldestRow = new OldestKey(() => this.cache.keys())
  private dataVersion: unknown = null
  private versionChecked = false
  private readonly nextTurn = () => {
    this.versionChecked = false
  }
  /**
   * This tick's writes run inside one transaction (BEGIN IMMEDIATE at the first write),
   * committed by a setImmediate once the tick's I/O callbacks have run: many requests
   * finishing together pay one commit. A write's result is known at once (the statement
   * has run); committed() resolves once it is durable, and a response that carries its
   * Set-Cookie waits for that (DbSessionStore.save), so a browser never holds the cookie of
   * a session that a kill -9 could lose.
   */
  private batch: Batch | null = null
  private readonly stmt: {
    load: Database.Statement<[string, string], SessionRow>
    exists: Database.Statement<[string], { one: number }>
    insert: Database.Statement<[string, string, string]>
    update: Database.Statement<[string, string, string]>
    remove: Database.Statement<[string]>
    clearExpired: Database.Statement<[string]>
    row: Database.Statement<[string], SessionRow>
    pageFirst: Database.Statement<[number], SessionRow>
    pageAfter: Database.Statement<[string, string, string, number], SessionRow>
    prefixPage: Database.Statement<[string, string, string, number], SessionRow>
    count: Database.Statement<[], { n: number }>
    setExpireDate: Database.Statement<[string, string]>
    dataVersion: Database.Statement<[], number>
    begin: Database.Statement<[]>
    commit: Database.Statement<[]>
    rollback: Database.Statement<[]>
  }

  constructor(readonly path: string) {
    this.db = openSessionSqlite(path)
    this.stmt = {
      load: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ? AND expire_date > ?'),
      exists: this.db.prepare('SELECT 1 AS one FROM django_session WHERE session_key = ? LIMIT 1'),
      insert: this.db.prepare('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)'),
      update: this.db.prepare('UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ?'),
      remove: this.db.prepare('DELETE FROM django_session WHERE session_key = ?'),
      clearExpired: this.db.prepare('DELETE FROM django_session WHERE expire_date < ?'),
      row: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ?'),
      // Keyset pages on the expire_date index (Django's): never OFFSET, so a deep page costs a first one.
      pageFirst: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session ORDER BY expire_date DESC, session_key LIMIT ?'),
      pageAfter: this.db.prepare(
        'SELECT session_key, session_data, expire_date FROM django_session WHERE expire_date <= ? AND (expire_date < ? OR session_key > ?) ORDER BY expire_date DESC, session_key LIMIT ?'
      ),
      // A key prefix is a range of the primary key.
      prefixPage: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key >= ? AND session_key < ? AND session_key > ? ORDER BY session_key LIMIT ?'),
      count: this.db.prepare('SELECT COUNT(*) AS n FROM django_session'),
      setExpireDate: this.db.prepare('UPDATE django_session SET expire_date = ? WHERE session_key = ?'),
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK')
    }
  }

  /** The row if it has not expired at `now` (Django: expire_date__gt=now). */
  load(key: string, now: Date): SessionRow | undefined {
    const cached = this.cachedRow(key)
    if (cached === null) return undefined
    // SQLite compares two texts byte by byte: so does JS for printable ASCII.
    if (cached.plainDate) return cached.row.expire_date > toDjangoDate(now) ? cached.row : undefined
    return this.stmt.load.get(key, toDjangoDate(now))
  }

  /** The row by key, from the cache while no other connection has written since it was read. */
  private cachedRow(key: string): CachedRow {
    if (!this.versionChecked) {
      const version = this.stmt.dataVersion.get()
      if (version !== this.dataVersion) {
        this.cache.clear()
        this.dataVersion = version
      }
      this.versionChecked = true
      setImmediate(this.nextTurn)
    }
    let cached = this.cache.get(key)
    if (cached === undefined) {
      const row = this.stmt.row.get(key)
      cached = row ? { row, plainDate: typeof row.expire_date === 'string' && PLAIN_DATE.test(row.expire_date) } : null
      this.remember(key, cached)
    }
    return cached
  }

  private remember(key: string, cached: CachedRow): void {
    if (this.cache.size >= MAX_CACHED_ROWS && !this.cache.has(key)) this.cache.delete(this.oldestRow.take() as string)
    this.cache.set(key, cached)
  }

  /** Notes this connection's own write of a row (null: it is gone; undefined: unknown, read it again). */
  private wrote(key: string, row: SessionRow | null | undefined): void {
    if (row === undefined) this.cache.delete(key)
    else this.remember(key, row && { row, plainDate: PLAIN_DATE.test(row.expire_date) })
  }

  exists(key: string): boolean {
    return this.stmt.exists.get(key) !== undefined
  }

  /** Returns false when the key is taken (Django's IntegrityError → CreateError). */
  insert(key: string, data: string, expireDate: Date): boolean {
    try {
      const expire = toDjangoDate(expireDate)
      this.write()
      this.stmt.insert.run(key, data, expire)
      this.wrote(key, { session_key: key, session_data: data, expire_date: expire })
      return true
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return false
      throw e
    }
  }

  /** Returns false when no row was updated (Django's forced update → UpdateError). */
  update(key: string, data: string, expireDate: Date): boolean {
    const expire = toDjangoDate(expireDate)
    this.write()
    const updated = this.stmt.update.run(data, expire, key).changes > 0
    this.wrote(key, updated ? { session_key: key, session_data: data, expire_date: expire } : null)
    return updated
  }

  remove(key: string): boolean {
    this.saves.delete(key)
    this.write()
    const removed = this.stmt.remove.run(key).changes > 0
    this.wrote(key, null)
    return removed
  }

  /** Notes that `key` was saved at `at` (engine ms), for savedAt(). */
  noteSave(key: string, at: number): void {
    this.saves.delete(key)
    this.saves.set(key, at)
    if (this.saves.size > MAX_SAVE_TIMES) this.saves.delete(this.oldestSave.take() as string)
  }

  /** When this process last saved `key`, or null when it did not (another process, or before a restart). */
  savedAt(key: string): Date | null {
    const at = this.saves.get(key)
    return at === undefined ? null : new Date(at)
  }

  /** Deletes rows with expire_date < now; returns how many. */
  clearExpired(now: Date): number {
    this.write()
    const removed = this.stmt.clearExpired.run(toDjangoDate(now)).changes
    if (removed > 0) this.cache.clear()
    return removed
  }

  /** A row whatever its expiry (inspector). */
  row(key: string): SessionRow | undefined {
    return this.cachedRow(key)?.row
  }

  /**
   * One page of rows, latest expire_date first, after a keyset position (the last row of the
   * page before); with a key prefix, in key order after `afterKey`.
   */
  page(limit: number, after: { expire: string; key: string } | null): SessionRow[] {
    return after ? this.stmt.pageAfter.all(after.expire, after.expire, after.key, limit) : this.stmt.pageFirst.all(limit)
  }

  /** One page of the rows whose key starts with prefix, in key order, after afterKey. */
  prefixPage(prefix: string, end: string, afterKey: string, limit: number): SessionRow[] {
    return this.stmt.prefixPage.all(prefix, end, afterKey, limit)
  }

  count(): number {
    return this.stmt.count.get()?.n ?? 0
  }

  setExpireDate(key: string, date: Date): boolean {
    this.write()
    const changed = this.stmt.setExpireDate.run(toDjangoDate(date), key).changes > 0
    this.wrote(key, undefined)
    return changed
  }

  /** How many rows the cache holds (tests of its bound). */
  cachedRows(): number {
    return this.cache.size
  }

  /** Runs fn in one transaction (bulk seeding in benchmarks and tests); a rollback forgets every cached row. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)()
    } catch (e) {
      this.cache.clear()
      throw e
    }
  }

  /** Resolves once every write made so far is committed; rejects if its commit failed (the writes are then undone). */
  committed(): Promise<void> {
    return this.batch?.done ?? Promise.resolve()
  }

  /** Before a write: opens this tick's transaction, unless one is open (this tick's, or a transaction() in progress). */
  private write(): void {
    if (this.batch || this.db.inTransaction) return
    this.stmt.begin.run()
    let resolve!: () => void
    let reject!: (error: Error) => void
    const done = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    // Nobody may be waiting (a write whose caller does not ask): never an unhandled rejection.
    done.catch(() => undefined)
    this.batch = { done, resolve, reject }
    setImmediate(() => this.commit())
  }

  /** Commits this tick's transaction; on failure rolls it back and forgets every cached row. */
  private commit(): void {
    const batch = this.batch
    if (!batch) return
    this.batch = null
    try {
      this.stmt.commit.run()
      batch.resolve()
    } catch (e) {
      try {
        if (this.db.inTransaction) this.stmt.rollback.run()
      } catch {
        // the connection is gone: nothing left to undo
      }
      this.cache.clear()
      batch.reject(e as Error)
    }
  }

  close(): void {
    if (this.db.open) {
      this.commit()
      this.db.close()
    }
  }
}
