// The app's django_session table in its SQLite file (better-sqlite3), opened as it is: nothing
// created, its journal mode left alone. Dates are what Django's SQLite backend writes with
// USE_TZ: naive UTC text, microseconds only when non-zero.
import Database from 'better-sqlite3'
import { fromDjangoDate, shiftDjangoDate, toDjangoDate } from '../database'
import { prefixEnd } from '../inspection/inspection'
import type { SqlRow, SqlTable } from './db-store'

interface Raw {
  session_key: string
  session_data: string
  expire_date: string
}

const PAGE = 'SELECT session_key, session_data, expire_date FROM django_session'

const toRow = (r: Raw | undefined): SqlRow | undefined =>
  r && { key: r.session_key, data: r.session_data, expire: fromDjangoDate(r.expire_date) ?? new Date(0) }

export class SqliteTable implements SqlTable {
  private db: Database.Database | null = null

  constructor(readonly path: string) {}

  get label(): string {
    return `SQLite ${this.path}`
  }

  /** Opens the file (it must exist, with the django_session table); throws one line. */
  private open(): Database.Database {
    if (this.db?.open) return this.db
    let db: Database.Database | undefined
    let table: unknown
    try {
      db = new Database(this.path, { fileMustExist: true })
      db.pragma('busy_timeout = 5000')
      table = db.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'django_session'").get()
    } catch (e) {
      db?.close()
      throw new Error(`cannot open the Django database ${this.path}: ${(e as Error).message}`)
    }
    if (!table) {
      db.close()
      throw new Error(`${this.path} has no django_session table: is it the Django project's database, and has \`manage.py migrate\` run?`)
    }
    db.function('si_shift_date', { deterministic: true }, (text, ms) => shiftDjangoDate(String(text), Number(ms)))
    this.db = db
    return db
  }

  async check(): Promise<void> {
    this.open().prepare('SELECT COUNT(*) AS n FROM django_session').get()
  }

  async row(key: string): Promise<SqlRow | undefined> {
    return toRow(this.open().prepare('SELECT * FROM django_session WHERE session_key = ?').get(key) as Raw | undefined)
  }

  async rows(): Promise<SqlRow[]> {
    return (this.open().prepare('SELECT * FROM django_session').all() as Raw[]).map((r) => toRow(r) as SqlRow)
  }

  async page(limit: number, after: { at: string; key: string } | null): Promise<(SqlRow & { at: string })[]> {
    const db = this.open()
    const raw = (
      after
        ? db.prepare(`${PAGE} WHERE expire_date <= ? AND (expire_date < ? OR session_key > ?) ORDER BY expire_date DESC, session_key LIMIT ?`).all(after.at, after.at, after.key, limit)
        : db.prepare(`${PAGE} ORDER BY expire_date DESC, session_key LIMIT ?`).all(limit)
    ) as Raw[]
    return raw.map((r) => ({ ...(toRow(r) as SqlRow), at: r.expire_date }))
  }

  async prefixPage(prefix: string, afterKey: string, limit: number): Promise<SqlRow[]> {
    const raw = this.open().prepare(`${PAGE} WHERE session_key >= ? AND session_key < ? AND session_key > ? ORDER BY session_key LIMIT ?`).all(prefix, prefixEnd(prefix), afterKey, limit) as Raw[]
    return raw.map((r) => toRow(r) as SqlRow)
  }

  async count(): Promise<number> {
    return (this.open().prepare('SELECT COUNT(*) AS n FROM django_session').get() as { n: number }).n
  }

  async update(key: string, data: string, expire: Date): Promise<boolean> {
    return this.open().prepare('UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ?').run(data, toDjangoDate(expire), key).changes > 0
  }

  async setExpire(key: string, expire: Date): Promise<boolean> {
    return this.open().prepare('UPDATE django_session SET expire_date = ? WHERE session_key = ?').run(toDjangoDate(expire), key).changes > 0
  }

  async remove(key: string): Promise<boolean> {
    return this.open().prepare('DELETE FROM django_session WHERE session_key = ?').run(key).changes > 0
  }

  async clearExpired(now: Date): Promise<number> {
    return this.open().prepare('DELETE FROM django_session WHERE expire_date < ?').run(toDjangoDate(now)).changes
  }

  async shift(ms: number): Promise<void> {
    this.open().prepare('UPDATE django_session SET expire_date = si_shift_date(expire_date, ?)').run(ms)
  }

  readonly floor = { text: '0001-01-01 00:00:00', name: "Django's datetime" }

  async expiryPage(after: string | null, limit: number): Promise<{ key: string; expire: string }[]> {
    const rows = this.open().prepare('SELECT session_key AS key, expire_date AS expire FROM django_session WHERE session_key > ? ORDER BY session_key LIMIT ?').all(after ?? '', limit) as { key: string; expire: unknown }[]
    return rows.map((r) => ({ key: r.key, expire: String(r.expire) }))
  }

  async casExpire(moves: readonly { key: string; to: string; from: readonly string[] }[]): Promise<number> {
    if (!moves.length) return 0
    const db = this.open()
    const one = db.prepare('UPDATE django_session SET expire_date = ? WHERE session_key = ? AND expire_date = ?')
    const two = db.prepare('UPDATE django_session SET expire_date = ? WHERE session_key = ? AND expire_date IN (?, ?)')
    // BEGIN IMMEDIATE: the write lock for one batch only, so Django's saves wait one batch at most.
    return db.transaction(() => {
      let n = 0
      for (const m of moves) n += (m.from.length > 1 ? two.run(m.to, m.key, m.from[0], m.from[1]) : one.run(m.to, m.key, m.from[0])).changes
      return n
    }).immediate()
  }

  async expiryRange(): Promise<{ min: string; max: string } | null> {
    const r = this.open().prepare('SELECT MIN(expire_date) AS min, MAX(expire_date) AS max FROM django_session').get() as { min: string | null; max: string | null }
    return r.min === null || r.max === null ? null : { min: String(r.min), max: String(r.max) }
  }

  async close(): Promise<void> {
    if (this.db?.open) this.db.close()
    this.db = null
  }
}
