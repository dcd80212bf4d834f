// The API contract suite (STYLE.md): every method of src/shared/api.ts with real effects seen
// through the proxy, run once per transport: describeApi('direct', direct), describeApi('over
// HTTP', overHttp). Both runs make the same assertions, errors included (ApiError codes).
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { VERSION } from '../../src/main/inspector'
import { API_METHODS } from '../../src/shared/api'
import { DEFAULT_SETTINGS, maskSecret, SETTING_NAMES, SETTINGS_INFO } from '../../src/shared/settings'
import { describeSessions } from './contract-sessions'
import { describeTraffic } from './contract-traffic'
import { describeUsers } from './contract-users'
import { apiError, BASE_SETTINGS, Browser, nameOnPage, type ApiFixture, type MakeApi } from './support'

export type GetFixture = () => ApiFixture

/** The state every test starts from: real time, Django's defaults plus BASE_SETTINGS, no sessions. */
async function baseline(f: ApiFixture): Promise<void> {
  await f.api.resetClock({})
  await f.api.resetSettings({})
  await f.api.updateSettings({ settings: BASE_SETTINGS })
  const { sessions } = await f.api.listSessions({})
  for (const s of sessions) await f.api.deleteSession({ key: s.key })
}

/** A Set-Cookie line without its value and its expires date (which depends on the moment). */
const cookieShape = (line: string) =>
  line
    .replace(/^([^=]+)=[^;]*/, '$1=…')
    .replace(/;\s*expires=[^;]*/i, '')
    .trim()

export function describeApi(name: string, makeApi: MakeApi): void {
  describe(`API contract (${name})`, () => {
    let fixture: ApiFixture | null = null
    const called = new Set<string>()
    beforeAll(async () => {
      const made = await makeApi()
      // Every call is noted, so the last test can check that no method went untested.
      const api = new Proxy(made.api, {
        get(target, name, receiver) {
          if (typeof name === 'string') called.add(name)
          return Reflect.get(target, name, receiver) as unknown
        }
      })
      fixture = { ...made, api }
    })
    afterAll(async () => {
      await fixture?.close()
    })
    const get: GetFixture = () => {
      if (!fixture) throw new Error('the fixture did not start')
      return fixture
    }
    beforeEach(() => baseline(get()))

    describeStatusAndSettings(get)
    describeClock(get)
    describeSessions(get)
    describeTraffic(get)
    describeUsers(get)

    it('exercised every method of the Api', () => {
      expect(API_METHODS.filter((m) => !called.has(m))).toEqual([])
    })
  })
}

function describeStatusAndSettings(get: GetFixture): void {
  describe('health and status', () => {
    it('health answers ok with the version', async () => {
      expect(await get().api.health({})).toEqual({ ok: true, version: VERSION })
    })

    it('getStatus names the proxy, the control address and the demo upstream, which is up once used', async () => {
      const { api, proxyUrl, controlUrl } = get()
      await new Browser(proxyUrl).get('/p1/get/')
      const status = await api.getStatus({})
      expect(status).toMatchObject({ version: VERSION, proxyUrl, controlUrl, upstream: 'demo', mode: 'middleware', settingsOwnedByApp: false, upstreamState: 'up' })
      expect(status.demoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(status.databasePath).toBe(join(status.dataDir, 'sessions.sqlite3'))
      expect(status.upstreamError).toBeUndefined()
    })
  })

  describe('settings', () => {
    it('getSettings has every setting under its Django name, SECRET_KEY masked', async () => {
      const { api } = get()
      const settings = await api.getSettings({})
      expect(Object.keys(settings).sort()).toEqual([...SETTING_NAMES].sort())
      expect(settings).toMatchObject({ ...DEFAULT_SETTINGS, ...BASE_SETTINGS })
      const { secretKey } = await api.revealSecretKey({})
      expect(secretKey.length).toBeGreaterThanOrEqual(50)
      expect(settings.SECRET_KEY).toBe(maskSecret(secretKey))
      expect(settings.SECRET_KEY).not.toContain(secretKey.slice(0, 8))
    })

    it('updateSettings applies valid values, and the proxy uses them at once', async () => {
      const { api, proxyUrl } = get()
      const rec = await get().record()
      try {
        const settings = await api.updateSettings({ settings: { SESSION_COOKIE_NAME: 'sid', SESSION_COOKIE_AGE: 300 } })
        expect(settings).toMatchObject({ SESSION_COOKIE_NAME: 'sid', SESSION_COOKIE_AGE: 300 })
        expect(await api.getSettings({})).toEqual(settings)
        expect((await rec.waitFor('settings', (s) => s.SESSION_COOKIE_NAME === 'sid')).SESSION_COOKIE_AGE).toBe(300)
      } finally {
        rec.close()
      }
      const b = new Browser(proxyUrl)
      const page = await b.get('/p1/set/')
      expect(page.setCookies.find((c) => c.startsWith('sid='))).toContain('Max-Age=300')
      expect(b.cookies.has('sessionid')).toBe(false)
    })

    it('a bad value is refused with invalid_setting naming the setting and the allowed values; nothing is applied', async () => {
      const { api, proxyUrl } = get()
      const before = await api.getSettings({})
      const e = await apiError(api.updateSettings({ settings: { SESSION_COOKIE_NAME: 'sid', SESSION_COOKIE_AGE: -1 } }), 'invalid_setting')
      expect(e.message).toContain('SESSION_COOKIE_AGE')
      expect(e.message).toContain(SETTINGS_INFO.SESSION_COOKIE_AGE.allowed)
      expect(e.errors?.map((x) => x.setting)).toEqual(['SESSION_COOKIE_AGE'])
      expect(await api.getSettings({})).toEqual(before)
      // The valid half of the patch was not applied either: the proxy still names the cookie sessionid.
      const b = new Browser(proxyUrl)
      await b.get('/p1/set/')
      expect(b.sessionKey('sessionid')).toMatch(/^[a-z0-9]{32}$/)

      const engine = await apiError(api.updateSettings({ settings: { SESSION_ENGINE: 'redis' } }), 'invalid_setting')
      expect(engine.message).toContain('SESSION_ENGINE')
      expect(engine.message).toContain('signed_cookies')
      const unknown = await apiError(api.updateSettings({ settings: { SESSION_COOKIE_AGES: 5 } }), 'invalid_setting')
      expect(unknown.errors?.[0]?.setting).toBe('SESSION_COOKIE_AGES')
    })

    it('a dotted engine name is accepted and stored as the short name', async () => {
      const { api, proxyUrl } = get()
      const settings = await api.updateSettings({ settings: { SESSION_ENGINE: 'django.contrib.sessions.backends.cached_db' } })
      expect(settings.SESSION_ENGINE).toBe('cached_db')
      const b = new Browser(proxyUrl)
      await b.get('/p1/set/')
      const session = await api.getSession({ key: b.sessionKey() })
      expect(session.engine).toBe('cached_db')
      expect(session.data).toEqual({ name: 'Sonam', lname: 'rathore' })
    })

    it('sending back the masked SECRET_KEY (a GET-then-PATCH round trip) changes nothing', async () => {
      const { api, proxyUrl } = get()
      const { secretKey } = await api.revealSecretKey({})
      const b = new Browser(proxyUrl)
      await b.get('/p1/set/')
      const rec = await get().record()
      try {
        const all = await api.getSettings({})
        expect(await api.updateSettings({ settings: { ...all } })).toEqual(all)
        expect((await api.revealSecretKey({})).secretKey).toBe(secretKey)
        // The round trip announced nothing: the first settings event is the next real change.
        await api.updateSettings({ settings: { SESSION_SAVE_EVERY_REQUEST: true } })
        expect((await rec.waitFor('settings')).SESSION_SAVE_EVERY_REQUEST).toBe(true)
      } finally {
        rec.close()
      }
      expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Sonam rathore')
    })

    it("resetSettings restores Django's defaults and keeps SECRET_KEY", async () => {
      const { api, proxyUrl } = get()
      const { secretKey } = await api.revealSecretKey({})
      await api.updateSettings({ settings: { SESSION_COOKIE_NAME: 'sid', SESSION_EXPIRE_AT_BROWSER_CLOSE: true, SESSION_COOKIE_SAMESITE: null } })
      const settings = await api.resetSettings({})
      expect(settings).toEqual({ ...DEFAULT_SETTINGS, SECRET_KEY: maskSecret(secretKey) })
      expect((await api.revealSecretKey({})).secretKey).toBe(secretKey)
      const page = await new Browser(proxyUrl).get('/p1/set/')
      expect(page.setCookies.find((c) => c.startsWith('sessionid='))).toContain(`Max-Age=${DEFAULT_SETTINGS.SESSION_COOKIE_AGE}`)
    })

    it('regenerateSecretKey makes a new key: sessions signed with the old one no longer decode', async () => {
      const { api, proxyUrl } = get()
      const b = new Browser(proxyUrl)
      await b.get('/p1/set/')
      const key = b.sessionKey()
      const old = (await api.revealSecretKey({})).secretKey
      const settings = await api.regenerateSecretKey({})
      const fresh = (await api.revealSecretKey({})).secretKey
      expect(fresh).not.toBe(old)
      expect(settings.SECRET_KEY).toBe(maskSecret(fresh))
      const session = await api.getSession({ key })
      expect(session.data).toEqual({})
      expect(session.decodeError).toMatch(/SECRET_KEY/)
      expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Guest Guest')
    })

    it('previewCookie shows the Set-Cookie the proxy really sends, and follows the settings', async () => {
      const { api, proxyUrl } = get()
      let preview = await api.previewCookie({})
      expect(preview.setCookie).toMatch(/^sessionid=/)
      expect(preview.setCookie).toContain('Max-Age=20')
      expect(preview.deleteCookie).toMatch(/^sessionid=.*Max-Age=0/)
      const first = await new Browser(proxyUrl).get('/p1/set/')
      expect(cookieShape(first.setCookies.find((c) => c.startsWith('sessionid=')) ?? '')).toBe(cookieShape(preview.setCookie))

      await api.updateSettings({ settings: { SESSION_COOKIE_NAME: 'sid', SESSION_EXPIRE_AT_BROWSER_CLOSE: true, SESSION_COOKIE_SAMESITE: 'Strict' } })
      preview = await api.previewCookie({})
      expect(preview.setCookie).toMatch(/^sid=/)
      expect(preview.setCookie).not.toContain('Max-Age')
      expect(preview.setCookie).toContain('SameSite=Strict')
      expect(preview.deleteCookie).toMatch(/^sid=/)
      expect(preview.notes.join(' ')).toMatch(/browser closes/)
      const second = await new Browser(proxyUrl).get('/p1/set/')
      expect(cookieShape(second.setCookies.find((c) => c.startsWith('sid=')) ?? '')).toBe(cookieShape(preview.setCookie))
    })
  })
}

function describeClock(get: GetFixture): void {
  describe('clock', () => {
    it('getClock reads real time when nothing was changed', async () => {
      const clock = await get().api.getClock({})
      expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(5000)
      expect(clock.offsetSeconds).toBe(0)
      expect(clock.frozen).toBe(false)
    })

    it('advanceClock moves engine time forward (fractions allowed) and emits a clock event', async () => {
      const { api } = get()
      const rec = await get().record()
      try {
        const clock = await api.advanceClock({ seconds: 90.5 })
        expect(clock.offsetSeconds).toBeCloseTo(90.5, 3)
        expect(Date.parse(clock.now) - Date.parse(clock.realNow)).toBe(90_500)
        expect((await rec.waitFor('clock', (c) => c.offsetSeconds > 90)).frozen).toBe(false)
      } finally {
        rec.close()
      }
      expect((await api.advanceClock({ seconds: 9.5 })).offsetSeconds).toBeCloseTo(100, 3)
      await apiError(api.advanceClock({ seconds: -1 }), 'bad_request')
      expect((await api.getClock({})).offsetSeconds).toBeCloseTo(100, 3)
    })

    it('setClock jumps, freezeClock holds engine time still, and the proxy stamps sessions with it', async () => {
      const { api, proxyUrl } = get()
      expect((await api.freezeClock({ frozen: true })).frozen).toBe(true)
      const clock = await api.setClock({ now: '2031-02-03T04:05:06Z' })
      expect(clock).toMatchObject({ now: '2031-02-03T04:05:06.000Z', frozen: true })
      await new Promise((r) => setTimeout(r, 20))
      expect((await api.getClock({})).now).toBe('2031-02-03T04:05:06.000Z')
      const b = new Browser(proxyUrl)
      await b.get('/p1/set/')
      const session = await api.getSession({ key: b.sessionKey() })
      expect(session.savedAt).toBe('2031-02-03T04:05:06.000Z')
      expect(session.expireDate).toBe('2031-02-03T04:05:26.000Z')
      await apiError(api.setClock({ now: 'tomorrow' }), 'bad_request')

      const running = await api.freezeClock({ frozen: false })
      expect(running.frozen).toBe(false)
      expect(Date.parse(running.now)).toBeGreaterThanOrEqual(Date.parse('2031-02-03T04:05:06Z'))
      const reset = await api.resetClock({})
      expect(reset).toMatchObject({ offsetSeconds: 0, frozen: false })
    })
  })
}
