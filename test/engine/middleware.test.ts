// The middleware's response step: the pure decision table, Django's exact Set-Cookie text,
// and processResponse against real stores (laziness, stale cookies, concurrent deletes).
import { afterEach, describe, expect, inject, it } from 'vitest'
import { decideResponse, formatSetCookie, patchVary, processResponse, sessionDeleteCookie, sessionSetCookie, SessionInterrupted } from '../../src/main/engine'
import { explainDecision } from '../../src/shared/decision'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings'
import type { Engine } from '../../src/main/engine'
import { makeEngine, set, VARIANTS, type TestEngine } from './helpers'

const settings: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'x'.repeat(40) }
const now = new Date('2026-11-22T10:00:00Z')
const state = (accessed: boolean, modified: boolean, empty: boolean) => ({ accessed, modified, empty })
const expiry = { expireAtBrowserClose: false, expiryAge: 1209600, customExpiry: null }

describe('decideResponse (pure)', () => {
  it('a cookie sent with an empty session is deleted, with Vary', () => {
    const plan = decideResponse({ cookieSent: true, state: state(true, true, true), settings, status: 200, now })
    expect(plan).toMatchObject({ reason: 'deleted-empty', cookie: 'delete', vary: true, save: false })
  })

  it('untouched: nothing; read: only Vary', () => {
    expect(decideResponse({ cookieSent: true, state: state(false, false, false), settings, status: 200, now })).toMatchObject({ reason: 'untouched', vary: false, cookie: null })
    expect(decideResponse({ cookieSent: true, state: state(true, false, false), settings, status: 200, now })).toMatchObject({ reason: 'read', vary: true, cookie: null })
  })

  it('asks for the expiry facts only when it is going to save', () => {
    expect(decideResponse({ cookieSent: false, state: state(true, true, false), settings, status: 200, now })).toEqual({ needsExpiry: true })
    const plan = decideResponse({ cookieSent: false, state: state(true, true, false), settings, status: 200, now, expiry })
    expect(plan).toMatchObject({ reason: 'modified', save: true, cookie: 'set', maxAge: 1209600, lifetime: 'SESSION_COOKIE_AGE' })
    if (!plan.needsExpiry) expect(plan.expires!.toISOString()).toBe('2026-12-06T10:00:00.000Z')
  })

  it('SESSION_SAVE_EVERY_REQUEST saves an unmodified, non-empty session; never an empty one', () => {
    const every = { ...settings, SESSION_SAVE_EVERY_REQUEST: true }
    expect(decideResponse({ cookieSent: true, state: state(false, false, false), settings: every, status: 200, now, expiry })).toMatchObject({ reason: 'saved-every-request', save: true })
    expect(decideResponse({ cookieSent: false, state: state(false, false, true), settings: every, status: 200, now, expiry })).toMatchObject({ reason: 'untouched', save: false })
  })

  it('a 5xx response is not saved (Django 4.2 and 5.2; 3.2 skipped only 500)', () => {
    for (const status of [500, 502, 503]) {
      const plan = decideResponse({ cookieSent: false, state: state(true, true, false), settings, status, now, expiry })
      expect(plan).toMatchObject({ reason: 'server-error', save: false, cookie: null })
    }
    expect(decideResponse({ cookieSent: false, state: state(true, true, false), settings, status: 499, now, expiry })).toMatchObject({ save: true })
  })

  it('browser-close sessions get no Max-Age and no expires, and say why', () => {
    const a = decideResponse({ cookieSent: false, state: state(true, true, false), settings, status: 200, now, expiry: { expireAtBrowserClose: true, expiryAge: 1209600, customExpiry: 0 } })
    expect(a).toMatchObject({ maxAge: null, expires: null, lifetime: 'browser-close:set_expiry(0)' })
    const b = decideResponse({ cookieSent: false, state: state(true, true, false), settings, status: 200, now, expiry: { expireAtBrowserClose: true, expiryAge: 1209600, customExpiry: null } })
    expect(b).toMatchObject({ lifetime: 'browser-close:SESSION_EXPIRE_AT_BROWSER_CLOSE' })
  })

  it('a modified but empty session with no cookie sends nothing', () => {
    expect(decideResponse({ cookieSent: false, state: state(true, true, true), settings, status: 200, now })).toMatchObject({ reason: 'empty', cookie: null })
  })
})

describe("Django's Set-Cookie text", () => {
  it('orders attributes as SimpleCookie does', () => {
    expect(sessionSetCookie(settings, 'abc', 1209600, new Date(now.getTime() + 1209600_000))).toBe(
      'sessionid=abc; expires=Sun, 06 Dec 2026 10:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax'
    )
    const five = { ...settings, SESSION_COOKIE_NAME: 'sessionname', SESSION_COOKIE_PATH: '/home', SESSION_COOKIE_SECURE: true, SESSION_COOKIE_DOMAIN: 'example.com' }
    expect(sessionSetCookie(five, 'abc', null, null)).toBe('sessionname=abc; Domain=example.com; HttpOnly; Path=/home; SameSite=Lax; Secure')
  })

  it('deletes with an empty quoted value, epoch expires and Max-Age=0; Secure only for SameSite=None or __Secure-/__Host- names', () => {
    expect(sessionDeleteCookie(settings)).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')
    expect(sessionDeleteCookie({ ...settings, SESSION_COOKIE_SECURE: true })).not.toContain('Secure')
    expect(sessionDeleteCookie({ ...settings, SESSION_COOKIE_SAMESITE: 'None' })).toMatch(/; SameSite=None; Secure$/)
    expect(sessionDeleteCookie({ ...settings, SESSION_COOKIE_NAME: '__Host-sid', SESSION_COOKIE_SAMESITE: null })).toMatch(/; Path=\/; Secure$/)
  })

  it('quotes values that are not cookie tokens, and adds Cookie to Vary once', () => {
    expect(formatSetCookie('a', 'x y', { maxAge: null, expires: null, domain: null, path: '/', secure: false, httpOnly: false, sameSite: null })).toBe('a="x y"; Path=/')
    expect(patchVary(undefined)).toBe('Cookie')
    expect(patchVary('Accept-Encoding')).toBe('Accept-Encoding, Cookie')
    expect(patchVary('accept-encoding, cookie')).toBe('accept-encoding, cookie')
  })
})

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

for (const variant of VARIANTS) {
  const signed = variant.engine === 'signed_cookies'
  describe(`processResponse against a real store: ${variant.name}`, () => {
    let t: TestEngine | undefined
    afterEach(async () => {
      await t?.close()
      t = undefined
    })
    const start = async () => (t = await makeEngine(variant, inject('redisUrl')))
    const saved = async (engine: Engine, data: Record<string, string | number>) => {
      const s = engine.open()
      await s.update(data)
      await s.save()
      return s.sessionKey!
    }

    it('a new session: saved, created, Max-Age from SESSION_COOKIE_AGE', async () => {
      const { engine } = await start()
      const s = engine.open()
      await s.set('name', 'Sonam')
      const d = await processResponse(s, engine.settings(), { cookieValue: undefined, status: 200 })
      expect(d).toMatchObject({ reason: 'created', saved: true, cookie: 'set', maxAge: 1209600, keyBefore: null, keyAfter: s.sessionKey })
      expect(d.setCookie).toMatch(new RegExp(`^sessionid=${escape(s.sessionKey!)}; expires=.*; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax$`))
      expect(explainDecision(d)).toBe('Set-Cookie sent: a new session was created; Max-Age=1209600 from SESSION_COOKIE_AGE')
      expect(await engine.open(d.keyAfter).get('name')).toBe('Sonam')
    })

    it('set_expiry(600) on an existing session: modified (not created), Max-Age=600 because set_expiry(600)', async () => {
      const { engine } = await start()
      const key = await saved(engine, { name: 'Sonam' })
      const again = engine.open(key)
      await again.setExpiry(600)
      const d = await processResponse(again, engine.settings(), { cookieValue: key, status: 200 })
      expect(d).toMatchObject({ reason: 'modified', saved: true, maxAge: 600 })
      expect(explainDecision(d)).toBe('Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)')
      if (!signed) expect(d.keyAfter).toBe(key)
    })

    it('SESSION_SAVE_EVERY_REQUEST saves a live session on an untouched request, under the same session', async () => {
      const { engine } = await start()
      set(engine, { SESSION_SAVE_EVERY_REQUEST: true })
      const key = await saved(engine, { name: 'Sonam' })
      const d = await processResponse(engine.open(key), engine.settings(), { cookieValue: key, status: 200 })
      // accessed is read before the save loads the session: no Vary for that, but Django 5.2
      // varies whenever it sets the cookie (3.2 and 4.2 did not: test/engine/django-versions.test.ts)
      expect(d).toMatchObject({ reason: 'saved-every-request', saved: true, cookie: 'set', vary: true })
      set(engine, { DJANGO_VERSION: '3.2' })
      const d32 = await processResponse(engine.open(key), engine.settings(), { cookieValue: key, status: 200 })
      expect(d32).toMatchObject({ reason: 'saved-every-request', saved: true, cookie: 'set', vary: false })
      expect(await engine.open(d.keyAfter).get('name')).toBe('Sonam')
    })

    it('a stale cookie on an untouched request is left alone (the session was never loaded)', async () => {
      const { engine } = await start()
      const s = engine.open('stalekey12345678')
      const d = await processResponse(s, engine.settings(), { cookieValue: 'stalekey12345678', status: 200 })
      expect(d).toMatchObject({ reason: 'untouched', cookie: null, vary: false, saved: false })
    })

    it('a cookie shorter than 8 characters is no key: deleted even on an untouched request, as Django', async () => {
      const { engine } = await start()
      const d = await processResponse(engine.open('short'), engine.settings(), { cookieValue: 'short', status: 200 })
      expect(d).toMatchObject({ reason: 'deleted-empty', cookie: 'delete', vary: true, saved: false })
    })

    it(
      signed
        ? 'a bad cookie on a request that read the session is answered with a fresh signed {} (kept as its key, not deleted)'
        : 'a stale cookie on a request that read the session is deleted',
      async () => {
        const { engine } = await start()
        const s = engine.open('stalekey12345678')
        expect(await s.get('name')).toBeUndefined()
        const d = await processResponse(s, engine.settings(), { cookieValue: 'stalekey12345678', status: 200 })
        if (!signed) expect(d).toMatchObject({ reason: 'deleted-empty', cookie: 'delete', vary: true })
        else {
          expect(d).toMatchObject({ reason: 'created', cookie: 'set', saved: true, vary: true })
          expect(await engine.open(d.keyAfter).items()).toEqual([])
        }
      }
    )

    it('with SESSION_SAVE_EVERY_REQUEST a stale cookie on an untouched request yields a new empty session, as Django', async () => {
      const { engine } = await start()
      set(engine, { SESSION_SAVE_EVERY_REQUEST: true })
      const s = engine.open('stalekey12345678')
      const d = await processResponse(s, engine.settings(), { cookieValue: 'stalekey12345678', status: 200 })
      expect(d).toMatchObject({ reason: 'created', saved: true, cookie: 'set' })
      expect(d.keyAfter).not.toBe('stalekey12345678')
      expect(await engine.open(d.keyAfter).items()).toEqual([])
    })

    it('flush on a request with a cookie deletes it', async () => {
      const { engine } = await start()
      const key = await saved(engine, { name: 'Sonam' })
      const s = engine.open(key)
      await s.flush()
      const d = await processResponse(s, engine.settings(), { cookieValue: key, status: 200 })
      expect(d).toMatchObject({ reason: 'deleted-empty', cookie: 'delete', keyAfter: null })
      if (!signed) expect(await engine.find(key)).toBeNull()
    })

    it.skipIf(signed)('a session deleted by a concurrent request raises SessionInterrupted instead of resurrecting it', async () => {
      const { engine } = await start()
      const key = await saved(engine, { a: 1 })
      const mine = engine.open(key)
      await mine.set('a', 2)
      await engine.open(key).delete()
      await expect(processResponse(mine, engine.settings(), { cookieValue: key, status: 200 })).rejects.toBeInstanceOf(SessionInterrupted)
      expect(await engine.find(key)).toBeNull()
    })

    it('a 5xx does not save', async () => {
      const { engine } = await start()
      const s = engine.open()
      await s.set('a', 1)
      const d = await processResponse(s, engine.settings(), { cookieValue: undefined, status: 500 })
      expect(d).toMatchObject({ reason: 'server-error', saved: false, setCookie: null })
      expect(explainDecision(d)).toBe('No Set-Cookie: the response was a 500, so the session was not saved')
      if (!signed) expect(await engine.list()).toEqual([])
    })

    if (variant.engine === 'file' || signed) {
      it(`an expired session that is read: ${signed ? 'a fresh signed {} cookie' : 'a new key at once, for an empty session (Django quirk)'}`, async () => {
        const { engine } = await start()
        set(engine, { SESSION_COOKIE_AGE: 20 })
        const key = await saved(engine, { name: 'Sonam' })
        engine.clock.advance(30)
        const s = engine.open(key)
        expect(await s.items()).toEqual([])
        const d = await processResponse(s, engine.settings(), { cookieValue: key, status: 200 })
        expect(d).toMatchObject({ reason: 'created', saved: true, cookie: 'set', maxAge: 20 })
        expect(d.keyAfter).not.toBe(key)
        expect(await engine.open(d.keyAfter).items()).toEqual([])
      })
    }
  })
}
