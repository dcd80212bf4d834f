// Observe mode's cache engine (port of django/contrib/sessions/backends/cache.py, from the
// outside): the session dicts the app's cache holds under Django's key, with the cache's own
// TTLs. A clock change shortens every TTL by as much; an entry whose time runs out is kept
// here (and deleted from the cache, so Django sees it gone) until the time is given back.
import type { SessionData } from '../../../shared/json'
import { EXPIRY_KEY, getExpiryAge } from '../../../shared/expiry'
import type { EngineName } from '../../../shared/settings'
import { VALID_KEY, type SessionRecord, decodeFailure } from '../session-store'
import { savedAtFrom } from '../stores/db'
import { decodeCached, encodeCached, type AppCache, type CacheFormat, type CacheItem } from './app-cache'
import { decodeCursor, encodeCursor, keyOrderPage, type Count, type Page, type PageQuery } from '../inspection/inspection'
import { FREEZE_LIMIT, SaveTimes, type AppStore, type AppStoreContext, type LagBounds, type StoreLimits } from './app-store'
import { StoreJournal, type GiveBackReport, type JournalEntry } from './journal'

/** A journal entry's `next` for an entry kept aside (deleted from the cache, its value in `extra`). */
const PARKED = 'parked'

/** How far a TTL read back may stray from the deadline written (memcached counts whole seconds). */
const TOLERANCE_MS = 2500

/** memcached keeps an absolute expiry as a signed 32-bit Unix time. */
const MEMCACHED_LAST_MS = (2 ** 31 - 1) * 1000

const packItem = (item: CacheItem): Buffer => {
  const flags = Buffer.alloc(4)
  flags.writeUInt32BE(item.flags >>> 0, 0)
  return Buffer.concat([flags, item.value])
}
const unpackItem = (b: Buffer): CacheItem => ({ flags: b.readUInt32BE(0), value: b.subarray(4) })

export const CACHE_SESSION_PREFIX = 'django.contrib.sessions.cache'

interface Parked {
  item: CacheItem
  /** When it expires on the engine's clock (real ms + lag). */
  deadline: number
}

export class CacheAppStore implements AppStore {
  readonly engine: EngineName = 'cache'
  private applied = 0
  /** The cache refused to list its keys (memcached without lru_crawler): the list is what traffic showed. */
  private cannotList = false
  private readonly parked = new Map<string, Parked>()
  /** Session keys seen in traffic, for a cache that cannot list its keys (memcached without lru_crawler). */
  private readonly seenKeys = new Set<string>()
  private readonly saves = new SaveTimes()

  constructor(
    private readonly ctx: AppStoreContext,
    readonly cache: AppCache,
    private readonly format: CacheFormat,
    /** Django's key for a session key: make_key(KEY_PREFIX, VERSION, prefix + key). */
    private readonly fullKey: (sessionKey: string) => string,
    /** What the list says when the cache cannot list its keys. */
    private readonly listLimit = 'this cache cannot list its keys: the list shows the sessions seen in traffic'
  ) {}

  get limits(): StoreLimits {
    return { freeze: FREEZE_LIMIT, ...(this.cannotList ? { list: this.listLimit } : {}) }
  }

  get location(): string {
    return this.cache.label
  }

  check(): Promise<void> {
    return this.cache.check()
  }

  seen(key: string): void {
    if (VALID_KEY.test(key)) this.seenKeys.add(key)
  }

  /** The session keys the cache holds (or, when it cannot list them, those seen in traffic). */
  protected async sessionKeys(): Promise<string[]> {
    const start = this.fullKey('')
    const keys = await this.cache.keys(start)
    this.cannotList = keys === null
    // memcached's metadump can miss an item set a moment ago: the keys seen in traffic join in.
    const found = new Set([...(keys ?? []).map((k) => k.slice(start.length)), ...this.seenKeys])
    return [...found].filter((k) => VALID_KEY.test(k))
  }

  private toRecord(key: string, item: CacheItem, ttl: number | null): SessionRecord {
    const decoded = decodeCached(this.format, item)
    const { data } = decoded
    const now = this.ctx.clock.nowMs()
    const expireDate = ttl === null ? null : new Date(now + ttl)
    // A TTL read back is whole seconds on memcached: an expiry within 2 s is still our save's.
    const savedAt = this.saves.get(key, expireDate, 2000) ?? savedAtFrom(data, expireDate, this.ctx.settings().SESSION_COOKIE_AGE)
    return { key, data, expireDate, savedAt, ...decodeFailure(decoded) }
  }

  async record(key: string): Promise<SessionRecord | null> {
    if (!VALID_KEY.test(key)) return null
    const full = this.fullKey(key)
    const [item, ttl] = await Promise.all([this.cache.get(full), this.cache.ttl(full)])
    if (item) return this.toRecord(key, item, ttl)
    this.seenKeys.delete(key)
    const parked = this.parked.get(key)
    // Expired for Django by a clock change: shown (expired) until the time is given back.
    return parked ? this.toRecord(key, parked.item, parked.deadline - this.applied - Date.now()) : null
  }

  /**
   * One page: Redis pages with its own SCAN cursor (and MATCH for a key prefix); a cache that
   * cannot (memcached) lists its keys (metadump: names only) and pages them in key order. Only
   * the page's values are read. The entries a clock change keeps aside come on the first page.
   */
  async page(q: PageQuery): Promise<Page> {
    const prefix = q.keyPrefix ?? ''
    const start = this.fullKey('')
    let keys: string[]
    let next: string | null
    let order: string
    if (this.cache.scan) {
      const cursor = decodeCursor(q.cursor, (v): v is string => typeof v === 'string')
      const batch = await this.cache.scan(this.fullKey(prefix), cursor, q.limit)
      keys = batch.keys.map((k) => k.slice(start.length))
      if (cursor === null) keys.push(...[...this.parked.keys()].filter((k) => k.startsWith(prefix)))
      keys = [...new Set(keys)].filter((k) => VALID_KEY.test(k))
      next = batch.next === null ? null : encodeCursor(batch.next)
      order = 'Redis SCAN order (no order of its own)'
    } else {
      const paged = keyOrderPage(new Set([...(await this.sessionKeys()), ...this.parked.keys()]), q)
      keys = paged.keys
      next = paged.next
      order = 'session key'
    }
    const records = await Promise.all(keys.map((k) => this.record(k)))
    return { records: records.filter((r): r is SessionRecord => r !== null), next, order }
  }

  async count(): Promise<Count> {
    if (this.cache.size) {
      return { total: await this.cache.size(), exact: false, note: "Redis DBSIZE: every key of the app's cache database, not only sessions (a data search counts the sessions exactly)" }
    }
    const keys = await this.sessionKeys()
    return this.cannotList ? { total: keys.length, exact: false, note: this.listLimit } : { total: keys.length, exact: true }
  }

  async save(key: string, data: SessionData): Promise<string | null> {
    const full = this.fullKey(key)
    if (!(await this.cache.get(full))) return null
    // Django: cache.set(key, session, get_expiry_age()).
    const now = this.ctx.clock.now()
    const age = getExpiryAge(data[EXPIRY_KEY], now, this.ctx.settings().SESSION_COOKIE_AGE) * 1000
    await this.cache.set(full, encodeCached(this.format, data), age)
    this.saves.note(key, now.getTime(), now.getTime() + age)
    return key
  }

  async expireNow(key: string): Promise<boolean> {
    this.parked.delete(key)
    return this.cache.delete(this.fullKey(key))
  }

  async delete(key: string): Promise<boolean> {
    this.saves.forget(key)
    const parked = this.parked.delete(key)
    return (await this.cache.delete(this.fullKey(key))) || parked
  }

  async clearExpired(): Promise<number> {
    return 0 // Django's cache store: the cache expires its own entries
  }

  private get journal(): StoreJournal | null {
    return this.ctx.journal ? new StoreJournal(this.ctx.journal, this.location) : null
  }

  /**
   * Shortens every TTL by the lag's change (an entry whose time runs out is kept aside and
   * deleted, so Django sees it gone), each change journaled before it is made. Lag 0 gives
   * everything back from the journal instead.
   */
  async applyLag(lagMs: number): Promise<void> {
    if (lagMs === 0 && this.journal) {
      await this.giveBack()
      return
    }
    const delta = lagMs - this.applied
    if (delta === 0) return
    const journal = this.journal
    const real = Date.now()
    for (const key of await this.sessionKeys()) {
      const full = this.fullKey(key)
      const ttl = await this.cache.ttl(full)
      if (ttl === null) continue
      const next = ttl - delta
      // Exact where the cache says (Redis 7+), else worked out from the TTL left.
      const deadline = (await this.cache.deadline?.(full)) ?? real + ttl
      // The value the journal wrote last, when the entry still holds it: its first value stays "old".
      const last = journal?.get('ttl', key)
      const from = last && last.next !== PARKED && Math.abs(Number(last.next) - deadline) <= TOLERANCE_MS ? last.next : String(deadline)
      if (next > 0) {
        journal?.record('ttl', [{ key, from, to: String(deadline - delta) }])
        if (this.cache.expireAt) await this.cache.expireAt(full, deadline - delta)
        else await this.cache.expireIn(full, next)
        continue
      }
      const item = await this.cache.get(full)
      if (!item) continue
      journal?.record('ttl', [{ key, from, to: PARKED, extra: packItem(item) }])
      this.parked.set(key, { item, deadline: deadline + this.applied })
      await this.cache.delete(full)
    }
    this.applied = lagMs
    for (const [key, p] of this.parked) {
      const ttl = p.deadline - lagMs - real
      if (ttl <= 0) continue
      this.parked.delete(key)
      journal?.record('ttl', [{ key, from: PARKED, to: String(real + ttl) }])
      await this.putBack(this.fullKey(key), p.item, real + ttl)
    }
  }

  /** A kept-aside entry back in the cache, unless the key holds one again; its deadline exact where the cache can. */
  private async putBack(full: string, item: CacheItem, deadline: number): Promise<boolean> {
    const added = await this.cache.add(full, item, deadline - Date.now())
    if (added && this.cache.expireAt) await this.cache.expireAt(full, deadline)
    return added
  }

  /** One journal entry back as it was, unless Django wrote the key since. */
  private async giveBackOne(e: JournalEntry, now: number): Promise<boolean> {
    const full = this.fullKey(e.key)
    const left = Number(e.old) - now
    const exact = await this.cache.deadline?.(full)
    const ttl = exact === undefined ? await this.cache.ttl(full) : null
    const absent = exact === null || (exact === undefined && ttl === null)
    // Kept aside (or about to be, or about to be put back when the run ended): put back, unless
    // it ran out on its own meanwhile or Django has written the key again.
    if (absent) {
      if ((e.next !== PARKED && e.prev !== PARKED) || !e.extra) return false
      if (left <= 0) return true
      return this.putBack(full, unpackItem(e.extra), Number(e.old))
    }
    const at = exact ?? now + (ttl as number)
    // Exact deadlines: Redis to the ms, memcached to the second.
    const tolerance = exact === undefined ? TOLERANCE_MS : 1000
    const ours = [e.next, e.prev].some((v) => v !== PARKED && Math.abs(Number(v) - at) <= tolerance)
    if (!ours) return false
    if (this.cache.expireAt) await this.cache.expireAt(full, Number(e.old))
    else await this.cache.expireIn(full, left)
    return true
  }

  async giveBack(): Promise<GiveBackReport> {
    const report: GiveBackReport = { restored: 0, left: 0 }
    const journal = this.journal
    if (!journal) {
      await this.applyLag(0)
      return report
    }
    for (;;) {
      const batch = journal.entries('ttl', null, 500)
      if (!batch.length) break
      for (const e of batch) {
        if (await this.giveBackOne(e, Date.now())) report.restored++
        else report.left++
        journal.forget('ttl', [e.key])
      }
    }
    this.parked.clear()
    this.applied = 0
    return report
  }

  /** memcached: an expiry lengthened past 2038 (the clock set before real time) cannot be stored. */
  async lagBounds(): Promise<LagBounds> {
    const unbounded: LagBounds = { maxLagMs: Number.MAX_SAFE_INTEGER, maxReason: '', minLagMs: -Number.MAX_SAFE_INTEGER, minReason: '' }
    if (this.format.kind !== 'memcached') return unbounded
    const real = Date.now()
    let latest = real
    for (const key of await this.sessionKeys()) {
      const ttl = await this.cache.ttl(this.fullKey(key))
      if (ttl !== null) latest = Math.max(latest, real + ttl + this.applied)
    }
    return {
      ...unbounded,
      minLagMs: latest - MEMCACHED_LAST_MS,
      minReason: `memcached keeps an expiry over 30 days as a 32-bit Unix time, so no TTL can end after 2038-01-19 03:14:07 UTC`
    }
  }

  async close(): Promise<void> {
    await this.cache.close()
  }
}
