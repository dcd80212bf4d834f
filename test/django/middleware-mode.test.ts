// The fixture project with the drop-in middleware behind the real proxy: the session lives
// in Session Inspector's store on its clock, so a live SESSION_COOKIE_AGE change and a
// clock advance expire the seeds' page session, django.contrib.auth's login and logout
// rotate and flush it in the store, and a 5xx is not saved (current Django's rule).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import { ApiError } from '../../src/shared/errors'
import { CookieClient } from './cookie-client'
import { PAGE_SESSION_SETTINGS, startDjangoServer, type DjangoServer } from './django-server'

const EXPIRED = 'Your session has Expired...'

describe('the drop-in middleware behind the proxy', () => {
  let app: DjangoServer
  let inspector: Inspector
  const dataDir = mkdtempSync(join(tmpdir(), 'si-django-mw-'))

  beforeAll(async () => {
    app = await startDjangoServer({ middleware: 'inspector' })
    inspector = await Inspector.start({
      dataDir,
      upstream: app.url,
      listen: { host: '127.0.0.1', port: 0 },
      settings: { ...PAGE_SESSION_SETTINGS },
      log: () => undefined
    })
  })
  afterEach(async () => {
    await inspector.api.resetClock({})
    await inspector.api.updateSettings({ settings: { ...PAGE_SESSION_SETTINGS } })
  })
  afterAll(async () => {
    await inspector?.close()
    await app?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const browser = () => new CookieClient(inspector.proxyUrl)

  it('keeps the page session alive while it is visited within SESSION_COOKIE_AGE, and expires it after', async () => {
    const b = browser()
    await b.get('/page/set/')
    const key = (await b.cookie('sessionid'))!
    expect((await inspector.api.getSession({ key })).data).toEqual({ name: 'Sonam' })
    for (let i = 0; i < 3; i++) {
      await inspector.api.advanceClock({ seconds: 15 })
      const page = await b.get('/page/get/')
      expect(page.body).toContain('Sonam')
      expect(page.setCookies.find((l) => l.startsWith('sessionid='))).toMatch(/Max-Age=20;/)
    }
    await inspector.api.advanceClock({ seconds: 21 })
    expect((await inspector.api.getSession({ key })).expired).toBe(true)
    expect((await b.get('/page/get/')).body).toBe(EXPIRED)
  })

  it('expires a session held past its age even when the browser still sends the cookie', async () => {
    const b = browser()
    await b.get('/page/set/')
    const key = (await b.cookie('sessionid'))!
    await inspector.api.advanceClock({ seconds: 21 })
    // The proxy's cookie mirror drops the expired cookie; send it by hand to reach the store.
    const page = await b.get('/page/get/', { cookie: `sessionid=${key}` })
    expect(page.body).toBe(EXPIRED)
  })

  it('applies a live SESSION_COOKIE_AGE change to the next save', async () => {
    const b = browser()
    await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 5 } })
    const set = await b.get('/page/set/')
    expect(set.setCookies.find((l) => l.startsWith('sessionid='))).toMatch(/Max-Age=5;/)
    await inspector.api.advanceClock({ seconds: 4 })
    expect((await b.get('/page/get/')).body).toContain('Sonam')
    await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 60 } })
    // Saved with age 5 four seconds ago: the new age counts only from the next save.
    await inspector.api.advanceClock({ seconds: 6 })
    expect((await b.get('/page/get/')).body).toBe(EXPIRED)
    await b.get('/page/set/')
    await inspector.api.advanceClock({ seconds: 30 })
    expect((await b.get('/page/get/')).body).toContain('Sonam')
  })

  it("rotates the key at login and flushes the session at logout, in the proxy's store", async () => {
    const b = browser()
    await b.get('/p1/set/')
    const before = (await b.cookie('sessionid'))!
    const login = await b.login()
    expect(login.status).toBe(302)
    const after = (await b.cookie('sessionid'))!
    expect(after).not.toBe(before)
    await expect(inspector.api.getSession({ key: before })).rejects.toMatchObject({ code: 'not_found' })
    const loggedIn = await inspector.api.getSession({ key: after })
    expect(loggedIn.data).toMatchObject({ name: 'Sonam', lname: 'rathore', _auth_user_id: expect.stringMatching(/^\d+$/) })
    expect((await b.get('/whoami/')).body).toBe('user: sonam')

    const logout = await b.get('/logout/')
    expect(logout.setCookies.find((l) => l.startsWith('sessionid='))).toMatch(/^sessionid=""; expires=Thu, 01 Jan 1970/)
    const error = await inspector.api.getSession({ key: after }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('not_found')
    expect((await b.get('/whoami/')).body).toBe('user: anonymous')
    const traffic = (await inspector.api.listTraffic({ limit: 20 })).entries
    expect(traffic.find((e) => e.url === '/login/' && e.status === 302)?.effect).toBe('cycled')
    expect(traffic.find((e) => e.url === '/logout/')?.effect).toBe('flushed')
  })

  it("saves on a 503 as the app's Django 3.2 does (it skipped only 500); as 4.2 or 5.2, it does not", async () => {
    const b = browser()
    // The app is Django 3.2, and its middleware said so: the proxy follows it.
    expect((await inspector.api.getStatus({})).django).toMatchObject({ version: '3.2', source: 'settings.py' })
    const saved = await b.get('/cart/add/?status=503')
    expect(saved.status).toBe(503)
    expect(saved.setCookies.filter((l) => l.startsWith('sessionid='))).toHaveLength(1)
    expect((await b.get('/cart/')).body).toBe('cart: item 1')
    // Chosen in the UI, 5.2 stays (the app's next reports do not take it back).
    await inspector.api.updateSettings({ settings: { DJANGO_VERSION: '5.2' } })
    const other = browser()
    const failed = await other.get('/cart/add/?status=503')
    expect(failed.status).toBe(503)
    expect(failed.setCookies.filter((l) => l.startsWith('sessionid='))).toEqual([])
    const entry = (await inspector.api.listTraffic({ limit: 1 })).entries[0]!
    expect(entry.reasonCode).toBe('server-error')
    expect((await other.get('/cart/')).body).toBe('cart: ')
    expect((await inspector.api.getStatus({})).django).toMatchObject({ version: '5.2', source: 'ui' })
    await inspector.api.updateSettings({ settings: { DJANGO_VERSION: '3.2' } })
  })
})
