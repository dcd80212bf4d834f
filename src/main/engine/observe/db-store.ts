// Observe mode's db engine (port of django/contrib/sessions/backends/db.py, from the outside):
// the rows of the app's django_session table, on SQLite, PostgreSQL or MySQL/MariaDB. The
// table holds the app's time; the store adds its lag when reading and takes it off when writing.
import type { SessionData } from '../../../shared/json'
import { EXPIRY_KEY, getExpiryDate } from '../../../shared/expiry'
import type { EngineName } from '../../../shared/settings'
import { decodeCursor, encodeCursor, isKeyCursor, isKeysetCursor, ORDER_BY_EXPIRY, ORDER_BY_KEY, type Count, type Page, type PageQuery } from '../inspection/inspection'
import { decodeFailure, type SessionRecord } from '../session-store'
import { savedAtFrom } from '../stores/db'
import { decodeSigned, encodeSigned, FREEZE_LIMIT, SaveTimes, SESSION_SALT, type AppStore, type AppStoreContext, type StoreLimits } from './app-store'

/** A django_session row; expire is the app's time. */
export interface SqlRow {
  key: string
  data: string
  expire: Date
}

/** The django_session table of one database, as each driver reaches it. */
export interface SqlTable {
  /** e.g. "PostgreSQL 127.0.0.1:5432/app" */
  readonly label: string
  /** Connects and reads the table once; throws a one-line Error. */
  check(): Promise<void>
  row(key: string): Promise<SqlRow | undefined>
  rows(): Promise<SqlRow[]>
  /** One page, latest expire_date first, after a keyset position (at: expire_date as the database writes it, exactly). */
  page(limit: number, after: { at: string; key: string } | null): Promise<(SqlRow & { at: string })[]>
  /** One page of the rows whose key starts with prefix, in key order (through the primary key), after afterKey. */
  prefixPage(prefix: string, afterKey: string, limit: number): Promise<SqlRow[]>
  count(): Promise<number>
  update(key: string, data: string, expire: Date): Promise<boolean>
  setExpire(key: string, expire: Date): Promise<boolean>
  remove(key: string): Promise<boolean>
  /** Django's clear_expired: expire_date < now. */
  clearExpired(now: Date): Promise<number>
  /** Moves every row's expire_date by ms, exactly, in one statement. */
  shift(ms: number): Promise<void>
  close(): Promise<void>
}

export class DbAppStore implements AppStore {
  readonly engine: EngineName = 'db'
  get limits(): StoreLimits {
    return { freeze: FREEZE_LIMIT }
  }
  /** How far (ms) the rows have been moved back: the lag they hold. */
  private applied = 0
  private readonly saves = new SaveTimes()

  constructor(
    protected readonly ctx: AppStoreContext,
    readonly table: SqlTable
  ) {}

  get location(): string {
    return this.table.label
  }

  check(): Promise<void> {
    return this.table.check()
  }

  protected appNow(): Date {
    return new Date(this.ctx.clock.nowMs() - this.applied)
  }

  private toRecord(row: SqlRow): SessionRecord {
    const decoded = decodeSigned(this.ctx, row.data, SESSION_SALT, this.appNow())
    const { data } = decoded
    const expireDate = new Date(row.expire.getTime() + this.applied)
    const worked = savedAtFrom(data, expireDate, this.ctx.settings().SESSION_COOKIE_AGE)
    const now = this.ctx.clock.nowMs()
    const savedAt = this.saves.get(row.key) ?? (worked && worked.getTime() > now ? new Date(now) : worked)
    return { key: row.key, data, expireDate, savedAt, ...decodeFailure(decoded) }
  }

  async page(q: PageQuery): Promise<Page> {
    if (q.keyPrefix) {
      const after = decodeCursor(q.cursor, isKeyCursor)
      const rows = await this.table.prefixPage(q.keyPrefix, after?.k ?? '', q.limit)
      const last = rows.at(-1)
      return { records: rows.map((r) => this.toRecord(r)), next: rows.length === q.limit && last ? encodeCursor({ k: last.key }) : null, order: ORDER_BY_KEY }
    }
    const after = decodeCursor(q.cursor, isKeysetCursor)
    const rows = await this.table.page(q.limit, after && { at: after.e, key: after.k })
    const last = rows.at(-1)
    return { records: rows.map((r) => this.toRecord(r)), next: rows.length === q.limit && last ? encodeCursor({ e: last.at, k: last.key }) : null, order: ORDER_BY_EXPIRY }
  }

  async count(): Promise<Count> {
    return { total: await this.table.count(), exact: true }
  }

  async record(key: string): Promise<SessionRecord | null> {
    const row = await this.table.row(key)
    return row ? this.toRecord(row) : null
  }

  async save(key: string, data: SessionData): Promise<string | null> {
    const now = this.ctx.clock.now()
    const expire = getExpiryDate(data[EXPIRY_KEY], now, this.ctx.settings().SESSION_COOKIE_AGE, { modification: now })
    const ok = await this.table.update(key, encodeSigned(this.ctx, data, SESSION_SALT, this.appNow()), new Date(expire.getTime() - this.applied))
    if (ok) this.saves.note(key, now.getTime())
    return ok ? key : null
  }

  async expireNow(key: string): Promise<boolean> {
    return this.table.setExpire(key, this.appNow())
  }

  async delete(key: string): Promise<boolean> {
    this.saves.forget(key)
    return this.table.remove(key)
  }

  async clearExpired(): Promise<number> {
    return this.table.clearExpired(this.appNow())
  }

  async applyLag(lagMs: number): Promise<void> {
    const delta = lagMs - this.applied
    if (delta === 0) return
    await this.table.shift(-delta)
    this.applied = lagMs
  }

  async close(): Promise<void> {
    await this.table.close()
  }
}
