// The caches SESSION_CACHE_ALIAS can name: an in-memory LRU (Django's LocMemCache) and a
// real Redis. Both honour timeouts on the engine's clock, not on wall time: an entry
// carries its engine-time deadline and is treated as gone once the clock passes it.
import Redis from 'ioredis'
import type { SessionData } from '../../shared/json'
import type { Clock } from './clock'
import { StoreUnavailable } from './errors'

export interface CacheEntry {
  key: string
  value: SessionData
  /** Engine time (ms) when the entry expires. */
  expiresAt: number
  /** Engine time (ms) when it was last set. */
  setAt: number
}

/** The part of Django's cache API the session stores use, plus enumeration for the inspector. */
export interface Cache {
  readonly url: string
  get(key: string): Promise<SessionData | undefined>
  /** Django's set(key, value, timeout): timeout in seconds; 0 or less expires at once. */
  set(key: string, value: SessionData, timeoutSeconds: number): Promise<void>
  /** Django's add(): sets only if absent (or expired); true when it set. */
  add(key: string, value: SessionData, timeoutSeconds: number): Promise<boolean>
  delete(key: string): Promise<void>
  has(key: string): Promise<boolean>
  /**
   * One page of the live entries whose key starts with prefix: in key order after the cursor
   * (in memory), or in Redis SCAN order from its cursor (a page may hold a few more than count).
   */
  scan(prefix: string, cursor: string | null, count: number): Promise<{ entries: CacheEntry[]; next: string | null }>
  /** How many live entries start with prefix and have a rest that `accept`s (keys only: no value is decoded). */
  count(prefix: string, accept?: (rest: string) => boolean): Promise<number>
  /** How the pages of scan() are ordered, in words. */
  readonly scanOrder: string
  /** The entry with its deadline, if live. */
  entry(key: string): Promise<CacheEntry | undefined>
  /** Moves a live entry's deadline to the engine's now (the inspector's "expire now"). */
  expireNow(key: string): Promise<boolean>
  close(): Promise<void>
}

/** Django's default key function: ":1:" + key (empty KEY_PREFIX, VERSION 1). */
const versioned = (key: string) => `:1:${key}`

/** Django's default CULL_FREQUENCY: a full LocMemCache drops 1/3 of its entries. */
const CULL_FREQUENCY = 3

/**
 * Django's LocMemCache: LRU order (get and set make an entry the most recent), and at
 * MAX_ENTRIES a set first culls the least recently used third, as Django does.
 */
export class LocMemCache implements Cache {
  private readonly map = new Map<string, CacheEntry>()

  constructor(
    readonly url: string,
    private readonly clock: Clock,
    private readonly maxEntries = 300
  ) {}

  private live(key: string): CacheEntry | undefined {
    const entry = this.map.get(versioned(key))
    if (!entry) return undefined
    if (entry.expiresAt <= this.clock.nowMs()) {
      this.map.delete(versioned(key))
      return undefined
    }
    return entry
  }

  /** LocMemCache._set: a full cache first culls a third of its entries, least recently used first. */
  private put(key: string, value: SessionData, timeoutSeconds: number): void {
    const now = this.clock.nowMs()
    const k = versioned(key)
    if (this.map.size >= this.maxEntries) this.cull()
    this.map.delete(k)
    this.map.set(k, { key, value: structuredClone(value), expiresAt: now + timeoutSeconds * 1000, setAt: now })
  }

  /** LocMemCache._cull with CULL_FREQUENCY 3: drops len // 3 entries (Map order: least recently used first). */
  private cull(): void {
    let count = Math.floor(this.map.size / CULL_FREQUENCY)
    for (const k of this.map.keys()) {
      if (count-- <= 0) break
      this.map.delete(k)
    }
  }

  async get(key: string): Promise<SessionData | undefined> {
    const entry = this.live(key)
    if (!entry) return undefined
    this.map.delete(versioned(key))
    this.map.set(versioned(key), entry)
    return structuredClone(entry.value)
  }

  async set(key: string, value: SessionData, timeoutSeconds: number): Promise<void> {
    this.put(key, value, timeoutSeconds)
  }

  async add(key: string, value: SessionData, timeoutSeconds: number): Promise<boolean> {
    if (this.live(key)) return false
    this.put(key, value, timeoutSeconds)
    return true
  }

  async delete(key: string): Promise<void> {
    this.map.delete(versioned(key))
  }

  async has(key: string): Promise<boolean> {
    return this.live(key) !== undefined
  }

  readonly scanOrder = 'key order (the cache lives in this process)'

  async scan(prefix: string, cursor: string | null, count: number): Promise<{ entries: CacheEntry[]; next: string | null }> {
    // In this process and bounded by MAX_ENTRIES: its keys are sorted here, their values copied only for the page.
    const keys = [...this.map.values()].map((e) => e.key).filter((k) => k.startsWith(prefix) && (cursor === null || k > cursor) && this.live(k)).sort()
    const page = keys.slice(0, count)
    const entries = page.map((k) => this.map.get(versioned(k)) as CacheEntry).map((e) => ({ ...e, value: structuredClone(e.value) }))
    return { entries, next: keys.length > count ? (page.at(-1) as string) : null }
  }

  async count(prefix: string, accept: (rest: string) => boolean = () => true): Promise<number> {
    let n = 0
    for (const entry of [...this.map.values()]) if (entry.key.startsWith(prefix) && accept(entry.key.slice(prefix.length)) && this.live(entry.key)) n++
    return n
  }

  async entry(key: string): Promise<CacheEntry | undefined> {
    const e = this.live(key)
    return e && { ...e, value: structuredClone(e.value) }
  }

  async expireNow(key: string): Promise<boolean> {
    const e = this.live(key)
    if (!e) return false
    e.expiresAt = this.clock.nowMs()
    return true
  }

  async close(): Promise<void> {
    this.map.clear()
  }
}

interface RedisValue {
  d: SessionData
  /** engine-time deadline, ms */
  e: number
  /** engine time of the set, ms */
  s: number
}

/**
 * Sessions in a real Redis, as JSON. Redis's own TTL is only a safety net (the deadline on
 * the engine's clock decides): it is the timeout plus a day, so a frozen clock or one set
 * back does not lose entries early.
 */
export class RedisCache implements Cache {
  private readonly client: Redis

  constructor(
    readonly url: string,
    private readonly clock: Clock
  ) {
    this.client = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000)
    })
    // Errors surface on the commands that fail; without a listener ioredis would print them all.
    this.client.on('error', () => undefined)
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw new StoreUnavailable(`cache ${this.url} is unavailable (${what}): ${(e as Error).message}`)
    }
  }

  private decode(key: string, raw: string | null): CacheEntry | undefined {
    if (raw === null) return undefined
    let v: RedisValue
    try {
      v = JSON.parse(raw) as RedisValue
    } catch {
      return undefined
    }
    if (typeof v !== 'object' || v === null || typeof v.e !== 'number' || v.e <= this.clock.nowMs()) return undefined
    return { key, value: v.d, expiresAt: v.e, setAt: v.s }
  }

  private encode(value: SessionData, timeoutSeconds: number): { text: string; ttlMs: number } {
    const now = this.clock.nowMs()
    const ms = Math.round(timeoutSeconds * 1000)
    const text = JSON.stringify({ d: value, e: now + ms, s: now } satisfies RedisValue)
    return { text, ttlMs: Math.max(1, ms) + Math.max(ms, 86_400_000) }
  }

  async get(key: string): Promise<SessionData | undefined> {
    return (await this.entry(key))?.value
  }

  async entry(key: string): Promise<CacheEntry | undefined> {
    const raw = await this.run('get', () => this.client.get(versioned(key)))
    const entry = this.decode(key, raw)
    if (raw !== null && !entry) await this.run('delete', () => this.client.del(versioned(key)))
    return entry
  }

  async set(key: string, value: SessionData, timeoutSeconds: number): Promise<void> {
    const { text, ttlMs } = this.encode(value, timeoutSeconds)
    await this.run('set', () => this.client.set(versioned(key), text, 'PX', ttlMs))
  }

  async add(key: string, value: SessionData, timeoutSeconds: number): Promise<boolean> {
    // An entry past its engine deadline counts as absent, as in LocMemCache.add.
    if (await this.has(key)) return false
    const { text, ttlMs } = this.encode(value, timeoutSeconds)
    await this.run('delete', () => this.client.del(versioned(key)))
    const result = await this.run('add', () => this.client.set(versioned(key), text, 'PX', ttlMs, 'NX'))
    return result === 'OK'
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', () => this.client.del(versioned(key)))
  }

  async has(key: string): Promise<boolean> {
    return (await this.entry(key)) !== undefined
  }

  readonly scanOrder = 'Redis SCAN order'

  async scan(prefix: string, cursor: string | null, count: number): Promise<{ entries: CacheEntry[]; next: string | null }> {
    const out: CacheEntry[] = []
    const pattern = `${versioned(prefix).replace(/[*?[\]\\]/g, '\\$&')}*`
    let at = cursor ?? '0'
    // SCAN's own cursor: a few calls fill a page; MATCH filters on the server.
    for (let calls = 0; calls < 100; calls++) {
      const [next, keys] = await this.run('scan', () => this.client.scan(at, 'MATCH', pattern, 'COUNT', Math.max(count, 100)))
      at = next
      if (keys.length) {
        const values = await this.run('mget', () => this.client.mget(...keys))
        keys.forEach((k, i) => {
          const entry = this.decode(k.slice(versioned('').length), values[i] ?? null)
          if (entry) out.push(entry)
        })
      }
      if (at === '0' || out.length >= count) break
    }
    return { entries: out, next: at === '0' ? null : at }
  }

  async count(prefix: string, accept: (rest: string) => boolean = () => true): Promise<number> {
    const start = versioned(prefix).length
    const pattern = `${versioned(prefix).replace(/[*?[\]\\]/g, '\\$&')}*`
    let n = 0
    let at = '0'
    do {
      const [next, keys] = await this.run('scan', () => this.client.scan(at, 'MATCH', pattern, 'COUNT', 1000))
      at = next
      for (const k of keys) if (accept(k.slice(start))) n++
    } while (at !== '0')
    return n
  }

  async expireNow(key: string): Promise<boolean> {
    const e = await this.entry(key)
    if (!e) return false
    const text = JSON.stringify({ d: e.value, e: this.clock.nowMs(), s: e.setAt } satisfies RedisValue)
    await this.run('set', () => this.client.set(versioned(key), text, 'KEEPTTL'))
    return true
  }

  async close(): Promise<void> {
    this.client.disconnect()
  }
}

/** Opens the cache a CACHES URL names (normalised by the settings validator). */
export function openCache(url: string, clock: Clock): Cache {
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return new RedisCache(url, clock)
  const max = /max_entries=(\d+)/.exec(url)
  return new LocMemCache(url, clock, max ? Number(max[1]) : 300)
}
