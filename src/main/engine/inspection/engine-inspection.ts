// The inspection interface over the embedded engine's own stores (stores/*.ts): pages read in
// the store (SQLite keyset on the expire_date index, the cache's cursor, the directory's names),
// and only the page decoded.
import type { SessionData } from '../../../shared/json'
import type { Settings } from '../../../shared/settings'
import type { SessionDatabase } from '../database'
import { Unsupported } from '../errors'
import type { SessionStore } from '../session-store'
import { CacheSessionStore } from '../stores/cache'
import { DbSessionStore } from '../stores/db'
import { FileSessionStore } from '../stores/file'
import { CANNOT_LIST } from '../stores/signed-cookies'
import {
  decodeCursor,
  encodeCursor,
  isKeyCursor,
  isKeysetCursor,
  ORDER_BY_EXPIRY,
  ORDER_BY_KEY,
  prefixEnd,
  type Count,
  type Inspection,
  type InspectionLimits,
  type Page,
  type PageQuery
} from './inspection'

export interface EngineInspectionContext {
  settings(): Settings
  /** A SessionStore of the current SESSION_ENGINE. */
  open(): SessionStore
  db(): SessionDatabase
}

const isText = (v: unknown): v is string => typeof v === 'string'

export class EngineInspection implements Inspection {
  constructor(private readonly ctx: EngineInspectionContext) {}

  get limits(): InspectionLimits {
    return this.ctx.settings().SESSION_ENGINE === 'signed_cookies' ? { list: CANNOT_LIST, count: CANNOT_LIST, edit: CANNOT_LIST } : {}
  }

  async page(q: PageQuery): Promise<Page> {
    const store = this.ctx.open()
    const prefix = q.keyPrefix ?? ''
    if (store instanceof DbSessionStore) {
      // db and cached_db: the table is the truth (cached_db's cache only holds copies).
      const db = this.ctx.db()
      if (prefix) {
        const after = decodeCursor(q.cursor, isKeyCursor)
        const rows = db.prefixPage(prefix, prefixEnd(prefix), after?.k ?? '', q.limit)
        const last = rows.at(-1)
        return { records: rows.map((r) => store.toRecord(r)), next: rows.length === q.limit && last ? encodeCursor({ k: last.session_key }) : null, order: ORDER_BY_KEY }
      }
      const after = decodeCursor(q.cursor, isKeysetCursor)
      const rows = db.page(q.limit, after && { expire: after.e, key: after.k })
      const last = rows.at(-1)
      return {
        records: rows.map((r) => store.toRecord(r)),
        next: rows.length === q.limit && last ? encodeCursor({ e: last.expire_date, k: last.session_key }) : null,
        order: ORDER_BY_EXPIRY
      }
    }
    if (store instanceof CacheSessionStore) {
      const { records, next } = await store.page(prefix, decodeCursor(q.cursor, isText), q.limit)
      return { records, next: next === null ? null : encodeCursor(next), order: store.scanOrder }
    }
    if (store instanceof FileSessionStore) {
      const after = decodeCursor(q.cursor, isKeyCursor)
      const keys = store.keysPage(after?.k ?? '', q.limit, prefix)
      const records = (await Promise.all(keys.map((k) => store.record(k)))).filter((r) => r !== null)
      const last = keys.at(-1)
      return { records, next: keys.length === q.limit && last ? encodeCursor({ k: last }) : null, order: 'session key (file names, listed without being read)' }
    }
    throw new Unsupported(CANNOT_LIST)
  }

  async count(): Promise<Count> {
    const store = this.ctx.open()
    if (store instanceof DbSessionStore) return { total: this.ctx.db().count(), exact: true }
    if (store instanceof CacheSessionStore) return { total: await store.countEntries(), exact: true }
    if (store instanceof FileSessionStore) return { total: store.countKeys(), exact: true }
    throw new Unsupported(CANNOT_LIST)
  }

  read(key: string) {
    return this.ctx.open().record(key)
  }

  async save(key: string, data: SessionData): Promise<string | null> {
    if (!(await this.ctx.open().record(key))) return null
    await this.ctx.open().saveAs(key, data)
    return key
  }

  expire(key: string): Promise<boolean> {
    return this.ctx.open().expireNow(key)
  }

  async delete(key: string): Promise<boolean> {
    if (!(await this.ctx.open().record(key))) return false
    await this.ctx.open().delete(key)
    return true
  }

  clearExpired(): Promise<number> {
    return this.ctx.open().clearExpired()
  }
}
