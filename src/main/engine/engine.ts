// The engine: live settings, the clock, the open database and caches, and a SessionStore
// for the current SESSION_ENGINE — what Django's settings + SessionStore import give a
// view. The inspector's view of the store (list, count, edit, expire, delete) is `inspection`.
import { statSync } from 'node:fs'
import { EXPIRY_KEY, getExpireAtBrowserClose, getExpiryAge, getExpiryDate } from '../../shared/expiry'
import { validateSettingsPatch, type SettingsValidation, type Settings } from '../../shared/settings'
import { openCache, type Cache } from './caches'
import { Clock } from './clock'
import { SessionDatabase } from './database'
import { StoreUnavailable } from './errors'
import type { AppStore } from './observe/app-store'
import { EngineInspection } from './inspection/engine-inspection'
import type { Inspection } from './inspection/inspection'
import { ObserveInspection } from './inspection/observe-inspection'
import { SecurityLog } from './security-log'
import type { SessionRecord, SessionStore } from './session-store'
import { CacheSessionStore } from './stores/cache'
import { CachedDbSessionStore, type CachedDbStoreContext } from './stores/cached-db'
import { DbSessionStore } from './stores/db'
import { FileSessionStore } from './stores/file'
import { SignedCookiesSessionStore } from './stores/signed-cookies'

export interface EngineOptions {
  settings: Settings
  /** The db engine's SQLite file. */
  databasePath: string
  /** Observe mode: the app's own store, which the inspection methods below read and write instead. */
  appStore?: AppStore
  clock?: Clock
  log?: SecurityLog
}

/** A stored session with Django's expiry answers at the engine's now. */
export interface InspectedSession extends SessionRecord {
  expiryAge: number
  expireAtBrowserClose: boolean
  expired: boolean
  customExpiry: number | string | null
}

export class Engine {
  readonly clock: Clock
  readonly log: SecurityLog
  readonly databasePath: string
  /** Observe mode: the app's own store (the app runs Django's middleware; the engine only inspects). */
  readonly appStore: AppStore | null
  private current: Settings
  private database: SessionDatabase | null = null
  private readonly caches = new Map<string, Cache>()
  private closed = false
  /** Listing, counting, reading and editing sessions for the inspector: the app's store in observe mode. */
  readonly inspection: Inspection
  /** What every store gets; built once, as open() runs on every request. */
  private readonly storeContext: CachedDbStoreContext

  constructor(options: EngineOptions) {
    this.clock = options.clock ?? new Clock()
    this.log = options.log ?? new SecurityLog()
    this.databasePath = options.databasePath
    this.appStore = options.appStore ?? null
    this.current = options.settings
    this.storeContext = { settings: () => this.current, clock: this.clock, log: this.log, db: () => this.db(), cache: () => this.cache() }
    this.inspection = this.appStore ? new ObserveInspection(this.appStore) : new EngineInspection({ settings: () => this.current, open: () => this.open(), db: () => this.db() })
  }

  settings(): Settings {
    return this.current
  }

  /**
   * Validates and applies a change (shared validator, plus what only this machine can
   * check: SESSION_FILE_PATH must be a directory). Nothing changes if anything is refused.
   */
  updateSettings(patch: unknown): SettingsValidation {
    const result = validateSettingsPatch(this.current, patch)
    if (!result.ok) return result
    const path = result.settings.SESSION_FILE_PATH
    if (path !== null && result.changed.includes('SESSION_FILE_PATH')) {
      let isDir = false
      try {
        isDir = statSync(path).isDirectory()
      } catch {
        isDir = false
      }
      if (!isDir) {
        return { ok: false, errors: [{ setting: 'SESSION_FILE_PATH', message: `SESSION_FILE_PATH: ${JSON.stringify(path)} is not an existing directory, allowed: null (the system temporary directory) or the absolute path of an existing directory` }] }
      }
    }
    const oldCaches = this.current.CACHES
    this.current = result.settings
    for (const [alias, url] of Object.entries(oldCaches)) {
      if (result.settings.CACHES[alias] !== url) void this.caches.get(url)?.close()
      if (result.settings.CACHES[alias] !== url) this.caches.delete(url)
    }
    return result
  }

  db(): SessionDatabase {
    if (this.closed) throw new StoreUnavailable('the engine is closed')
    this.database ??= new SessionDatabase(this.databasePath)
    return this.database
  }

  cache(): Cache {
    if (this.closed) throw new StoreUnavailable('the engine is closed')
    const url = this.current.CACHES[this.current.SESSION_CACHE_ALIAS]
    if (!url) throw new StoreUnavailable(`SESSION_CACHE_ALIAS ${JSON.stringify(this.current.SESSION_CACHE_ALIAS)} names no cache`)
    let cache = this.caches.get(url)
    if (!cache) {
      cache = openCache(url, this.clock)
      this.caches.set(url, cache)
    }
    return cache
  }

  /** A SessionStore for the current SESSION_ENGINE (Django: SessionStore(session_key)). */
  open(sessionKey: string | null = null): SessionStore {
    const ctx = this.storeContext
    switch (this.current.SESSION_ENGINE) {
      case 'db':
        return new DbSessionStore(ctx, sessionKey)
      case 'file':
        return new FileSessionStore(ctx, sessionKey)
      case 'cache':
        return new CacheSessionStore(ctx, sessionKey)
      case 'cached_db':
        return new CachedDbSessionStore(ctx, sessionKey)
      case 'signed_cookies':
        return new SignedCookiesSessionStore(ctx, sessionKey)
    }
  }

  /** Adds Django's expiry answers (at the engine's now) to a stored record. */
  inspect(record: SessionRecord): InspectedSession {
    const now = this.clock.now()
    const { SESSION_COOKIE_AGE: cookieAge, SESSION_EXPIRE_AT_BROWSER_CLOSE: atClose } = this.current
    const stored = record.data[EXPIRY_KEY]
    const customExpiry = typeof stored === 'number' || typeof stored === 'string' ? stored : null
    const expireDate = record.expireDate ?? (record.savedAt ? getExpiryDate(stored, now, cookieAge, { modification: record.savedAt }) : null)
    return {
      ...record,
      expireDate,
      expiryAge: getExpiryAge(stored, now, cookieAge),
      expireAtBrowserClose: getExpireAtBrowserClose(stored, atClose),
      expired: expireDate !== null && expireDate.getTime() <= now.getTime(),
      customExpiry
    }
  }

  /** One session with Django's expiry answers, expired or not; null when the store has none. */
  async find(key: string): Promise<InspectedSession | null> {
    const record = await this.inspection.read(key)
    return record ? this.inspect(record) : null
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.database?.close()
    this.database = null
    await this.appStore?.close().catch(() => undefined)
    await Promise.all([...this.caches.values()].map((c) => c.close()))
    this.caches.clear()
  }
}
