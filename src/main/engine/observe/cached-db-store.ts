// Observe mode's cached_db engine (port of django/contrib/sessions/backends/cached_db.py, from
// the outside): the database is the truth, the cache a copy Django reads first. Every write
// here (edit, expire, delete, a clock change) goes to the database and drops the cached copy,
// so Django's next load reads the database and fills the cache again from it.
import type { SessionData } from '../../../shared/json'
import type { EngineName } from '../../../shared/settings'
import type { AppCache } from './app-cache'
import { FREEZE_LIMIT, type AppStoreContext, type StoreLimits } from './app-store'
import { DbAppStore, type SqlTable } from './db-store'

export const CACHED_DB_SESSION_PREFIX = 'django.contrib.sessions.cached_db'

export class CachedDbAppStore extends DbAppStore {
  override readonly engine: EngineName = 'cached_db'
  private readonly stale?: string

  constructor(
    ctx: AppStoreContext,
    table: SqlTable,
    /** The app's cache, or null when it cannot be reached from here (LocMemCache lives inside the Django process). */
    private readonly cache: AppCache | null,
    private readonly fullKey: (sessionKey: string) => string,
    unreachable?: { backend: string; inProcess?: boolean }
  ) {
    super(ctx, table)
    if (unreachable) {
      const where = unreachable.inProcess ? 'the cache lives inside the Django process' : 'observe mode cannot reach that cache'
      this.stale = `cached_db with ${unreachable.backend}: ${where}, so Django keeps answering from its cached copy of a session edited, expired, deleted or aged here until that copy times out`
    }
  }

  override get limits(): StoreLimits {
    return { freeze: FREEZE_LIMIT, ...(this.stale ? { edit: this.stale, clock: this.stale } : {}) }
  }

  override get location(): string {
    return this.cache ? `${this.table.label} + ${this.cache.label}` : this.table.label
  }

  override async check(): Promise<void> {
    await super.check()
    await this.cache?.check()
  }

  private async drop(keys: string[]): Promise<void> {
    if (!this.cache) return
    for (const key of keys) await this.cache.delete(this.fullKey(key))
  }

  override async save(key: string, data: SessionData): Promise<string | null> {
    const saved = await super.save(key, data)
    await this.drop([key])
    return saved
  }

  override async expireNow(key: string): Promise<boolean> {
    const done = await super.expireNow(key)
    await this.drop([key])
    return done
  }

  override async delete(key: string): Promise<boolean> {
    const done = await super.delete(key)
    await this.drop([key])
    return done
  }

  /** The cached copies of moved rows carry TTLs from before: Django reloads each from its row. */
  protected override async moved(keys: string[]): Promise<void> {
    await this.drop(keys)
  }

  override async close(): Promise<void> {
    await super.close()
    await this.cache?.close()
  }
}
