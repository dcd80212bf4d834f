// Each store's own cases (Django's per-backend tests), and the inspection API.
import { existsSync, linkSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Redis from 'ioredis'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { makeEngine, set, VARIANTS, type TestEngine } from './helpers'
import { expireNow, listAll, saveData } from '../support/inspection'

const variant = (name: string) => VARIANTS.find((v) => v.name === name)!
let t: TestEngine | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})
const start = async (name: string) => (t = await makeEngine(variant(name), inject('redisUrl')))

describe('signed_cookies', () => {
  it('a tampered cookie loads empty, keeps its value as the key, and saving answers a fresh signed {}', async () => {
    const { engine } = await start('signed_cookies')
    const s = engine.open()
    await s.set('name', 'Sonam')
    await s.save()
    const cookie = s.sessionKey as string
    const tampered = cookie.slice(0, -2) + (cookie.endsWith('A') ? 'BB' : 'AA')
    const bad = engine.open(tampered)
    expect(await bad.items()).toEqual([])
    expect(bad.sessionKey).toBe(tampered)
    expect(bad.modified).toBe(true)
    await bad.save()
    expect(bad.sessionKey).not.toBe(tampered)
    expect(await engine.open(bad.sessionKey).items()).toEqual([])
  })

  it('a cookie signed with another SECRET_KEY loads empty', async () => {
    const { engine } = await start('signed_cookies')
    const s = engine.open()
    await s.set('name', 'Sonam')
    await s.save()
    set(engine, { SECRET_KEY: 'another-secret-key-entirely-0123456789' })
    expect(await engine.open(s.sessionKey).get('name')).toBeUndefined()
  })

  it('large data is zlib-compressed (a leading "." in the value), as Django', async () => {
    const { engine } = await start('signed_cookies')
    const s = engine.open()
    await s.set('text', 'abc'.repeat(200))
    await s.save()
    expect(s.sessionKey!.startsWith('.')).toBe(true)
    expect(await engine.open(s.sessionKey).get('text')).toBe('abc'.repeat(200))
  })

  it('says it cannot list sessions', async () => {
    const { engine } = await start('signed_cookies')
    await expect(listAll(engine)).rejects.toThrow(/live in the browser's cookie/)
  })
})

describe('file', () => {
  it('refuses keys outside [a-z0-9] (path traversal): empty session, a security log line, no file touched', async () => {
    const { engine, dir } = await start('file')
    const outside = join(dir, 'victim')
    writeFileSync(outside, 'keep me')
    for (const key of ['../victim12345', '..\\..\\victim', 'abc/def/ghi', 'ABCDEFGHIJ']) {
      const s = engine.open(key)
      expect(await s.items()).toEqual([])
      expect(s.sessionKey).toBeNull()
      await s.set('x', 1)
      await s.save()
      expect(s.sessionKey).toMatch(/^[a-z0-9]{32}$/)
    }
    expect(engine.log.lines.some((l) => l.message.includes('invalid characters'))).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(['files', 'sessions.sqlite3', 'victim'].filter((f) => existsSync(join(dir, f))).sort())
    await expect(engine.open().exists('../victim12345')).rejects.toThrow(/Invalid characters/)
  })

  it('writes atomically: a save renames a new file over the old one (never writes in place) and leaves no temp file', async () => {
    const { engine, dir } = await start('file')
    const s = engine.open()
    await s.set('n', 0)
    await s.save()
    const file = join(dir, 'files', `sessionid${s.sessionKey}`)
    // A hard link shares the file's inode: an in-place write would show through it, a rename cannot.
    const before = join(dir, 'before-save')
    linkSync(file, before)
    const old = readFileSync(before, 'ascii')
    await s.set('n', 1)
    await s.save()
    expect(readFileSync(before, 'ascii')).toBe(old)
    expect(readFileSync(file, 'ascii')).not.toBe(old)
    expect(await engine.open(s.sessionKey).get('n')).toBe(1)
    // The inspector's "expire now" of a set_expiry session rewrites the file the same way.
    await s.setExpiry(600)
    await s.save()
    unlinkSync(before)
    linkSync(file, before)
    const custom = readFileSync(before, 'ascii')
    expect((await expireNow(engine, s.sessionKey!))?.expired).toBe(true)
    expect(readFileSync(before, 'ascii')).toBe(custom)
    expect(readdirSync(join(dir, 'files'))).toEqual([`sessionid${s.sessionKey}`])
  })

  it('names files SESSION_COOKIE_NAME + key in SESSION_FILE_PATH', async () => {
    const { engine, dir } = await start('file')
    set(engine, { SESSION_COOKIE_NAME: 'sessionname' })
    const s = engine.open()
    await s.set('a', 1)
    await s.save()
    expect(readdirSync(join(dir, 'files'))).toEqual([`sessionname${s.sessionKey}`])
  })

  it('on loading an expired session it deletes it and creates a new key at once (Django quirk)', async () => {
    const { engine, dir } = await start('file')
    set(engine, { SESSION_COOKIE_AGE: 20 })
    const s = engine.open()
    await s.set('name', 'Sonam')
    await s.save()
    const old = s.sessionKey
    engine.clock.advance(30)
    const next = engine.open(old)
    expect(await next.items()).toEqual([])
    expect(next.sessionKey).not.toBe(old)
    expect(next.sessionKey).toMatch(/^[a-z0-9]{32}$/)
    expect(next.modified).toBe(true)
    expect(readdirSync(join(dir, 'files'))).toEqual([`sessionid${next.sessionKey}`])
  })

  it('a SESSION_FILE_PATH that is not a directory is refused, and the old value stays', async () => {
    const { engine, dir } = await start('file')
    const r = engine.updateSettings({ SESSION_FILE_PATH: join(dir, 'missing') })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/SESSION_FILE_PATH.*not an existing directory/)
    expect(engine.settings().SESSION_FILE_PATH).toBe(join(dir, 'files'))
  })
})

describe('db', () => {
  it("creates Django's django_session table and index, and writes expire_date as Django does", async () => {
    const { engine, dir } = await start('db')
    const s = engine.open()
    await s.set('a', 1)
    await s.save()
    const db = new Database(join(dir, 'sessions.sqlite3'), { readonly: true })
    const index = db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='django_session'").all()
    const row = db.prepare('SELECT * FROM django_session').get() as { expire_date: string; session_data: string }
    db.close()
    expect(index.map((i) => (i as { name: string }).name)).toContain('django_session_expire_date_a5c62663')
    expect(row.expire_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$/)
    expect(row.session_data.split(':')).toHaveLength(3)
  })

  it('a corrupt row loads as an empty session and logs on the security channel', async () => {
    const { engine, dir } = await start('db')
    const s = engine.open()
    await s.set('a', 1)
    await s.save()
    const db = new Database(join(dir, 'sessions.sqlite3'))
    db.prepare("UPDATE django_session SET session_data = 'eyJhIjoxfQ:1abc:forgedsignature'").run()
    db.close()
    expect(await engine.open(s.sessionKey).items()).toEqual([])
    expect(engine.log.lines.at(-1)).toMatchObject({ channel: 'django.security.SuspiciousSession', message: 'Session data corrupted' })
    const lines = engine.log.lines.length
    const listed = await engine.find(s.sessionKey!)
    expect(listed?.decodeError).toMatch(/wrong SECRET_KEY\?/)
    expect((await listAll(engine))[0]?.decodeError).toMatch(/wrong SECRET_KEY\?/)
    // Inspecting is not a request's load: it says why, without repeating the security line.
    expect(engine.log.lines.length).toBe(lines)
  })
})

describe('cache', () => {
  it("the in-memory cache culls as Django's LocMemCache: at max_entries, the least recently used third", async () => {
    const { engine } = await start('cache (locmem)')
    set(engine, { CACHES: { default: 'locmem://?max_entries=6' } })
    const save = async (n: number) => {
      const s = engine.open()
      await s.set('n', n)
      await s.save()
      return s.sessionKey!
    }
    const keys: string[] = []
    for (let n = 0; n < 6; n++) keys.push(await save(n))
    // Reading 0 and 1 makes them recent: 2 and 3 are now the least recently used.
    expect(await engine.open(keys[0]!).get('n')).toBe(0)
    expect(await engine.open(keys[1]!).get('n')).toBe(1)
    keys.push(await save(6)) // 6 entries >= 6: cull 6 // 3 = 2, then set
    const alive = async () => {
      const out: number[] = []
      for (const [n, key] of keys.entries()) if ((await engine.open(key).get('n')) !== undefined) out.push(n)
      return out
    }
    expect(await alive()).toEqual([0, 1, 4, 5, 6])
    // Below max_entries nothing is culled; Django culls before a set, never after.
    set(engine, { CACHES: { default: 'locmem://?max_entries=3' } })
    keys.length = 0
    for (let n = 0; n < 4; n++) keys.push(await save(n)) // the 4th set finds 3 entries: cull 1
    expect(await alive()).toEqual([1, 2, 3])
  })

  for (const cache of ['locmem', 'redis']) it(`cache and cached_db share a cache (${cache}): listing one never shows the other's entries`, async () => {
    const { engine } = await start(`cached_db (${cache})`)
    const viaDb = engine.open()
    await viaDb.set('via', 'cached_db')
    await viaDb.save()
    set(engine, { SESSION_ENGINE: 'cache' })
    const viaCache = engine.open()
    await viaCache.set('via', 'cache')
    await viaCache.save()
    expect((await listAll(engine)).map((r) => r.key)).toEqual([viaCache.sessionKey])
    set(engine, { SESSION_ENGINE: 'cached_db' })
    expect((await listAll(engine)).map((r) => r.key)).toEqual([viaDb.sessionKey])
  })

  it("keeps sessions in Redis under Django's key names, with a TTL only as a safety net", async () => {
    const { engine } = await start('cache (redis)')
    set(engine, { SESSION_COOKIE_AGE: 60 })
    const s = engine.open()
    await s.set('name', 'Sonam')
    await s.save()
    const client = new Redis(engine.settings().CACHES.default!)
    const key = `:1:django.contrib.sessions.cache${s.sessionKey}`
    const ttl = await client.pttl(key)
    const value = JSON.parse((await client.get(key))!)
    client.disconnect()
    expect(ttl).toBeGreaterThan(60_000)
    expect(value.d).toEqual({ name: 'Sonam' })
  })

  it('a Redis that is down fails a save with a clear error naming it', async () => {
    const { engine } = await start('cache (locmem)')
    set(engine, { CACHES: { default: 'redis://127.0.0.1:1/0' } })
    const s = engine.open()
    await s.set('a', 1)
    await expect(s.save()).rejects.toThrow(/cache redis:\/\/127\.0\.0\.1:1\/0 is unavailable/)
  })
})

describe('the inspection API, for every store that keeps sessions', () => {
  for (const v of VARIANTS.filter((x) => x.engine !== 'signed_cookies')) {
    it(`${v.name}: list, find, edit as a modification, expire now, delete`, async () => {
      const { engine } = await start(v.name)
      const s = engine.open()
      await s.set('name', 'Sonam')
      await s.setExpiry(600)
      await s.save()
      const key = s.sessionKey!
      const listed = await listAll(engine)
      expect(listed.map((x) => x.key)).toEqual([key])
      expect(listed[0]).toMatchObject({ data: { name: 'Sonam', _session_expiry: 600 }, expired: false, expiryAge: 600, customExpiry: 600 })
      expect(listed[0]!.expireDate!.getTime()).toBeGreaterThan(engine.clock.nowMs() + 590_000)

      engine.clock.advance(100)
      const edited = await saveData(engine, key, { name: 'Rahim', _session_expiry: 600 })
      expect(edited?.data.name).toBe('Rahim')
      // Saving counts as a modification: expiry restarts from now.
      expect(edited!.expireDate!.getTime()).toBeGreaterThan(engine.clock.nowMs() + 590_000)
      expect(await engine.open(key).get('name')).toBe('Rahim')

      const expired = await expireNow(engine, key)
      // The cache forgets an entry the moment its deadline is reached: nothing is left to show.
      if (v.engine === 'cache') expect(expired).toBeNull()
      else expect(expired?.expired).toBe(true)
      expect(await engine.open(key).get('name')).toBeUndefined()

      const other = engine.open()
      await other.set('n', 1)
      await other.save()
      expect(await engine.inspection.delete(other.sessionKey!)).toBe(true)
      expect(await engine.inspection.delete(other.sessionKey!)).toBe(false)
      expect(await engine.find(other.sessionKey!)).toBeNull()
      expect(await saveData(engine, 'nosuchsession123', { a: 1 })).toBeNull()
    })

    it(`${v.name}: the last save stays when SESSION_COOKIE_AGE shrinks and after expire now`, async () => {
      const { engine } = await start(v.name)
      const s = engine.open()
      await s.set('name', 'Sonam')
      await s.save()
      const key = s.sessionKey!
      const saved = (await engine.find(key))!.savedAt!.getTime()
      expect(saved).toBe((await engine.find(key))!.expireDate!.getTime() - 1_209_600_000)
      engine.clock.advance(60)
      // The db keeps only expire_date: worked out from today's 20 s, the save would be 14 days ahead.
      set(engine, { SESSION_COOKIE_AGE: 20 })
      expect((await engine.find(key))!.savedAt!.getTime()).toBe(saved)
      set(engine, { SESSION_COOKIE_AGE: 1_209_600 })
      const expired = await expireNow(engine, key)
      // The cache forgets it at once; the file store expires a session by ageing its file
      // (its mtime is its save time), so only the db stores still know the real save.
      if (v.engine === 'db' || v.engine === 'cached_db') expect(expired!.savedAt!.getTime()).toBe(saved)
      if (v.engine === 'file') expect(expired!.savedAt!.getTime()).toBeLessThanOrEqual(engine.clock.nowMs() - 1_209_600_000)
    })
  }
})
