// Laziness (docs/sessions.md): the proxy peeks at the session early, but a load's side effects
// (the file store's delete-and-create of an expired session, cached_db filling its cache,
// signed_cookies' fresh cookie) happen only once the app is known to have touched it.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { processResponse } from '../../src/main/engine'
import { CACHED_DB_KEY_PREFIX } from '../../src/main/engine/stores/cached-db'
import { makeEngine, set, VARIANTS, type TestEngine } from './helpers'

let t: TestEngine | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})
const start = async (name: string) => (t = await makeEngine(VARIANTS.find((v) => v.name === name)!, inject('redisUrl')))

describe('peek and commitPeek', () => {
  it('file: an expired session that is only peeked at stays on disk and no new one is made; committed, Django\'s quirk applies', async () => {
    const { engine, dir } = await start('file')
    set(engine, { SESSION_COOKIE_AGE: 20 })
    const s = engine.open()
    await s.set('name', 'Sonam')
    await s.save()
    const old = s.sessionKey!
    engine.clock.advance(30)
    const files = () => readdirSync(join(dir, 'files'))

    const untouched = engine.open(old)
    expect(await untouched.peek()).toEqual({ key: expect.not.stringMatching(old), data: {} })
    const d = await processResponse(untouched, engine.settings(), { cookieValue: old, status: 200 })
    expect(d).toMatchObject({ reason: 'untouched', cookie: null })
    expect(files()).toEqual([`sessionid${old}`])

    const touched = engine.open(old)
    const peek = await touched.peek()
    expect(files()).toEqual([`sessionid${old}`])
    await touched.commitPeek()
    expect(touched.sessionKey).toBe(peek.key)
    expect(files()).toEqual([`sessionid${peek.key}`])
    const d2 = await processResponse(touched, engine.settings(), { cookieValue: old, status: 200 })
    expect(d2).toMatchObject({ reason: 'created', cookie: 'set', keyAfter: peek.key })
  })

  for (const cache of ['locmem', 'redis']) {
    it(`cached_db (${cache}): a peek does not fill the cache; the committed load does`, async () => {
      const { engine } = await start(`cached_db (${cache})`)
      const s = engine.open()
      await s.set('name', 'Sonam')
      await s.save()
      const key = s.sessionKey!
      await engine.cache().delete(CACHED_DB_KEY_PREFIX + key) // a cold cache: only the db has it
      const reader = engine.open(key)
      expect((await reader.peek()).data).toEqual({ name: 'Sonam' })
      expect(await engine.cache().has(CACHED_DB_KEY_PREFIX + key)).toBe(false)
      await reader.commitPeek()
      expect(await engine.cache().get(CACHED_DB_KEY_PREFIX + key)).toEqual({ name: 'Sonam' })
      expect(reader.accessed).toBe(true)
      expect(await reader.get('name')).toBe('Sonam')
    })
  }

  it('signed_cookies: a bad cookie that is only peeked at is neither flagged nor replaced', async () => {
    const { engine } = await start('signed_cookies')
    const bad = engine.open('not-a-signed-value')
    expect(await bad.peek()).toEqual({ key: 'not-a-signed-value', data: {} })
    expect(bad.modified).toBe(false)
    expect(await processResponse(bad, engine.settings(), { cookieValue: 'not-a-signed-value', status: 200 })).toMatchObject({ reason: 'untouched', cookie: null })
    const touched = engine.open('not-a-signed-value')
    await touched.peek()
    await touched.commitPeek()
    expect(touched.modified).toBe(true)
    expect(await processResponse(touched, engine.settings(), { cookieValue: 'not-a-signed-value', status: 200 })).toMatchObject({ reason: 'created', cookie: 'set' })
  })
})
