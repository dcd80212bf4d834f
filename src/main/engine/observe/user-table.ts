// Observe mode's read-only view of the app's user table (issue 20): AUTH_USER_MODEL's table,
// its primary key, USERNAME_FIELD and password columns, on the app's SQLite, PostgreSQL or
// MySQL database. Only SELECTs by primary key; nothing is written.
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { oneLine } from './app-store'
import type { DatabaseTarget } from './targets'

/** Where the user model lives and which columns matter (read_django_settings.py reports them). */
export interface UserTableTarget {
  database: DatabaseTarget
  /** AUTH_USER_MODEL's db_table, e.g. auth_user. */
  table: string
  /** The primary key's column (what `_auth_user_id` holds). */
  pk: string
  /** USERNAME_FIELD's column. */
  username: string
  password: string
  /** is_active's column, when the model has one. */
  isActive: string | null
}

/** One user row, as far as sessions need it. */
export interface UserRecord {
  id: string
  username: string | null
  /** The password field (a hash, never shown): what `_auth_user_hash` is an HMAC of. */
  password: string | null
  isActive: boolean
}

/** The default user model's table, for --database without --django-project. */
export const DEFAULT_USER_TABLE = { table: 'auth_user', pk: 'id', username: 'username', password: 'password', isActive: 'is_active' }

/** node-postgres numbers its parameters: ? -> $1, $2, ... */
function numbered(sql: string): string {
  let i = 0
  return sql.replace(/\?/g, () => `$${++i}`)
}

type Query = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>

export class UserTable {
  private query: Query | null = null
  private closeDriver: () => Promise<void> = async () => undefined

  constructor(readonly target: UserTableTarget) {}

  private quote(name: string): string {
    if (this.target.database.kind === 'mysql') return `\`${name.replace(/`/g, '``')}\``
    return `"${name.replace(/"/g, '""')}"`
  }

  private open(): Query {
    if (this.query) return this.query
    const db = this.target.database
    if (db.kind === 'sqlite') {
      const conn = new Database(db.path, { readonly: true, fileMustExist: true })
      conn.pragma('busy_timeout = 5000')
      this.query = async (sql, values) => conn.prepare(sql).all(...values) as Record<string, unknown>[]
      this.closeDriver = async () => void conn.close()
    } else if (db.kind === 'postgresql') {
      const pool = new pg.Pool({ host: db.socket ?? db.host, port: db.port ?? 5432, user: db.user, password: db.password, database: db.database, max: 2, connectionTimeoutMillis: 3000, idleTimeoutMillis: 10_000 })
      pool.on('error', () => undefined)
      this.query = async (sql, values) => (await pool.query(numbered(sql), values)).rows
      this.closeDriver = () => pool.end()
    } else {
      const pool = mysql.createPool({ ...(db.socket ? { socketPath: db.socket } : { host: db.host, port: db.port ?? 3306 }), user: db.user, password: db.password, database: db.database, connectionLimit: 2, connectTimeout: 3000 })
      this.query = async (sql, values) => (await pool.query(sql, values))[0] as Record<string, unknown>[]
      this.closeDriver = () => pool.end()
    }
    return this.query
  }

  /** The users with these primary keys (missing ones are absent); throws a one-line Error. */
  async lookup(ids: readonly string[]): Promise<Map<string, UserRecord>> {
    const out = new Map<string, UserRecord>()
    if (!ids.length) return out
    const t = this.target
    const q = (n: string) => this.quote(n)
    const cols = [`${q(t.pk)} AS pk`, `${q(t.username)} AS username`, `${q(t.password)} AS password`, t.isActive ? `${q(t.isActive)} AS active` : '1 AS active']
    const sql = `SELECT ${cols.join(', ')} FROM ${q(t.table)} WHERE ${q(t.pk)} IN (${ids.map(() => '?').join(', ')})`
    let rows: Record<string, unknown>[]
    try {
      rows = await this.open()(sql, [...ids])
    } catch (e) {
      throw new Error(`cannot read the user table ${t.table}: ${oneLine(e)}`)
    }
    for (const r of rows) {
      const id = String(r.pk)
      out.set(id, { id, username: r.username === null || r.username === undefined ? null : String(r.username), password: r.password === null || r.password === undefined ? null : String(r.password), isActive: r.active === true || Number(r.active) === 1 })
    }
    return out
  }

  async close(): Promise<void> {
    const close = this.closeDriver
    this.query = null
    this.closeDriver = async () => undefined
    await close().catch(() => undefined)
  }
}
