// Observe mode's contract, run once per store like Django's session test mixin: a real
// Django 3.2 project keeps its own SessionMiddleware and store, Session Inspector observes
// that store, and everything is checked through Django's own pages over HTTP: a session
// Django saved shows decoded; an edit is what Django's next request sees; advancing the
// clock expires it for Django; resetting gives the time back; deleting logs the user out.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ObserveTarget } from '../../src/main/engine/observe/targets'
import { Inspector } from '../../src/main/inspector'
import type { Settings } from '../../src/shared/settings'
import { CookieClient } from './cookie-client'
import type { DjangoServer } from './django-server'

/** The fixture's SECRET_KEY (fixture_site/settings.py). */
export const APP_SECRET_KEY = 'django-insecure-@^236mkp)-7q(!w(ql)iaseo!f_ax--^a-^*ijo177t^^o72kv'
/** Sessions that last 20 s, with cookies that end with the browser (so the cookie mirror keeps them while the clock runs ahead). */
export const OBSERVED_SETTINGS: Partial<Settings> = { SESSION_COOKIE_AGE: 20, SESSION_EXPIRE_AT_BROWSER_CLOSE: true }

export interface ObservedSetup {
  app: DjangoServer
  observe: ObserveTarget
  /** The SECRET_KEY the inspector is given (default: the app's). */
  secretKey?: string
  fallbackKeys?: string[]
  /** What the store keeps for a key, as a test can see it directly (a row, a cache entry, a file), or null; absent for signed_cookies (no store). */
  stored?(key: string): Promise<unknown>
  cleanup?(): Promise<void>
}

export interface ObservedContext {
  inspector: Inspector
  setup: ObservedSetup
  browser(): CookieClient
}

/**
 * Runs the contract against one store; `more` adds the store's own cases with the same
 * inspector and app. The clock is reset after each case.
 */
export function describeObservedStore(name: string, make: () => Promise<ObservedSetup>, more?: (ctx: () => ObservedContext) => void): void {
  describe(`observe mode: ${name}`, () => {
    let setup: ObservedSetup
    let inspector: Inspector
    const dataDir = mkdtempSync(join(tmpdir(), 'si-observe-store-'))
    const ctx = (): ObservedContext => ({ inspector, setup, browser: () => new CookieClient(inspector.proxyUrl) })

    beforeAll(async () => {
      setup = await make()
      inspector = await Inspector.start({
        dataDir,
        upstream: setup.app.url,
        listen: { host: '127.0.0.1', port: 0 },
        observeDjango: true,
        observe: setup.observe,
        secretKeyFallbacks: setup.fallbackKeys ?? [],
        settings: { SECRET_KEY: setup.secretKey ?? APP_SECRET_KEY, SESSION_COOKIE_AGE: 20, SESSION_EXPIRE_AT_BROWSER_CLOSE: true },
        log: () => undefined
      })
    }, 120_000)
    afterEach(async () => {
      await inspector?.api.resetClock({}).catch(() => undefined)
    })
    afterAll(async () => {
      await inspector?.close()
      await setup?.app.stop()
      await setup?.cleanup?.()
      rmSync(dataDir, { recursive: true, force: true })
    })

    const sessionOf = async (b: CookieClient) => (await b.cookie('sessionid')) as string

    it("reads the app's store and shows a session Django saved, decoded", async () => {
      const status = await inspector.api.getStatus({})
      expect(status.observe).toMatchObject({ engine: setup.observe.engine, state: 'ok' })
      expect(status.observe?.error).toBeUndefined()
      const b = ctx().browser()
      await b.get('/p1/set/')
      const key = await sessionOf(b)
      expect(key).toBeTruthy()
      if (setup.stored) expect(await setup.stored(key)).not.toBeNull()
      const session = await inspector.api.getSession({ key })
      expect(session).toMatchObject({ key, data: { name: 'Sonam', lname: 'rathore' }, engine: setup.observe.engine, expired: false })
      expect(session.decodeError).toBeUndefined()
      const listed = await inspector.api.listSessions({ search: 'Sonam' })
      expect(listed.sessions.map((s) => s.key)).toContain(key)
      // Django saved it SESSION_COOKIE_AGE (20 s) ahead.
      const left = Date.parse(session.expireDate as string) - Date.now()
      expect(left).toBeGreaterThan(15_000)
      expect(left).toBeLessThanOrEqual(21_000)
    })

    it("makes an edit in the inspector what Django's next request sees", async () => {
      const b = ctx().browser()
      await b.get('/p1/set/')
      const edited = await inspector.api.updateSessionData({ key: await sessionOf(b), data: { name: 'Pema', lname: 'Lhamo' } })
      expect(edited.data).toEqual({ name: 'Pema', lname: 'Lhamo' })
      expect((await b.get('/p1/get/')).body).toMatch(/Pema\s+Lhamo/)
      expect((await inspector.api.getSession({ key: await sessionOf(b) })).data).toEqual({ name: 'Pema', lname: 'Lhamo' })
    })

    it('expires the session for Django when the clock is advanced past its age', async () => {
      const b = ctx().browser()
      await b.get('/p1/set/')
      const key = await sessionOf(b)
      await inspector.api.advanceClock({ seconds: 10 })
      expect((await b.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/)
      await inspector.api.advanceClock({ seconds: 15 })
      expect((await inspector.api.getSession({ key }).catch(() => ({ expired: true }))).expired).toBe(true)
      // Another browser with the same cookie: Django itself finds the session expired.
      const other = await ctx().browser().get('/p1/get/', { cookie: `sessionid=${key}` })
      expect(other.body).toMatch(/Guest\s+Guest/)
    })

    it('gives the session its time back when the clock is reset', async () => {
      const b = ctx().browser()
      await b.get('/p1/set/')
      const key = await sessionOf(b)
      await inspector.api.advanceClock({ seconds: 3600 })
      expect((await inspector.api.getSession({ key }).catch(() => ({ expired: true }))).expired).toBe(true)
      await inspector.api.resetClock({})
      expect((await inspector.api.getSession({ key })).expired).toBe(false)
      expect((await b.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/)
    })

    it('logs the user out when the session is deleted in the inspector', async () => {
      const b = ctx().browser()
      await b.login()
      expect((await b.get('/whoami/')).body).toBe('user: sonam')
      const key = await sessionOf(b)
      expect((await inspector.api.getSession({ key })).data).toMatchObject({ _auth_user_id: expect.any(String) })
      await inspector.api.deleteSession({ key })
      if (setup.stored) expect(await setup.stored(key)).toBeNull()
      await expect(inspector.api.getSession({ key })).rejects.toMatchObject({ code: 'not_found' })
      expect((await b.get('/whoami/')).body).toBe('user: anonymous')
    })

    it('refuses to freeze the clock, in one sentence', async () => {
      await expect(inspector.api.freezeClock({ frozen: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/cannot be frozen/) })
    })

    more?.(ctx)
  })
}
