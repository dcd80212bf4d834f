// Port of django/contrib/sessions/backends/cache.py: sessions only in the cache.
import type { SessionData } from '../../../shared/json'
import type { Cache, CacheEntry } from '../caches'
import { CreateError, UpdateError } from '../errors'
import { SessionStore, VALID_KEY, type SessionRecord, type StoreContext } from '../session-store'

export const CACHE_KEY_PREFIX = 'django.contrib.sessions.cache'

export interface CacheStoreContext extends StoreContext {
  cache(): Cache
}

export function cacheRecord(entry: CacheEntry, prefix: string): SessionRecord {
  return { key: entry.key.slice(prefix.length), data: entry.value, expireDate: new Date(entry.expiresAt), savedAt: new Date(entry.setAt) }
}

export class CacheSessionStore extends SessionStore {
  readonly engine = 'cache'
  protected readonly cacheKeyPrefix: string = CACHE_KEY_PREFIX

  constructor(
    protected override readonly ctx: CacheStoreContext,
    sessionKey: string | null = null
  ) {
    super(ctx, sessionKey)
  }

  protected get cache(): Cache {
    return this.ctx.cache()
  }

  protected async cacheKey(): Promise<string> {
    return this.cacheKeyPrefix + (await this.getOrCreateSessionKey())
  }

  protected async load(): Promise<SessionData> {
    let data: SessionData | undefined
    try {
      data = await this.cache.get(await this.cacheKey())
    } catch {
      // Django: any cache error reads as "no session".
      data = undefined
    }
    if (data !== undefined) return data
    this.setKey(null)
    return {}
  }

  async create(): Promise<void> {
    // Django tries 10000 times before concluding the cache is unavailable.
    for (let i = 0; i < 10000; i++) {
      this.setKey(await this.getNewSessionKey())
      try {
        await this.save(true)
      } catch (e) {
        if (e instanceof CreateError) continue
        throw e
      }
      this.modified = true
      return
    }
    throw new Error('Unable to create a new session key. It is likely that the cache is unavailable.')
  }

  async save(mustCreate = false): Promise<void> {
    if (this.sessionKey === null) return this.create()
    const key = await this.cacheKey()
    let set: (k: string, v: SessionData, t: number) => Promise<boolean | void>
    if (mustCreate) set = (k, v, t) => this.cache.add(k, v, t)
    else if ((await this.cache.get(key)) !== undefined) set = (k, v, t) => this.cache.set(k, v, t)
    else throw new UpdateError()
    const result = await set(key, await this.getSession(mustCreate), await this.getExpiryAge())
    if (mustCreate && !result) throw new CreateError()
  }

  async exists(key: string): Promise<boolean> {
    return Boolean(key) && (await this.cache.has(this.cacheKeyPrefix + key))
  }

  async delete(key: string | null = null): Promise<void> {
    const target = key ?? this.sessionKey
    if (target === null) return
    await this.cache.delete(this.cacheKeyPrefix + target)
  }

  async clearExpired(): Promise<number> {
    return 0
  }

  /**
   * One page of the cache's sessions (inspector). The prefix is also the start of cached_db's
   * ("django.contrib.sessions.cached_db"), whose entries share the cache: only what follows
   * as a whole key is one of ours.
   */
  async page(keyPrefix: string, cursor: string | null, limit: number): Promise<{ records: SessionRecord[]; next: string | null }> {
    const { entries, next } = await this.cache.scan(this.cacheKeyPrefix + keyPrefix, cursor, limit)
    return { records: entries.map((e) => cacheRecord(e, this.cacheKeyPrefix)).filter((r) => VALID_KEY.test(r.key)), next }
  }

  /** How scan pages are ordered, in words. */
  get scanOrder(): string {
    return this.cache.scanOrder
  }

  /** How many sessions the cache holds (keys only). */
  async countEntries(): Promise<number> {
    return this.cache.count(this.cacheKeyPrefix, (rest) => VALID_KEY.test(rest))
  }

  async record(key: string): Promise<SessionRecord | null> {
    if (!VALID_KEY.test(key)) return null
    const entry = await this.cache.entry(this.cacheKeyPrefix + key)
    return entry ? cacheRecord(entry, this.cacheKeyPrefix) : null
  }

  async expireNow(key: string): Promise<boolean> {
    return this.cache.expireNow(this.cacheKeyPrefix + key)
  }
}
