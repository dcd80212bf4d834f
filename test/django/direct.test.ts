// The fixture project under a real runserver, without the proxy: with Django's own
// SessionMiddleware (the reference the proxy is compared with) and with the adapter fed
// hand-built X-Session headers, encoded and decoded by src/shared/wire.ts (the contract
// between the TypeScript proxy and the Python adapter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeWireSession, parseWireUpdate, type WireSession, type WireUpdate } from '../../src/shared/wire'
import type { SessionData } from '../../src/shared/json'
import { CookieClient, type ClientResponse } from './cookie-client'
import { PROGRAM_5_SETTINGS, PROGRAM_5_TIME_ZONE, startDjangoServer, type DjangoServer } from './django-server'

const NO_HEADER = 'no X-Session header: is Session Inspector in front of this app?'

function cookieLine(response: ClientResponse, name: string): string | undefined {
  return response.setCookies.find((line) => line.startsWith(`${name}=`))
}

describe('startDjangoServer', () => {
  it("reports a setting the fixture refuses with Django's message", async () => {
    await expect(startDjangoServer({ middleware: 'django', env: { SESSION_ENGINE: 'nope' } })).rejects.toThrow(
      /runserver exited \(1\):[\s\S]*SESSION_ENGINE='nope': expected db, file, cache, cached_db or signed_cookies/
    )
  })
})

describe("the fixture project with Django's own SessionMiddleware", () => {
  let server: DjangoServer
  beforeAll(async () => {
    server = await startDjangoServer({ middleware: 'django' })
  })
  afterAll(() => server?.stop())

  it('runs program 1: set, get, delete', async () => {
    const browser = new CookieClient(server.url)
    expect((await browser.get('/p1/get/')).body).toMatch(/Guest\s+Guest/)
    const set = await browser.get('/p1/set/')
    expect(set.status).toBe(200)
    const line = cookieLine(set, 'sessionid')!
    expect(line).toMatch(/^sessionid=[a-z0-9]{32}; expires=[^;]+ GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/)
    expect(set.headers.get('vary')).toBe('Cookie')
    expect((await browser.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/)
    await browser.get('/p1/del/')
    expect((await browser.get('/p1/get/')).body).toMatch(/Guest\s+Guest/)
  })

  it('logs in (a new key) and out (the cookie is deleted)', async () => {
    const browser = new CookieClient(server.url)
    await browser.get('/p1/set/')
    const before = await browser.cookie('sessionid')
    const login = await browser.login()
    expect(login.status).toBe(302)
    expect(login.headers.get('location')).toBe('/whoami/')
    const after = await browser.cookie('sessionid')
    expect(after).toMatch(/^[a-z0-9]{32}$/)
    expect(after).not.toBe(before)
    expect((await browser.get('/whoami/')).body).toBe('user: sonam')
    expect((await browser.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/) // cycle_key kept the data
    const logout = await browser.get('/logout/')
    expect(cookieLine(logout, 'sessionid')).toMatch(/^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/; SameSite=Lax$/)
    expect((await browser.get('/whoami/')).body).toBe('user: anonymous')
  })
})

describe("the fixture project with program 5's settings", () => {
  let server: DjangoServer
  beforeAll(async () => {
    server = await startDjangoServer({ middleware: 'django', settings: PROGRAM_5_SETTINGS, timeZone: PROGRAM_5_TIME_ZONE })
  })
  afterAll(() => server?.stop())

  it("sets a cookie named sessionname on /home, Secure, whose set_expiry(600) beats browser close", async () => {
    const browser = new CookieClient(server.url)
    const set = await browser.get('/home/set/')
    expect(cookieLine(set, 'sessionname')).toMatch(
      /^sessionname=[a-z0-9]{32}; expires=[^;]+ GMT; HttpOnly; Max-Age=600; Path=\/home; SameSite=Lax; Secure$/
    )
    expect(await browser.cookie('sessionname', '/p1/')).toBeUndefined()
    const get = await browser.get('/home/get/')
    expect(get.body).toMatch(/Sonam <br>\s+400 seconds <br>\s+600 seconds <br>/)
  })
})

describe('the adapter under runserver, with hand-built X-Session headers', () => {
  let server: DjangoServer
  beforeAll(async () => {
    server = await startDjangoServer({ middleware: 'inspector' })
  })
  afterAll(() => server?.stop())

  const KEY = 'k3y0123456789abcdefghijklmnopqrs'
  function xSession(data: SessionData, extra: Partial<WireSession> = {}): Record<string, string> {
    const session: WireSession = {
      v: 1,
      key: Object.keys(data).length ? KEY : null,
      data,
      expiryAge: 20,
      expiryDate: '2041-03-01T12:00:20.000Z',
      expireAtBrowserClose: false,
      cookieAge: 20,
      expireAtBrowserCloseSetting: false,
      now: '2041-03-01T12:00:00.000Z',
      ...extra
    }
    return { 'x-session': encodeWireSession(session) }
  }
  function update(response: ClientResponse): WireUpdate | undefined {
    const header = response.headers.get('x-session-update')
    if (header === null) return undefined
    const parsed = parseWireUpdate(header)
    if (!parsed.ok) throw new Error(`the proxy would refuse this X-Session-Update: ${parsed.error}`)
    return parsed.value
  }

  it('fails loudly without the proxy', async () => {
    const response = await new CookieClient(server.url).get('/p1/get/')
    expect(response.status).toBe(500)
    expect(server.output()).toContain(NO_HEADER)
  })

  it('refuses a malformed header with a 400', async () => {
    const response = await new CookieClient(server.url).get('/p1/get/', { 'x-session': 'eyJ2IjoyfQ' }) // {"v":2}
    expect(response.status).toBe(400)
    expect(server.output()).toContain('X-Session is not protocol v1')
  })

  it("answers time questions from the header's now and settings, and sets no cookie", async () => {
    const browser = new CookieClient(server.url)
    const response = await browser.get('/p3/get/', xSession({ name: 'Sönam 🎉', _session_expiry: '2041-03-01T12:10:00+00:00' }))
    expect(response.status).toBe(200)
    expect(response.body).toMatch(/Sönam 🎉 <br>\s+20 seconds <br>\s+600 seconds <br>\s+March 1, 2041, 12:10 p\.m\. <br>/)
    expect(response.setCookies).toEqual([])
    expect(response.headers.get('vary')).toBe('Cookie')
    expect(update(response)).toEqual({ accessed: true })
  })

  it('sends updates the proxy accepts: set, untouched, flush + clear_expired', async () => {
    const browser = new CookieClient(server.url)
    expect(update(await browser.get('/p3/set/', xSession({})))).toEqual({
      accessed: true,
      data: { name: 'Sonam', _session_expiry: 600 },
      modified: true
    })
    const untouched = await browser.get('/p1/nonexistent/', xSession({ name: 'Sonam' }))
    expect(untouched.status).toBe(404)
    expect(update(untouched)).toBeUndefined()
    expect(update(await browser.get('/p3/del/', xSession({ name: 'Sonam' })))).toEqual({
      accessed: true,
      flush: true,
      modified: true,
      clearExpired: true
    })
  })

  it("runs django.contrib.auth's login (cycleKey) and logout (flush)", async () => {
    const browser = new CookieClient(server.url)
    const login = await browser.login(undefined, { get: xSession({}), post: xSession({}) })
    expect(login.status).toBe(302)
    const loggedIn = update(login)!
    expect(loggedIn.cycleKey).toBe(true)
    expect(loggedIn.data?._auth_user_id).toMatch(/^\d+$/)
    expect(cookieLine(login, 'sessionid')).toBeUndefined()

    const whoami = await browser.get('/whoami/', xSession(loggedIn.data!))
    expect(whoami.body).toBe('user: sonam')
    const logout = await browser.get('/logout/', xSession(loggedIn.data!))
    expect(logout.body).toBe('Logged out')
    expect(update(logout)).toEqual({ accessed: true, flush: true, modified: true })
  })
})
