// Port of django/contrib/sessions/backends/cached_db.py: write-through cache over the db store.
import { djangoBehaviour } from '../../../shared/django-versions'
import type { SessionData } from '../../../shared/json'
import type { Cache } from '../caches'
import { fromDjangoDate } from '../database'
import { DbSessionStore, type DbStoreContext } from './db'

export const CACHED_DB_KEY_PREFIX = 'django.contrib.sessions.cached_db'

export interface CachedDbStoreContext extends DbStoreContext {
  cache(): Cache
}

export class CachedDbSessionStore extends DbSessionStore {
  override readonly engine = 'cached_db'
  private readonly cacheKeyPrefix = CACHED_DB_KEY_PREFIX

  constructor(
    protected override readonly ctx: CachedDbStoreContext,
    sessionKey: string | null = null
  ) {
    super(ctx, sessionKey)
  }

  private get cache(): Cache {
    return this.ctx.cache()
  }

  private async cacheKey(): Promise<string> {
    return this.cacheKeyPrefix + (await this.getOrCreateSessionKey())
  }

  protected override async load(): Promise<SessionData> {
    let data: SessionData | undefined
    const cacheKey = await this.cacheKey()
    try {
      data = await this.cache.get(cacheKey)
    } catch {
      data = undefined
    }
    if (data !== undefined) return data
    const row = this.getSessionFromDb()
    if (!row) return {}
    const found = this.decode(row.session_data)
    // get_expiry_age(expiry=s.expire_date)
    const expireDate = fromDjangoDate(row.expire_date)
    const age = expireDate ? Math.floor((expireDate.getTime() - this.now().getTime()) / 1000) : this.getSessionCookieAge()
    // Filling the cache is a write of load(): while peeking it waits for the app's access.
    await this.loadSideEffect(() => this.cache.set(cacheKey, found, age))
    return found
  }

  override async exists(key: string): Promise<boolean> {
    return (Boolean(key) && (await this.cache.has(this.cacheKeyPrefix + key))) || super.exists(key)
  }

  override async save(mustCreate = false): Promise<void> {
    await super.save(mustCreate)
    try {
      await this.cache.set(await this.cacheKey(), await this.getSession(), await this.getExpiryAge())
    } catch (e) {
      // Django 5.1+: logged on django.contrib.sessions, and the save (in the database) stands.
      if (!djangoBehaviour.cachedDbLogsCacheErrors(this.settings.DJANGO_VERSION)) throw e
      const where = (this.settings.CACHES[this.settings.SESSION_CACHE_ALIAS] ?? 'cache').replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
      this.ctx.log.warning(`Error saving to cache (${where}): ${(e as Error).message}`, 'django.contrib.sessions')
    }
  }

  override async delete(key: string | null = null): Promise<void> {
    await super.delete(key)
    const target = key ?? this.sessionKey
    if (target === null) return
    await this.cache.delete(this.cacheKeyPrefix + target)
  }

  override async expireNow(key: string): Promise<boolean> {
    await this.cache.delete(this.cacheKeyPrefix + key)
    return super.expireNow(key)
  }
}
