// The `django_session` table in a SQLite file (better-sqlite3, WAL), as Django's
// sessions migration creates it and as Django's SQLite backend writes datetimes.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseIsoDate } from '../../shared/expiry'

export interface SessionRow {
  session_key: string
  session_data: string
  expire_date: string
}

/** Django's SQLite adapter: str(naive UTC datetime), microseconds only when non-zero. */
export function toDjangoDate(date: Date): string {
  const iso = date.toISOString()
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
  const ms = date.getUTCMilliseconds()
  return ms === 0 ? base : `${base}.${String(ms).padStart(3, '0')}000`
}

/** Reads an expire_date written by Django or by us (naive UTC). */
export function fromDjangoDate(text: string): Date | null {
  return parseIsoDate(text)
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS "django_session" (
  "session_key" varchar(40) NOT NULL PRIMARY KEY,
  "session_data" text NOT NULL,
  "expire_date" datetime NOT NULL
);
CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
`

export class SessionDatabase {
  private readonly db: Database.Database
  private readonly stmt: {
    load: Database.Statement<[string, string], SessionRow>
    exists: Database.Statement<[string], { one: number }>
    insert: Database.Statement<[string, string, string]>
    update: Database.Statement<[string, string, string]>
    remove: Database.Statement<[string]>
    clearExpired: Database.Statement<[string]>
    row: Database.Statement<[string], SessionRow>
    all: Database.Statement<[], SessionRow>
    count: Database.Statement<[], { n: number }>
    setExpireDate: Database.Statement<[string, string]>
  }

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(SCHEMA)
    this.stmt = {
      load: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ? AND expire_date > ?'),
      exists: this.db.prepare('SELECT 1 AS one FROM django_session WHERE session_key = ? LIMIT 1'),
      insert: this.db.prepare('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)'),
      update: this.db.prepare('UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ?'),
      remove: this.db.prepare('DELETE FROM django_session WHERE session_key = ?'),
      clearExpired: this.db.prepare('DELETE FROM django_session WHERE expire_date < ?'),
      row: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ?'),
      all: this.db.prepare('SELECT session_key, session_data, expire_date FROM django_session'),
      count: this.db.prepare('SELECT COUNT(*) AS n FROM django_session'),
      setExpireDate: this.db.prepare('UPDATE django_session SET expire_date = ? WHERE session_key = ?')
    }
  }

  /** The row if it has not expired at `now` (Django: expire_date__gt=now). */
  load(key: string, now: Date): SessionRow | undefined {
    return this.stmt.load.get(key, toDjangoDate(now))
  }

  exists(key: string): boolean {
    return this.stmt.exists.get(key) !== undefined
  }

  /** Returns false when the key is taken (Django's IntegrityError → CreateError). */
  insert(key: string, data: string, expireDate: Date): boolean {
    try {
      this.stmt.insert.run(key, data, toDjangoDate(expireDate))
      return true
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return false
      throw e
    }
  }

  /** Returns false when no row was updated (Django's forced update → UpdateError). */
  update(key: string, data: string, expireDate: Date): boolean {
    return this.stmt.update.run(data, toDjangoDate(expireDate), key).changes > 0
  }

  remove(key: string): boolean {
    return this.stmt.remove.run(key).changes > 0
  }

  /** Deletes rows with expire_date < now; returns how many. */
  clearExpired(now: Date): number {
    return this.stmt.clearExpired.run(toDjangoDate(now)).changes
  }

  /** A row whatever its expiry (inspector). */
  row(key: string): SessionRow | undefined {
    return this.stmt.row.get(key)
  }

  rows(): IterableIterator<SessionRow> {
    return this.stmt.all.iterate()
  }

  count(): number {
    return this.stmt.count.get()?.n ?? 0
  }

  setExpireDate(key: string, date: Date): boolean {
    return this.stmt.setExpireDate.run(toDjangoDate(date), key).changes > 0
  }

  /** Runs fn in one transaction (bulk seeding in benchmarks and tests). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
