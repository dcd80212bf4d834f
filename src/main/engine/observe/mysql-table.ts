// The app's django_session table in MySQL or MariaDB (mysql2): Django's migration makes
// expire_date a `datetime(6)` holding naive UTC (USE_TZ), so dates travel as text in UTC,
// and a shift is done in SQL to the microsecond.
import mysql from 'mysql2/promise'
import { fromDjangoDate, toDjangoDate } from '../database'
import type { SqlRow, SqlTable } from './db-store'
import { oneLine } from './app-store'
import { likePrefix } from '../inspection/inspection'

export interface MysqlTarget {
  host: string
  port?: number
  socket?: string
  user?: string
  password?: string
  database: string
}

interface Raw extends mysql.RowDataPacket {
  session_key: string
  session_data: string
  expire_date: string
}

/** expire_date as text to the microsecond (naive UTC, as Django stores it with USE_TZ). */
const TEXT = "DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f')"

const toRow = (r: Raw): SqlRow => ({ key: r.session_key, data: r.session_data, expire: fromDjangoDate(r.expire_date) ?? new Date(0) })

export class MysqlTable implements SqlTable {
  private readonly pool: mysql.Pool

  constructor(
    target: MysqlTarget,
    readonly label: string
  ) {
    this.pool = mysql.createPool({
      ...(target.socket ? { socketPath: target.socket } : { host: target.host, port: target.port ?? 3306 }),
      user: target.user,
      password: target.password,
      database: target.database,
      connectionLimit: 4,
      connectTimeout: 3000,
      dateStrings: true,
      timezone: 'Z'
    })
  }

  private async run<T>(sql: string, values: unknown[] = []): Promise<T> {
    try {
      const [result] = await this.pool.query(sql, values)
      return result as T
    } catch (e) {
      throw new Error(`${this.label}: ${oneLine(e)}`)
    }
  }

  async check(): Promise<void> {
    const found = await this.run<mysql.RowDataPacket[]>("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'django_session'")
    if (!found.length) throw new Error(`${this.label} has no django_session table: is it the Django project's database, and has \`manage.py migrate\` run?`)
  }

  async row(key: string): Promise<SqlRow | undefined> {
    const rows = await this.run<Raw[]>('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ?', [key])
    return rows[0] && toRow(rows[0])
  }

  async rows(): Promise<SqlRow[]> {
    return (await this.run<Raw[]>('SELECT session_key, session_data, expire_date FROM django_session')).map(toRow)
  }

  async page(limit: number, after: { at: string; key: string } | null): Promise<(SqlRow & { at: string })[]> {
    // dateStrings: expire_date comes as Django wrote it, to the microsecond.
    const select = 'SELECT session_key, session_data, expire_date FROM django_session'
    const rows = after
      ? await this.run<Raw[]>(`${select} WHERE expire_date <= ? AND (expire_date < ? OR session_key > ?) ORDER BY expire_date DESC, session_key LIMIT ?`, [after.at, after.at, after.key, limit])
      : await this.run<Raw[]>(`${select} ORDER BY expire_date DESC, session_key LIMIT ?`, [limit])
    return rows.map((r) => ({ ...toRow(r), at: r.expire_date }))
  }

  async prefixPage(prefix: string, afterKey: string, limit: number): Promise<SqlRow[]> {
    const rows = await this.run<Raw[]>("SELECT session_key, session_data, expire_date FROM django_session WHERE session_key LIKE ? ESCAPE '\\\\' AND session_key > ? ORDER BY session_key LIMIT ?", [likePrefix(prefix), afterKey, limit])
    return rows.map(toRow)
  }

  async count(): Promise<number> {
    return Number((await this.run<(mysql.RowDataPacket & { n: number })[]>('SELECT COUNT(*) AS n FROM django_session'))[0]?.n ?? 0)
  }

  async update(key: string, data: string, expire: Date): Promise<boolean> {
    return (await this.run<mysql.ResultSetHeader>('UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ?', [data, toDjangoDate(expire), key])).affectedRows > 0
  }

  async setExpire(key: string, expire: Date): Promise<boolean> {
    return (await this.run<mysql.ResultSetHeader>('UPDATE django_session SET expire_date = ? WHERE session_key = ?', [toDjangoDate(expire), key])).affectedRows > 0
  }

  async remove(key: string): Promise<boolean> {
    return (await this.run<mysql.ResultSetHeader>('DELETE FROM django_session WHERE session_key = ?', [key])).affectedRows > 0
  }

  async clearExpired(now: Date): Promise<number> {
    return (await this.run<mysql.ResultSetHeader>('DELETE FROM django_session WHERE expire_date < ?', [toDjangoDate(now)])).affectedRows
  }

  async shift(ms: number): Promise<void> {
    await this.run('UPDATE django_session SET expire_date = TIMESTAMPADD(MICROSECOND, ?, expire_date)', [Math.round(ms * 1000)])
  }

  /** MySQL's and MariaDB's DATETIME start at year 1000. */
  readonly floor = { text: '1000-01-01 00:00:00', name: 'a MySQL/MariaDB DATETIME' }

  async expiryPage(after: string | null, limit: number): Promise<{ key: string; expire: string }[]> {
    return this.run<{ key: string; expire: string }[]>(`SELECT session_key AS \`key\`, ${TEXT} AS expire FROM django_session WHERE session_key > ? ORDER BY session_key LIMIT ?`, [after ?? '', limit])
  }

  async casExpire(moves: readonly { key: string; to: string; from: readonly string[] }[]): Promise<number> {
    if (!moves.length) return 0
    // One statement joined to the batch: its own short transaction, compare-and-set per row.
    const values = moves.map(() => 'SELECT ? AS k, ? AS t, ? AS a, ? AS b').join(' UNION ALL ')
    const params = moves.flatMap((m) => [m.key, m.to, m.from[0], m.from[1] ?? m.from[0]])
    const r = await this.run<mysql.ResultSetHeader>(
      `UPDATE django_session s JOIN (${values}) v ON s.session_key = v.k AND (s.expire_date = CAST(v.a AS DATETIME(6)) OR s.expire_date = CAST(v.b AS DATETIME(6))) SET s.expire_date = CAST(v.t AS DATETIME(6))`,
      params
    )
    return r.affectedRows
  }

  async expiryRange(): Promise<{ min: string; max: string } | null> {
    const [row] = await this.run<{ min: string | null; max: string | null }[]>(`SELECT ${TEXT.replace('expire_date', 'MIN(expire_date)')} AS min, ${TEXT.replace('expire_date', 'MAX(expire_date)')} AS max FROM django_session`)
    return !row?.min || !row.max ? null : { min: row.min, max: row.max }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined)
  }
}
