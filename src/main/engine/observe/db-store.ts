// Observe mode's db engine (port of django/contrib/sessions/backends/db.py, from the outside):
// the rows of the app's django_session table, on SQLite, PostgreSQL or MySQL/MariaDB. The
// table holds the app's time; the store adds its lag when reading and takes it off when writing.
import type { SessionData } from '../../../shared/json'
import { EXPIRY_KEY, getExpiryDate } from '../../../shared/expiry'
import type { EngineName } from '../../../shared/settings'
import { decodeCursor, encodeCursor, isKeyCursor, isKeysetCursor, ORDER_BY_EXPIRY, ORDER_BY_KEY, type Count, type Page, type PageQuery } from '../inspection/inspection'
import { decodeFailure, type SessionRecord } from '../session-store'
import { fromDjangoDate, shiftDjangoDate } from '../database'
import { savedAtFrom } from '../stores/db'
import {
  decodeSigned,
  DJANGO_MAX_MS,
  DJANGO_MIN_MS,
  encodeSigned,
  FREEZE_LIMIT,
  SaveTimes,
  SESSION_SALT,
  type AppStore,
  type AppStoreContext,
  type LagBounds,
  type StoreLimits
} from './app-store'
import { BATCH, giveBackKind, StoreJournal, type GiveBackReport, type JournalChange } from './journal'

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
  /** The earliest expire_date the column holds, as text (naive UTC), and its name for messages. */
  readonly floor: { text: string; name: string }
  /**
   * A page of expire_dates in key order after `after`, each exactly as stored, as naive UTC
   * text ("YYYY-MM-DD HH:MM:SS[.ffffff]").
   */
  expiryPage(after: string | null, limit: number): Promise<{ key: string; expire: string }[]>
  /**
   * In one short transaction, sets each row's expire_date to `to` where it still holds one of
   * `from` (compare-and-set: a row Django wrote meanwhile keeps Django's). Returns how many.
   */
  casExpire(moves: readonly { key: string; to: string; from: readonly string[] }[]): Promise<number>
  /** The earliest and latest expire_date (naive UTC text), null when the table is empty. */
  expiryRange(): Promise<{ min: string; max: string } | null>
  count(): Promise<number>
  close(): Promise<void>
}

const msOf = (text: string): number => fromDjangoDate(text)?.getTime() ?? NaN
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

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
    const savedAt = this.saves.get(row.key, expireDate) ?? (worked && worked.getTime() > now ? new Date(now) : worked)
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
    if (ok) this.saves.note(key, now.getTime(), expire.getTime())
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

  private get journal(): StoreJournal | null {
    return this.ctx.journal ? new StoreJournal(this.ctx.journal, this.location) : null
  }

  /** Keys moved by one batch (cached_db drops their cached copies). */
  protected async moved(_keys: string[]): Promise<void> {}

  /**
   * Moves every row's expire_date back by the lag's change, in batches in key order: each
   * batch journaled (fsync'd) first, then applied in its own short transaction with
   * compare-and-set, so Django's own saves wait at most one batch and are never overwritten.
   * Lag 0 gives everything back from the journal instead.
   */
  async applyLag(lagMs: number): Promise<void> {
    if (lagMs === 0) {
      await this.giveBack()
      return
    }
    const delta = lagMs - this.applied
    if (delta === 0) return
    const journal = this.journal
    if (!journal) {
      await this.table.shift(-delta)
      await this.moved((await this.table.rows()).map((r) => r.key))
      this.applied = lagMs
      return
    }
    const total = await this.table.count()
    const progress = this.ctx.progress
    let after: string | null = null
    let done = 0
    try {
      for (;;) {
        const page = await this.table.expiryPage(after, BATCH)
        if (!page.length) break
        after = (page.at(-1) as { key: string }).key
        const changes: JournalChange[] = []
        for (const r of page) {
          const to = shiftDjangoDate(r.expire, -delta)
          const ms = msOf(to)
          // Never written outside Django's range (the clock's bounds refuse such a lag first).
          if (to !== r.expire && ms >= DJANGO_MIN_MS && ms <= DJANGO_MAX_MS) changes.push({ key: r.key, from: r.expire, to })
        }
        journal.record('expiry', changes)
        await this.table.casExpire(changes.map((c) => ({ key: c.key, to: c.to, from: [c.from] })))
        await this.moved(changes.map((c) => c.key))
        done += page.length
        if (total > BATCH) progress?.({ moving: 'advance', done: Math.min(done, total), total })
      }
    } finally {
      if (total > BATCH) progress?.(null)
    }
    this.applied = lagMs
  }

  async giveBack(): Promise<GiveBackReport> {
    const report: GiveBackReport = { restored: 0, left: 0 }
    const journal = this.journal
    if (!journal) {
      if (this.applied !== 0) {
        await this.table.shift(this.applied)
        await this.moved((await this.table.rows()).map((r) => r.key))
      }
      this.applied = 0
      return report
    }
    const total = journal.count()
    const progress = total > BATCH ? this.ctx.progress : undefined
    try {
      await giveBackKind(
        journal,
        'expiry',
        async (batch) => {
          const n = await this.table.casExpire(batch.map((e) => ({ key: e.key, to: e.old, from: e.prev === e.next ? [e.next] : [e.next, e.prev] })))
          await this.moved(batch.map((e) => e.key))
          return n
        },
        report,
        (done) => progress?.({ moving: 'give-back', done, total })
      )
    } finally {
      progress?.(null)
    }
    this.applied = 0
    return report
  }

  /** Every expire_date, moved back by the lag, must stay within the column's and Django's range. */
  async lagBounds(): Promise<LagBounds> {
    const range = await this.table.expiryRange()
    const floor = Math.max(DJANGO_MIN_MS, msOf(this.table.floor.text))
    if (!range) return { maxLagMs: Number.MAX_SAFE_INTEGER, maxReason: '', minLagMs: -Number.MAX_SAFE_INTEGER, minReason: '' }
    // The dates as they were before this run's lag.
    const min = msOf(range.min) + this.applied
    const max = msOf(range.max) + this.applied
    return {
      maxLagMs: min - floor,
      maxReason: `the app's earliest expire_date (${day(min)} UTC) would move before ${day(floor)}, the earliest ${this.table.floor.name} holds`,
      minLagMs: max - DJANGO_MAX_MS,
      minReason: `the app's latest expire_date (${day(max)} UTC) would move past 9999-12-31 23:59:59, the latest Django's datetime holds`
    }
  }

  async close(): Promise<void> {
    await this.table.close()
  }
}
