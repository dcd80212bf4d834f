// The app's django_session table in PostgreSQL (node-postgres): Django's migration makes
// expire_date a `timestamp with time zone`, so dates travel as instants; a shift is done in
// SQL with an interval, to the microsecond.
import pg from 'pg'
import type { SqlRow, SqlTable } from './db-store'
import { oneLine } from './app-store'
import { likePrefix } from '../inspection/inspection'

export interface PgTarget {
  host: string
  port?: number
  /** A Unix socket directory (libpq's host=/dir) instead of host:port. */
  socket?: string
  user?: string
  password?: string
  database: string
}

interface Raw {
  session_key: string
  session_data: string
  expire_date: Date
}

/** expire_date as naive UTC text to the microsecond, whatever the session's TimeZone. */
const TEXT = "to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"

const toRow = (r: Raw): SqlRow => ({ key: r.session_key, data: r.session_data, expire: r.expire_date })

export class PgTable implements SqlTable {
  private readonly pool: pg.Pool

  constructor(
    target: PgTarget,
    readonly label: string
  ) {
    this.pool = new pg.Pool({
      host: target.socket ?? target.host,
      port: target.port ?? 5432,
      user: target.user,
      password: target.password,
      database: target.database,
      max: 4,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 10_000
    })
    // An idle client's error (the server restarting) is reported on the next query instead.
    this.pool.on('error', () => undefined)
  }

  private async query<T>(text: string, values: unknown[] = []): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    try {
      return await this.pool.query<T & pg.QueryResultRow>(text, values)
    } catch (e) {
      throw new Error(`${this.label}: ${oneLine(e)}`)
    }
  }

  async check(): Promise<void> {
    const found = await this.query<{ t: string | null }>("SELECT to_regclass('django_session')::text AS t")
    if (!found.rows[0]?.t) throw new Error(`${this.label} has no django_session table: is it the Django project's database, and has \`manage.py migrate\` run?`)
  }

  async row(key: string): Promise<SqlRow | undefined> {
    const r = await this.query<Raw>('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = $1', [key])
    return r.rows[0] && toRow(r.rows[0])
  }

  async rows(): Promise<SqlRow[]> {
    return (await this.query<Raw>('SELECT session_key, session_data, expire_date FROM django_session')).rows.map(toRow)
  }

  async page(limit: number, after: { at: string; key: string } | null): Promise<(SqlRow & { at: string })[]> {
    // at: expire_date as text, to the microsecond (a JS Date keeps milliseconds only).
    const select = 'SELECT session_key, session_data, expire_date, expire_date::text AS at FROM django_session'
    const r = after
      ? await this.query<Raw & { at: string }>(`${select} WHERE expire_date <= $1::timestamptz AND (expire_date < $1::timestamptz OR session_key > $2) ORDER BY expire_date DESC, session_key LIMIT $3`, [after.at, after.key, limit])
      : await this.query<Raw & { at: string }>(`${select} ORDER BY expire_date DESC, session_key LIMIT $1`, [limit])
    return r.rows.map((row) => ({ ...toRow(row), at: row.at }))
  }

  async prefixPage(prefix: string, afterKey: string, limit: number): Promise<SqlRow[]> {
    // LIKE and the ~>~ / ~<~ operators use the index Django adds for them (varchar_pattern_ops).
    const r = await this.query<Raw>(
      "SELECT session_key, session_data, expire_date FROM django_session WHERE session_key LIKE $1 AND session_key ~>~ $2 ORDER BY session_key USING ~<~ LIMIT $3",
      [likePrefix(prefix), afterKey, limit]
    )
    return r.rows.map(toRow)
  }

  async count(): Promise<number> {
    return Number((await this.query<{ n: string }>('SELECT COUNT(*) AS n FROM django_session')).rows[0]?.n ?? 0)
  }

  async update(key: string, data: string, expire: Date): Promise<boolean> {
    return ((await this.query('UPDATE django_session SET session_data = $1, expire_date = $2 WHERE session_key = $3', [data, expire, key])).rowCount ?? 0) > 0
  }

  async setExpire(key: string, expire: Date): Promise<boolean> {
    return ((await this.query('UPDATE django_session SET expire_date = $1 WHERE session_key = $2', [expire, key])).rowCount ?? 0) > 0
  }

  async remove(key: string): Promise<boolean> {
    return ((await this.query('DELETE FROM django_session WHERE session_key = $1', [key])).rowCount ?? 0) > 0
  }

  async clearExpired(now: Date): Promise<number> {
    return (await this.query('DELETE FROM django_session WHERE expire_date < $1', [now])).rowCount ?? 0
  }

  async shift(ms: number): Promise<void> {
    await this.query("UPDATE django_session SET expire_date = expire_date + $1::double precision * interval '1 millisecond'", [ms])
  }

  readonly floor = { text: '0001-01-01 00:00:00', name: "Django's datetime" }

  async expiryPage(after: string | null, limit: number): Promise<{ key: string; expire: string }[]> {
    const r = await this.query<{ key: string; expire: string }>(
      `SELECT session_key AS key, ${TEXT} AS expire FROM django_session WHERE session_key > $1 ORDER BY session_key LIMIT $2`,
      [after ?? '', limit]
    )
    return r.rows
  }

  async casExpire(moves: readonly { key: string; to: string; from: readonly string[] }[]): Promise<number> {
    if (!moves.length) return 0
    // One statement, so its own short transaction; the text is naive UTC to the microsecond.
    const r = await this.query(
      `UPDATE django_session s SET expire_date = (v.t::timestamp AT TIME ZONE 'UTC')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(k, t, a, b)
       WHERE s.session_key = v.k AND (s.expire_date = (v.a::timestamp AT TIME ZONE 'UTC') OR s.expire_date = (v.b::timestamp AT TIME ZONE 'UTC'))`,
      [moves.map((m) => m.key), moves.map((m) => m.to), moves.map((m) => m.from[0]), moves.map((m) => m.from[1] ?? m.from[0])]
    )
    return r.rowCount ?? 0
  }

  async expiryRange(): Promise<{ min: string; max: string } | null> {
    const r = await this.query<{ min: string | null; max: string | null }>(
      `SELECT ${TEXT.replace('expire_date', 'MIN(expire_date)')} AS min, ${TEXT.replace('expire_date', 'MAX(expire_date)')} AS max FROM django_session`
    )
    const row = r.rows[0]
    return !row?.min || !row.max ? null : { min: row.min, max: row.max }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined)
  }
}
