// The store contract suite: Django's SessionTestsMixin (tests/sessions_tests/tests.py),
// run once per engine, plus the clock and laziness behaviour every store must share.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { Clock, type Engine, type SessionStore } from '../../src/main/engine'
import { SessionKeyError } from '../../src/shared/session-dict'
import { makeEngine, set, type EngineVariant, type TestEngine } from './helpers'
import { listAll } from '../support/inspection'

export function describeSessionStore(variant: EngineVariant): void {
  const signed = variant.engine === 'signed_cookies'
  // Signed cookies keep nothing server-side: Django skips these for CookieSessionTests.
  const serverSide = signed ? it.skip : it

  describe(`SessionStore contract: ${variant.name}`, () => {
    let t: TestEngine
    let engine: Engine
    let session: SessionStore

    /**
     * The engine's "real now": fake, so no test depends on how fast the machine runs, and years
     * away from the machine's own time, so anything that read the wall clock instead of the
     * engine's would expire (or keep) the wrong sessions and fail here.
     */
    let real: number
    beforeEach(async () => {
      real = Date.parse('2031-05-17T08:00:00.250Z')
      t = await makeEngine(variant, inject('redisUrl'), {}, new Clock(() => real))
      engine = t.engine
      session = engine.open()
    })
    afterEach(async () => {
      await t.close()
    })

    /** A new store object for the same key, as the next request would build it. */
    const reopen = (s: SessionStore = session) => engine.open(s.sessionKey)

    it('starts neither modified nor accessed', () => {
      expect(session.modified).toBe(false)
      expect(session.accessed).toBe(false)
    })

    it('get on an empty session is undefined; set marks modified; pop returns the value', async () => {
      expect(await session.get('cat')).toBeUndefined()
      await session.set('cat', 'dog')
      expect(session.modified).toBe(true)
      expect(await session.pop('cat')).toBe('dog')
    })

    it('pop marks accessed and modified when the key existed', async () => {
      await session.set('some key', 'exists')
      session.modified = false
      expect(await session.pop('some key')).toBe('exists')
      expect(session.accessed).toBe(true)
      expect(session.modified).toBe(true)
      expect(await session.get('some key')).toBeUndefined()
    })

    it('pop with a default of a missing key is accessed but not modified; without one it throws', async () => {
      expect(await session.pop('some key', 'does not exist')).toBe('does not exist')
      expect(session.accessed).toBe(true)
      expect(session.modified).toBe(false)
      await expect(session.pop('some key')).rejects.toBeInstanceOf(SessionKeyError)
    })

    it('setdefault sets once and keeps the first value', async () => {
      expect(await session.setdefault('foo', 'bar')).toBe('bar')
      expect(await session.setdefault('foo', 'baz')).toBe('bar')
      expect(session.accessed).toBe(true)
      expect(session.modified).toBe(true)
    })

    it('setdefault of an existing key is not a modification', async () => {
      await session.set('foo', 'bar')
      session.modified = false
      expect(await session.setdefault('foo', 'baz')).toBe('bar')
      expect(session.modified).toBe(false)
    })

    it('update, has, keys, values and items set the right flags', async () => {
      await session.update({ 'update key': 1 })
      expect(session.accessed && session.modified).toBe(true)
      expect(await session.get('update key')).toBe(1)
      session.modified = false
      expect(await session.has('update key')).toBe(true)
      expect(await session.keys()).toEqual(['update key'])
      expect(await session.values()).toEqual([1])
      expect(await session.items()).toEqual([['update key', 1]])
      expect(session.modified).toBe(false)
    })

    it('getItem and deleteItem of a missing key throw a KeyError', async () => {
      await expect(session.getItem('missing')).rejects.toThrow(/KeyError/)
      await expect(session.deleteItem('missing')).rejects.toThrow(/KeyError/)
      await session.set('x', 1)
      await session.deleteItem('x')
      expect(await session.has('x')).toBe(false)
    })

    it('clear empties without reading the store, marking accessed and modified', async () => {
      await session.set('x', 1)
      session.modified = false
      expect(await session.items()).toEqual([['x', 1]])
      session.clear()
      expect(await session.items()).toEqual([])
      expect(session.accessed).toBe(true)
      expect(session.modified).toBe(true)
    })

    serverSide('save stores a record that exists; delete removes it', async () => {
      await session.set('a', 1)
      await session.save()
      const key = session.sessionKey as string
      expect(key).toMatch(/^[a-z0-9]{32}$/)
      expect(await session.exists(key)).toBe(true)
      await session.delete(key)
      expect(await session.exists(key)).toBe(false)
    })

    it('save keeps the data in the object', async () => {
      await session.set('a', 'b')
      await session.save()
      expect(await session.get('a')).toBe('b')
    })

    it('a saved session loads in a new store object for its key', async () => {
      await session.set('name', 'Sonam')
      await session.save()
      const again = reopen()
      expect(await again.get('name')).toBe('Sonam')
    })

    it('flush empties, deletes the record and drops the key', async () => {
      await session.set('foo', 'bar')
      await session.save()
      const prev = session.sessionKey as string
      await session.flush()
      if (!signed) expect(await session.exists(prev)).toBe(false)
      expect(session.sessionKey).toBeNull()
      expect(session.modified).toBe(true)
      expect(session.accessed).toBe(true)
      expect(await engine.open(prev).get('foo')).toBe(signed ? 'bar' : undefined)
    })

    serverSide('cycleKey keeps the data under a new key and kills the old one', async () => {
      await session.update({ a: 'c', b: 'd' })
      await session.save()
      const prev = session.sessionKey as string
      const before = await session.items()
      await session.cycleKey()
      expect(await session.exists(prev)).toBe(false)
      expect(session.sessionKey).not.toBe(prev)
      expect(await session.items()).toEqual(before)
      const loaded = reopen()
      expect(await loaded.items()).toEqual(before)
      expect(await engine.open(prev).get('a')).toBeUndefined()
    })

    it('cycleKey loads the data first when nothing was loaded yet', async () => {
      await session.update({ a: 'c', b: 'd' })
      await session.save()
      const fresh = reopen()
      expect(fresh.peekData()).toBeUndefined()
      await fresh.cycleKey()
      expect(await fresh.items()).toEqual([['a', 'c'], ['b', 'd']])
    })

    it('cycleKey on a request without a session creates one', async () => {
      await session.cycleKey()
      expect(session.sessionKey).not.toBeNull()
    })

    it('keys shorter than 8 characters are no key; 8 is enough', () => {
      expect(engine.open('').sessionKey).toBeNull()
      expect(engine.open('1234567').sessionKey).toBeNull()
      expect(engine.open('12345678').sessionKey).toBe('12345678')
    })

    it('an unknown key loads as an empty session and saving gets a new key (no fixation)', async () => {
      const s = engine.open('attackerchosenkey1')
      expect(await s.get('cat')).toBeUndefined()
      await s.set('cat', 'dog')
      await s.save()
      expect(s.sessionKey).not.toBe('attackerchosenkey1')
      if (!signed) expect(await s.exists('attackerchosenkey1')).toBe(false)
    })

    serverSide('loading an unknown key never creates a record', async () => {
      const s = engine.open('someunknownkey')
      expect(await s.items()).toEqual([])
      expect(s.sessionKey).toBeNull()
      expect(await s.exists('someunknownkey')).toBe(false)
    })

    serverSide('save() of a never-loaded unknown key raises UpdateError and creates no record (the key is not adopted)', async () => {
      const s = engine.open('attackerchosenkey1')
      s.markModified()
      await expect(s.save()).rejects.toMatchObject({ code: 'update_error' })
      expect(await listAll(engine)).toEqual([])
      expect(await s.exists('attackerchosenkey1')).toBe(false)
    })

    serverSide('saving a session deleted meanwhile raises UpdateError instead of resurrecting it', async () => {
      const s1 = engine.open()
      await s1.set('test_data', 'value1')
      await s1.save(true)
      await engine.open(s1.sessionKey).delete()
      await s1.set('test_data', 'value2')
      await expect(s1.save()).rejects.toMatchObject({ code: 'update_error' })
      expect(await engine.open(s1.sessionKey).items()).toEqual([])
    })

    it('getExpiryAge is SESSION_COOKIE_AGE by default and for set_expiry(0)', async () => {
      expect(await session.getExpiryAge()).toBe(1209600)
      await session.setExpiry(0)
      expect(await session.getExpiryAge()).toBe(1209600)
      expect(session.getSessionCookieAge()).toBe(1209600)
    })

    it('set_expiry in seconds, as a duration, as a Date and as an ISO string', async () => {
      const modification = engine.clock.now()
      const plus10 = new Date(modification.getTime() + 10_000)
      for (const value of [10, { seconds: 10 }, plus10, plus10.toISOString()] as const) {
        await session.setExpiry(value)
        expect(await session.getExpiryAge({ modification })).toBe(10)
        expect((await session.getExpiryDate({ modification })).getTime()).toBe(plus10.getTime())
      }
      // Dates and durations are stored as ISO strings, as current Django does.
      await session.setExpiry({ minutes: 1 })
      expect(typeof (await session.get('_session_expiry'))).toBe('string')
    })

    it('the expiry options override the stored expiry and the modification time', async () => {
      const modification = new Date('2026-01-01T00:00:00Z')
      await session.setExpiry(600)
      expect(await session.getExpiryAge({ modification, expiry: 30 })).toBe(30)
      expect((await session.getExpiryDate({ modification, expiry: null })).toISOString()).toBe('2026-01-15T00:00:00.000Z')
      expect(await session.getExpiryAge({ modification, expiry: new Date('2026-01-01T00:01:00Z') })).toBe(60)
    })

    it('the expiry options answer without loading the session (Django guarantees no load() when expiry is given)', async () => {
      await session.set('name', 'Sonam')
      await session.save()
      const s = reopen()
      const modification = new Date('2026-01-01T00:00:00Z')
      expect(await s.getExpiryAge({ expiry: 30 })).toBe(30)
      expect((await s.getExpiryDate({ modification, expiry: null })).toISOString()).toBe('2026-01-15T00:00:00.000Z')
      expect(s.accessed).toBe(false)
      expect(s.peekData()).toBeUndefined()
      expect(await s.getExpiryAge()).toBe(1209600)
      expect(s.accessed).toBe(true)
    })

    it('set_expiry(null) returns to the global policy', async () => {
      await session.setExpiry(null)
      await session.setExpiry(10)
      await session.setExpiry(null)
      expect(await session.getExpiryAge()).toBe(1209600)
      expect(await session.has('_session_expiry')).toBe(false)
    })

    it('getExpireAtBrowserClose follows set_expiry, else SESSION_EXPIRE_AT_BROWSER_CLOSE', async () => {
      for (const setting of [false, true]) {
        set(engine, { SESSION_EXPIRE_AT_BROWSER_CLOSE: setting })
        await session.setExpiry(10)
        expect(await session.getExpireAtBrowserClose()).toBe(false)
        await session.setExpiry(0)
        expect(await session.getExpireAtBrowserClose()).toBe(true)
        await session.setExpiry(null)
        expect(await session.getExpireAtBrowserClose()).toBe(setting)
      }
    })

    it('the test cookie trio', async () => {
      expect(await session.testCookieWorked()).toBe(false)
      await session.setTestCookie()
      await session.save()
      const next = reopen()
      expect(await next.testCookieWorked()).toBe(true)
      await next.deleteTestCookie()
      expect(await next.testCookieWorked()).toBe(false)
      await expect(next.deleteTestCookie()).rejects.toThrow(/KeyError/)
    })

    it('encode and decode round-trip', () => {
      const data = { 'a test key': 'a test value', unicode: 'नमस्ते ✓', nested: { n: [1, 2.5, null, true] } }
      expect(session.decode(session.encode(data))).toEqual(data)
    })

    it('a non-JSON value is refused with a clear error and nothing is saved', async () => {
      await expect(session.set('bad', (() => 1) as never)).rejects.toThrow(/must be JSON/)
      await expect(session.set('nan', Number.NaN)).rejects.toThrow(/must be JSON/)
      expect(await session.has('bad')).toBe(false)
      expect(session.modified).toBe(false)
      await session.set('a', 1)
      await session.save()
      const s = reopen()
      await expect(s.update({ a: 2, when: new Date() as never })).rejects.toThrow(/must be JSON/)
      await expect(s.setdefault('b', { nested: [undefined] } as never)).rejects.toThrow(/must be JSON/)
      expect(await s.items()).toEqual([['a', 1]])
      expect(s.modified).toBe(false)
      expect(await reopen(s).items()).toEqual([['a', 1]])
    })

    it(signed ? 'ignores a custom expiry in the past (ticket #19201), as Django' : 'a custom expiry in the past expires at once', async () => {
      await session.set('foo', 'bar')
      await session.setExpiry({ seconds: -10 })
      await session.save()
      expect(await reopen().has('foo')).toBe(signed)
    })

    it('advancing the clock past SESSION_COOKIE_AGE expires the session', async () => {
      set(engine, { SESSION_COOKIE_AGE: 20 })
      await session.set('name', 'Sonam')
      await session.save()
      // 18, not 19: the file store floors the seconds left, as Django (0.99 s left is expired).
      engine.clock.advance(18)
      expect(await reopen().get('name')).toBe('Sonam')
      engine.clock.advance(3)
      const later = reopen()
      expect(await later.get('name')).toBeUndefined()
    })

    it('set: jumping the clock to just before the expiry keeps the session, past it expires it', async () => {
      set(engine, { SESSION_COOKIE_AGE: 20 })
      const saved = engine.clock.nowMs()
      await session.set('name', 'Sonam')
      await session.save()
      engine.clock.set(new Date(saved + 18_000))
      expect(await reopen().get('name')).toBe('Sonam')
      engine.clock.set(new Date(saved + 21_000))
      expect(await reopen().get('name')).toBeUndefined()
    })

    it('freeze: frozen, real time passing does not age a session; running again, it does', async () => {
      set(engine, { SESSION_COOKIE_AGE: 20 })
      engine.clock.freeze(true)
      await session.set('name', 'Sonam')
      await session.save()
      real += 3_600_000
      expect(await reopen().get('name')).toBe('Sonam')
      engine.clock.freeze(false)
      real += 18_000
      expect(await reopen().get('name')).toBe('Sonam')
      real += 3_000
      expect(await reopen().get('name')).toBeUndefined()
    })

    it('reset: a session saved on an advanced clock keeps its engine-time expiry when the clock is back to real time', async () => {
      set(engine, { SESSION_COOKIE_AGE: 60 })
      engine.clock.advance(86_400)
      await session.set('name', 'Sonam')
      await session.save()
      engine.clock.reset()
      expect(engine.clock.nowMs()).toBe(real)
      expect(await reopen().get('name')).toBe('Sonam')
      engine.clock.advance(86_400 + 61)
      expect(await reopen().get('name')).toBeUndefined()
    })

    // Django quirks: signed_cookies ignores custom expiry (#19201); the file store's load()
    // asks get_expiry_age(expiry=600), which is 600, so it never expires such a file itself.
    const keepsCustomExpiry = signed || variant.engine === 'file'
    it(`advancing the clock ${keepsCustomExpiry ? 'does not expire' : 'expires'} a set_expiry(seconds) session, as Django`, async () => {
      await session.set('name', 'Sonam')
      await session.setExpiry(600)
      await session.save()
      engine.clock.advance(598)
      expect(await reopen().get('name')).toBe('Sonam')
      engine.clock.advance(3)
      expect(await reopen().get('name')).toBe(keepsCustomExpiry ? 'Sonam' : undefined)
    })

    it('clearExpired removes what has expired and keeps the rest', async () => {
      set(engine, { SESSION_COOKIE_AGE: 60 })
      const old = engine.open()
      await old.set('n', 1)
      await old.save()
      engine.clock.advance(61)
      const fresh = engine.open()
      await fresh.set('n', 2)
      await fresh.save()
      const removed = await engine.inspection.clearExpired()
      // Django's cache and signed_cookies clear_expired are no-ops: the cache forgets by itself, the cookie's signature ages.
      expect(removed).toBe(variant.engine === 'cache' || signed ? 0 : 1)
      expect(await engine.open(fresh.sessionKey).get('n')).toBe(2)
      expect(await engine.open(old.sessionKey).get('n')).toBeUndefined()
    })

    it('peek reads without loading, flagging or creating anything', async () => {
      await session.set('name', 'Sonam')
      await session.save()
      const s = reopen()
      const peek = await s.peek()
      expect(peek.data).toEqual({ name: 'Sonam' })
      expect(peek.key).toBe(session.sessionKey)
      expect(s.accessed).toBe(false)
      expect(s.peekData()).toBeUndefined()
      const unknown = engine.open('unknownkey12345')
      const p2 = await unknown.peek()
      expect(p2.data).toEqual({})
      expect(unknown.sessionKey).toBe('unknownkey12345') // untouched: the stale cookie is not deleted
      await unknown.commitPeek()
      expect(unknown.accessed).toBe(true)
      if (!signed) expect(unknown.sessionKey).toBeNull()
    })
  })
}
