// The app's Redis (ioredis), as Django's RedisCache and django-redis use it: plain string
// keys, binary values, TTLs in Redis itself (PX), listed with SCAN.
import Redis, { type RedisOptions } from 'ioredis'
import type { AppCache, CacheItem } from './app-cache'
import { oneLine } from './app-store'

/** redis://[:password@]host:port/db, rediss://…, or unix:///path/to.sock?db=N (django-redis). */
export function redisOptions(url: string): { options: RedisOptions; label: string } {
  const u = new URL(url)
  const base: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: true, retryStrategy: (times) => Math.min(times * 200, 2000) }
  if (u.protocol === 'unix:') {
    const db = Number(u.searchParams.get('db') ?? 0)
    return { options: { ...base, path: u.pathname, db, ...(u.password ? { password: decodeURIComponent(u.password) } : {}) }, label: `Redis ${u.pathname} db ${db}` }
  }
  const db = Number(u.pathname.replace(/^\//, '') || u.searchParams.get('db') || 0)
  return {
    options: {
      ...base,
      host: u.hostname || '127.0.0.1',
      port: Number(u.port || 6379),
      db,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {})
    },
    label: `Redis ${u.hostname || '127.0.0.1'}:${u.port || 6379}/${db}`
  }
}

export class RedisAppCache implements AppCache {
  readonly label: string
  private readonly client: Redis

  constructor(url: string) {
    const { options, label } = redisOptions(url)
    this.label = label
    this.client = new Redis(options)
    // Errors surface on the commands that fail; without a listener ioredis prints them all.
    this.client.on('error', () => undefined)
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      if (this.client.status === 'wait') await this.client.connect()
      return await fn()
    } catch (e) {
      throw new Error(`${this.label}: ${oneLine(e)}`)
    }
  }

  async check(): Promise<void> {
    await this.run(() => this.client.ping())
  }

  async keys(prefix: string): Promise<string[]> {
    const out: string[] = []
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
    let cursor = '0'
    do {
      const [next, keys] = await this.run(() => this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000))
      cursor = next
      out.push(...keys)
    } while (cursor !== '0')
    return out
  }

  async scan(prefix: string, cursor: string | null, count: number): Promise<{ keys: string[]; next: string | null }> {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
    const out: string[] = []
    let at = cursor ?? '0'
    // SCAN's cursor is the page's: a few calls fill it (MATCH filters on the server).
    for (let calls = 0; calls < 100; calls++) {
      const [next, keys] = await this.run(() => this.client.scan(at, 'MATCH', pattern, 'COUNT', Math.max(count, 100)))
      at = next
      out.push(...keys)
      if (at === '0' || out.length >= count) break
    }
    return { keys: out, next: at === '0' ? null : at }
  }

  async size(): Promise<number> {
    return this.run(() => this.client.dbsize())
  }

  async get(key: string): Promise<CacheItem | null> {
    const value = await this.run(() => this.client.getBuffer(key))
    return value === null ? null : { value, flags: 0 }
  }

  async ttl(key: string): Promise<number | null> {
    const ms = await this.run(() => this.client.pttl(key))
    return ms < 0 ? null : ms
  }

  async set(key: string, item: CacheItem, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) await this.delete(key)
    else await this.run(() => this.client.set(key, item.value, 'PX', Math.max(1, Math.round(ttlMs))))
  }

  /** PEXPIRETIME needs Redis 7; an older server answers "unknown command" once, then TTLs are used. */
  private noExpireTime = false

  async deadline(key: string): Promise<number | null | undefined> {
    if (this.noExpireTime) return undefined
    try {
      const at = Number(await this.run(() => this.client.call('PEXPIRETIME', key)))
      return at < 0 ? null : at
    } catch (e) {
      if (!/unknown command/i.test((e as Error).message)) throw e
      this.noExpireTime = true
      return undefined
    }
  }

  async expireAt(key: string, atMs: number): Promise<boolean> {
    if (atMs <= Date.now()) return this.delete(key)
    return (await this.run(() => this.client.pexpireat(key, Math.round(atMs)))) === 1
  }

  async add(key: string, item: CacheItem, ttlMs: number): Promise<boolean> {
    if (ttlMs <= 0) return false
    return (await this.run(() => this.client.set(key, item.value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX'))) === 'OK'
  }

  async delete(key: string): Promise<boolean> {
    return (await this.run(() => this.client.del(key))) > 0
  }

  async expireIn(key: string, ttlMs: number): Promise<boolean> {
    if (ttlMs <= 0) return this.delete(key)
    return (await this.run(() => this.client.pexpire(key, Math.max(1, Math.round(ttlMs))))) === 1
  }

  async close(): Promise<void> {
    this.client.disconnect()
  }
}
