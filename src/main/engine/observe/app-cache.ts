// The app's cache as observe mode reaches it: raw values with their flags and TTLs (each
// client in its own file), and the formats Django's cache backends give a session dict:
// Django's key function, and the value codecs of Django's RedisCache, django-redis and the
// memcached backends (pymemcache, python-memcached, pylibmc).
import { deflateSync, inflateSync } from 'node:zlib'
import type { SessionData } from '../../../shared/json'
import { isPlainObject } from '../../../shared/json'
import { unpickle } from './pickle-read'
import { pickle } from './pickle-write'
import type { Decoded } from '../session-store'

export interface CacheItem {
  value: Buffer
  /** memcached's flags (Redis has none: 0). */
  flags: number
}

export interface AppCache {
  /** e.g. "Redis 127.0.0.1:6379/1" */
  readonly label: string
  /** Connects and answers once; throws a one-line Error. */
  check(): Promise<void>
  /** The full keys that start with prefix, or null when this cache cannot list its keys. */
  keys(prefix: string): Promise<string[] | null>
  /** A cache with a cursor of its own (Redis SCAN): one batch of keys from the cursor (null: from the start); next null at the end. */
  scan?(prefix: string, cursor: string | null, count: number): Promise<{ keys: string[]; next: string | null }>
  /** How many keys the whole cache holds, cheaply (Redis DBSIZE): an estimate of the sessions. */
  size?(): Promise<number>
  get(key: string): Promise<CacheItem | null>
  /** Time to live left, in ms; null when the entry has none or the cache cannot tell. */
  ttl(key: string): Promise<number | null>
  set(key: string, item: CacheItem, ttlMs: number): Promise<void>
  delete(key: string): Promise<boolean>
  /** When the entry expires, exactly (Unix ms), where the cache can tell (Redis 7+: PEXPIRETIME); else undefined. */
  deadline?(key: string): Promise<number | null | undefined>
  /** Sets an exact deadline (Unix ms, Redis PEXPIREAT); false when there is no entry. */
  expireAt?(key: string, atMs: number): Promise<boolean>
  /** Sets an entry only when the key holds none (Redis SET NX, memcached add); false when it does. */
  add(key: string, item: CacheItem, ttlMs: number): Promise<boolean>
  /** Gives an existing entry a new time to live; false when there is none. */
  expireIn(key: string, ttlMs: number): Promise<boolean>
  close(): Promise<void>
}

/** How one backend writes a value. */
export type CacheFormat =
  /** Django 4.0+'s RedisCache: pickle.dumps(value, HIGHEST_PROTOCOL); ints as they are. */
  | { kind: 'django-redis-cache' }
  /** django-redis: its serializer (pickle by default, or json), then its compressor (none, or zlib). */
  | { kind: 'django-redis'; serializer: 'pickle' | 'json'; compressor: 'identity' | 'zlib' }
  /** memcached backends: pickle with flag 1; str with flag 16, ints with 2 or 4. */
  | { kind: 'memcached' }

/** Django's default KEY_FUNCTION: "%s:%s:%s" % (KEY_PREFIX, VERSION, key). */
export function makeKey(key: string, keyPrefix = '', version = 1): string {
  return `${keyPrefix}:${version}:${key}`
}

export interface DecodedValue extends Decoded {
  /** Python types the value holds that JSON cannot (its data is then read-only here). */
  foreign?: string[]
}

const INT = /^-?\d+$/

function fromPickle(raw: Buffer): DecodedValue {
  try {
    const { value, foreign } = unpickle(raw)
    if (!isPlainObject(value)) return { data: {}, error: 'cannot decode: the cached value is not a dict', kind: 'not-an-object' }
    return { data: value as SessionData, ...(foreign.length ? { foreign, kind: 'python-values' as const, error: `holds Python values that JSON cannot show (${foreign.join(', ')}): shown as text, and read-only here so they are not lost` } : {}) }
  } catch (e) {
    return { data: {}, error: `cannot decode the cached value: ${(e as Error).message}`, kind: 'malformed' }
  }
}

/** The session dict a cached value holds, as the backend that wrote it reads it. */
export function decodeCached(format: CacheFormat, item: CacheItem): DecodedValue {
  const raw = item.value
  if (format.kind === 'memcached') {
    if (item.flags & 1) return fromPickle(raw)
    return { data: {}, error: `cannot decode: the cached value is not a pickled dict (memcached flags ${item.flags})`, kind: 'malformed' }
  }
  if (INT.test(raw.toString('latin1'))) return { data: {}, error: 'cannot decode: the cached value is an integer, not a session', kind: 'not-an-object' }
  if (format.kind === 'django-redis-cache') return fromPickle(raw)
  let body = raw
  if (format.compressor === 'zlib') {
    try {
      body = inflateSync(raw)
    } catch {
      body = raw // django-redis leaves values of 15 bytes or fewer uncompressed
    }
  }
  if (format.serializer === 'pickle') return fromPickle(body)
  try {
    const value: unknown = JSON.parse(body.toString('utf8'))
    return isPlainObject(value) ? { data: value as SessionData } : { data: {}, error: 'cannot decode: the cached value is not an object', kind: 'not-an-object' }
  } catch (e) {
    return { data: {}, error: `cannot decode the cached JSON: ${(e as Error).message}`, kind: 'malformed' }
  }
}

/** A session dict written as the backend would write it. */
export function encodeCached(format: CacheFormat, data: SessionData): CacheItem {
  if (format.kind === 'memcached') return { value: pickle(data), flags: 1 }
  if (format.kind === 'django-redis-cache') return { value: pickle(data), flags: 0 }
  let body = format.serializer === 'pickle' ? pickle(data) : Buffer.from(JSON.stringify(data), 'utf8')
  if (format.compressor === 'zlib' && body.length > 15) body = deflateSync(body)
  return { value: body, flags: 0 }
}
