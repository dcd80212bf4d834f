// Observe mode on caches: the fixture project's cache and cached_db sessions in the run's
// real Redis (django-redis, pickled values) and in a real memcached (PyMemcacheCache) started
// for this file, checked through Django's own pages; TTLs shortened by the clock and given back.
import Redis from 'ioredis'
import memjs from 'memjs'
import { afterAll, expect, inject, it } from 'vitest'
import { parseCacheTarget } from '../../src/main/engine/observe/targets'
import { useMemcached } from '../support/servers'
import { describeObservedStore, OBSERVED_SETTINGS } from './observe-contract'
import { startDjangoServer } from './django-server'

const memcached = useMemcached()
const redisUrl = `${inject('redisUrl')}/7`
const redis = new Redis(redisUrl)
afterAll(() => redis.disconnect())

describeObservedStore('cache sessions in Redis (django-redis, pickled, KEY_PREFIX)', async () => {
  const cache = `django-redis+${redisUrl}?key_prefix=si11&version=3`
  const app = await startDjangoServer({ middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'cache', CACHES: { default: cache } } })
  return {
    app,
    observe: { engine: 'cache', cache: parseCacheTarget(cache) },
    stored: async (key) => redis.getBuffer(`si11:3:django.contrib.sessions.cache${key}`)
  }
}, (ctx) => {
  it("shortens the entry's TTL in Redis by the clock, and gives it back", async () => {
    const { inspector, browser } = ctx()
    const b = browser()
    await b.get('/p1/set/')
    const full = `si11:3:django.contrib.sessions.cache${await b.cookie('sessionid')}`
    const ttl = await redis.pttl(full)
    expect(ttl).toBeGreaterThan(15_000)
    await inspector.api.advanceClock({ seconds: 12 })
    const shorter = await redis.pttl(full)
    expect(ttl - shorter).toBeGreaterThanOrEqual(12_000)
    expect(ttl - shorter).toBeLessThan(13_500)
    await inspector.api.resetClock({})
    expect(Math.abs((await redis.pttl(full)) - ttl)).toBeLessThan(1500)
  })
})

describeObservedStore('cached_db sessions in SQLite + Redis (django-redis)', async () => {
  const cache = `django-redis+${redisUrl}?key_prefix=si11cdb`
  const app = await startDjangoServer({ middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'cached_db', CACHES: { default: cache } } })
  const Database = (await import('better-sqlite3')).default
  return {
    app,
    observe: { engine: 'cached_db', database: { kind: 'sqlite', path: app.dbPath }, cache: parseCacheTarget(cache) },
    stored: async (key) => {
      const db = new Database(app.dbPath, { readonly: true })
      try {
        return db.prepare('SELECT * FROM django_session WHERE session_key = ?').get(key) ?? null
      } finally {
        db.close()
      }
    }
  }
}, (ctx) => {
  it("drops Django's cached copy when a session is edited, so the next request reads the database", async () => {
    const { inspector, browser } = ctx()
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid')) as string
    const full = `si11cdb:1:django.contrib.sessions.cached_db${key}`
    expect(await redis.exists(full)).toBe(1)
    await inspector.api.updateSessionData({ key, data: { name: 'Karma', lname: 'Wangmo' } })
    expect(await redis.exists(full)).toBe(0)
    expect((await b.get('/p1/get/')).body).toMatch(/Karma\s+Wangmo/)
    expect(await redis.exists(full)).toBe(1) // filled again by Django, from the row
  })
})

describeObservedStore('cache sessions in memcached (PyMemcacheCache)', async () => {
  const server = await memcached()
  const cache = `memcached://${server.address}`
  const app = await startDjangoServer({ middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'cache', CACHES: { default: cache } } })
  const client = memjs.Client.create(server.address, { logger: { log: () => undefined } })
  return {
    app,
    observe: { engine: 'cache', cache: parseCacheTarget(cache) },
    stored: async (key) => (await client.get(`:1:django.contrib.sessions.cache${key}`)).value,
    cleanup: async () => client.close()
  }
}, (ctx) => {
  it('lists the sessions memcached holds (lru_crawler metadump), with their TTLs', async () => {
    const { inspector, browser } = ctx()
    const b = browser()
    await b.get('/p2/set/')
    const key = (await b.cookie('sessionid')) as string
    const list = await inspector.api.listSessions({})
    expect(list.note).toBeUndefined()
    const found = list.sessions.find((s) => s.key === key)
    expect(found?.expireDate).not.toBeNull()
    expect((await inspector.api.getStatus({})).observe?.limits.list).toBeUndefined()
  })
})
