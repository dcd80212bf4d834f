// The cache formats observe mode reads and writes, against Python: Django 4.0+'s RedisCache
// (not in Django 3.2, so checked with Python's own pickle and redis-py under the key Django's
// documentation gives: KEY_PREFIX:VERSION:django.contrib.sessions.cache<key>), django-redis's
// JSON serializer and zlib compressor, and a memcached that cannot list its keys.
import { execFileSync } from 'node:child_process'
import Redis from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Clock } from '../../src/main/engine'
import { decodeCached, encodeCached, makeKey } from '../../src/main/engine/observe/app-cache'
import { CacheAppStore } from '../../src/main/engine/observe/cache-store'
import { MemcachedAppCache } from '../../src/main/engine/observe/memcached-cache'
import { RedisAppCache } from '../../src/main/engine/observe/redis-cache'
import { parseCacheTarget } from '../../src/main/engine/observe/targets'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { useMemcached } from '../support/servers'
import { listAll } from '../support/inspection'

const PYTHON = process.env.DJANGO_PYTHON ?? '/usr/bin/python3'
const python = (code: string, input = '') => execFileSync(PYTHON, ['-c', code], { input, encoding: 'utf8' }).trim()
const ctx = { settings: () => ({ ...DEFAULT_SETTINGS, SECRET_KEY: 'k' }), clock: new Clock(), fallbackKeys: [] }
const KEY = 'abcdefgh12345678abcdefgh12345678'
const redisUrl = `${inject('redisUrl')}/8`

describe("Django 4's RedisCache format", () => {
  const redis = new Redis(redisUrl)
  afterAll(() => redis.disconnect())

  it('reads what RedisCache writes (pickle, HIGHEST_PROTOCOL, EX) and writes what it reads', async () => {
    const full = makeKey(`django.contrib.sessions.cache${KEY}`, 'app', 2)
    expect(full).toBe(`app:2:django.contrib.sessions.cache${KEY}`)
    const port = new URL(redisUrl).port
    // What django.core.cache.backends.redis.RedisCache.set(key, session, 600) sends.
    python(`import pickle, redis
r = redis.Redis(port=${port}, db=8)
r.set(${JSON.stringify(full)}, pickle.dumps({'name': 'Sonam', '_auth_user_id': '1', 'n': 2**40}, pickle.HIGHEST_PROTOCOL), ex=600)`)
    expect(parseCacheTarget(`${redisUrl}?key_prefix=app&version=2`)).toMatchObject({ kind: 'redis', keyPrefix: 'app', version: 2, format: { kind: 'django-redis-cache' } })
    const store = new CacheAppStore(ctx, new RedisAppCache(redisUrl), { kind: 'django-redis-cache' }, (k) => makeKey(`django.contrib.sessions.cache${k}`, 'app', 2))
    try {
      const record = await store.record(KEY)
      expect(record).toMatchObject({ key: KEY, data: { name: 'Sonam', _auth_user_id: '1', n: 2 ** 40 } })
      expect(record?.decodeError).toBeUndefined()
      expect(record!.expireDate!.getTime() - Date.now()).toBeGreaterThan(598_000)
      expect((await listAll(store)).map((r) => r.key)).toEqual([KEY])
      expect(await store.save(KEY, { name: 'Pema', cart: [1, 2] })).toBe(KEY)
      // RedisCache.get: pickle.loads of the value.
      expect(JSON.parse(python(`import json, pickle, redis; print(json.dumps(pickle.loads(redis.Redis(port=${port}, db=8).get(${JSON.stringify(full)}))))`))).toEqual({ name: 'Pema', cart: [1, 2] })
      expect(await redis.pttl(full)).toBeGreaterThan(1_200_000_000) // SESSION_COOKIE_AGE, 2 weeks
    } finally {
      await redis.del(full)
      await store.close()
    }
  })

  it('shows Python objects as text and marks the session read-only', () => {
    const hex = python(`import pickle, datetime; print(pickle.dumps({'when': datetime.datetime(2024, 1, 2)}, 5).hex())`)
    const decoded = decodeCached({ kind: 'django-redis-cache' }, { value: Buffer.from(hex, 'hex'), flags: 0 })
    expect(decoded.data).toEqual({ when: '<datetime.datetime>' })
    expect(decoded.error).toMatch(/holds Python values that JSON cannot show \(datetime\.datetime\).*read-only/)
  })
})

describe("django-redis's other serializer and compressor", () => {
  it('reads and writes JSONSerializer + ZlibCompressor values as django-redis does', () => {
    const format = { kind: 'django-redis', serializer: 'json', compressor: 'zlib' } as const
    const data = { name: 'Sonam', text: 'x'.repeat(100) }
    // django_redis.serializers.json.JSONSerializer.dumps, then ZlibCompressor.compress (above 15 bytes).
    const hex = python(`import json, zlib, sys; print(zlib.compress(json.dumps(json.loads(sys.stdin.read())).encode()).hex())`, JSON.stringify(data))
    expect(decodeCached(format, { value: Buffer.from(hex, 'hex'), flags: 0 }).data).toEqual(data)
    const written = encodeCached(format, data).value.toString('hex')
    expect(JSON.parse(python(`import json, zlib, sys; print(json.dumps(json.loads(zlib.decompress(bytes.fromhex(sys.stdin.read())))))`, written))).toEqual(data)
    // A short value stays uncompressed, as django-redis leaves it.
    expect(decodeCached(format, encodeCached(format, { a: 1 })).data).toEqual({ a: 1 })
    expect(parseCacheTarget('django-redis+redis://127.0.0.1:6379/1?serializer=json&compressor=zlib&key_prefix=p')).toMatchObject({ kind: 'redis', url: 'redis://127.0.0.1:6379/1', keyPrefix: 'p', format })
  })
})

describe('a memcached that cannot list its keys', () => {
  const memcached = useMemcached(['-o', 'no_lru_crawler'])

  it('lists the sessions seen in traffic, and says so in one sentence', async () => {
    const server = await memcached()
    const cache = new MemcachedAppCache(server.address)
    const store = new CacheAppStore(ctx, cache, { kind: 'memcached' }, (k) => makeKey(`django.contrib.sessions.cache${k}`), 'memcached cannot list its keys here (lru_crawler metadump is refused): the list shows the sessions seen in traffic since Session Inspector started')
    try {
      await cache.set(makeKey(`django.contrib.sessions.cache${KEY}`), encodeCached({ kind: 'memcached' }, { name: 'Sonam' }), 60_000)
      expect(await cache.keys(':1:')).toBeNull()
      expect(await listAll(store)).toEqual([])
      expect(store.limits.list).toMatch(/^memcached cannot list its keys here/)
      store.seen(KEY)
      expect((await listAll(store)).map((r) => [r.key, r.data])).toEqual([[KEY, { name: 'Sonam' }]])
    } finally {
      await store.close()
    }
  })
})
