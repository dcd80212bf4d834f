// Browser simulation (docs/browser.md) with a real cookie jar: clients, the cookie mirror on the
// engine's clock, simulated browser close, and fast-forward consistency.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { withSession } from '../../src/adapters'
import { Inspector } from '../../src/main/inspector'
import { CookieClient } from '../django/cookie-client'

/** An app on the Node adapter: a login, a whoami, and cookies of its own. */
function startApp(): Promise<{ server: Server; url: string }> {
  const handler = withSession((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const s = req.session
    res.setHeader('content-type', 'application/json')
    if (path === '/login') {
      s.set('user', 'sonam')
      return res.end('{"ok":true}')
    }
    if (path === '/login-until-close') {
      s.set('user', 'sonam')
      s.setExpiry(0)
      return res.end('{"ok":true}')
    }
    if (path.endsWith('/whoami')) return res.end(JSON.stringify({ user: s.get('user', 'anonymous'), cookie: req.headers.cookie ?? '' }))
    if (path === '/precedence') {
      const inADay = new Date(Date.now() + 86_400_000).toUTCString()
      const inTenSeconds = new Date(Date.now() + 10_000).toUTCString()
      res.setHeader('set-cookie', [`both=1; Max-Age=30; Expires=${inADay}; Path=/`, `long=1; Expires=${inTenSeconds}; Max-Age=3600; Path=/`])
      return res.end('{"ok":true}')
    }
    if (path === '/area/set') {
      res.setHeader('set-cookie', ['scoped=1; Max-Age=30; Path=/area', 'defaulted=1; Max-Age=30'])
      return res.end('{"ok":true}')
    }
    if (path === '/app-cookies') {
      res.setHeader('set-cookie', [
        'remember=yes; Max-Age=60; Path=/',
        'tmp=yes; Path=/',
        `legacy=yes; Expires=${new Date(Date.now() + 120_000).toUTCString()}; Path=/`
      ])
      return res.end('{"ok":true}')
    }
    res.statusCode = 404
    res.end('{}')
  })
  const server = createServer(handler)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address() as { port: number }
    resolve({ server, url: `http://127.0.0.1:${a.port}` })
  }))
}

let app: { server: Server; url: string }
let inspector: Inspector
let dir: string
const cookieNames = (header: string) => header.split(';').map((p) => p.trim().split('=')[0]).filter(Boolean).sort()

beforeAll(async () => {
  app = await startApp()
  dir = mkdtempSync(join(tmpdir(), 'si-browser-'))
  inspector = await Inspector.start({ dataDir: dir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
})
afterAll(async () => {
  await inspector.close()
  await new Promise((r) => app.server.close(r))
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await inspector.api.resetClock({})
  await inspector.api.resetSettings({})
})

const browser = () => new CookieClient(inspector.proxyUrl)
const whoami = async (b: CookieClient) => JSON.parse((await b.get('/whoami')).body) as { user: string; cookie: string }
const clientOf = async (b: CookieClient) => (await b.cookie('si_client')) as string

describe('clients', () => {
  it('recognises each browser profile by its own cookie, which the app never sees', async () => {
    const a = browser()
    const b = browser()
    await a.get('/login', { 'user-agent': 'Browser A' })
    await b.get('/whoami', { 'user-agent': 'Browser B' })
    const seen = JSON.parse((await a.get('/whoami', { 'user-agent': 'Browser A' })).body) as { cookie: string }
    expect(cookieNames(seen.cookie)).toEqual(['sessionid'])
    const ids = [await clientOf(a), await clientOf(b)]
    expect(ids.every((id) => /^[a-f0-9]{32}$/.test(id))).toBe(true)
    const { clients } = await inspector.api.listClients({})
    const ca = clients.find((c) => c.id === ids[0])!
    expect(ca).toMatchObject({ userAgent: 'Browser A', requestCount: 2 })
    expect(ca.sessionKey).toBe(await a.cookie('sessionid'))
    expect(clients.find((c) => c.id === ids[1])?.sessionKey).toBeNull()
    const renamed = await inspector.api.renameClient({ id: ids[0]!, name: 'QA laptop' })
    expect(renamed.name).toBe('QA laptop')
  })

  it('two clients are independent: closing one leaves the other logged in', async () => {
    await inspector.api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
    const a = browser()
    const b = browser()
    await a.get('/login')
    await b.get('/login')
    await inspector.api.closeBrowser({ client: await clientOf(a) })
    expect((await whoami(a)).user).toBe('anonymous')
    expect((await whoami(b)).user).toBe('sonam')
  })
})

describe('simulated browser close', () => {
  it('a browser-session cookie is discarded: the next request has no session, the browser is told to forget it, the row stays', async () => {
    await inspector.api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
    const b = browser()
    const login = await b.get('/login')
    expect(login.setCookies.find((c) => c.startsWith('sessionid='))).not.toMatch(/Max-Age|expires/)
    const key = (await b.cookie('sessionid'))!
    const { closed } = await inspector.api.closeBrowser({})
    expect(closed).toBeGreaterThanOrEqual(1)
    const client = (await inspector.api.listClients({})).clients.find((c) => c.sessionKey === key)
    expect(client?.cookies.find((c) => c.name === 'sessionid')).toMatchObject({ sessionOnly: true, state: 'discarded' })
    const after = await b.get('/whoami')
    expect(JSON.parse(after.body).user).toBe('anonymous')
    expect(after.setCookies).toContain('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')
    expect(await b.cookie('sessionid')).toBeUndefined()
    // Django keeps the row until clear_expired; so do we.
    expect((await inspector.api.getSession({ key })).data).toEqual({ user: 'sonam' })
    const entry = (await inspector.api.listTraffic({ limit: 1 })).entries[0]!
    expect((await inspector.api.getTraffic({ id: entry.id })).droppedCookies).toEqual(['sessionid'])
    // The traffic log tells it as it happened: the proxy deleted the cookie, and why.
    expect(entry).toMatchObject({
      effect: 'deleted',
      setCookie: 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
      reason:
        "Cookie deleted by the proxy: the browser's session cookie was discarded by a simulated browser close, so it was removed from the request (the app saw no session) and the browser was told to forget it"
    })
  })

  it('a persistent cookie survives the close: same session', async () => {
    const b = browser()
    await b.get('/login')
    await inspector.api.closeBrowser({})
    expect((await whoami(b)).user).toBe('sonam')
  })

  it('set_expiry(0) makes the cookie end with the browser, whatever the setting', async () => {
    const b = browser()
    await b.get('/login-until-close')
    expect((await whoami(b)).user).toBe('sonam')
    await inspector.api.closeBrowser({ client: await clientOf(b) })
    expect((await whoami(b)).user).toBe('anonymous')
  })

  it("the app's own session-only cookies go too; persistent ones and unknown cookies stay", async () => {
    const b = browser()
    await b.get('/app-cookies')
    await b.jar.setCookie('foreign=1; Path=/', inspector.proxyUrl)
    await inspector.api.closeBrowser({ client: await clientOf(b) })
    expect(cookieNames((await whoami(b)).cookie)).toEqual(['foreign', 'legacy', 'remember'])
  })
})

describe('fast-forward', () => {
  it('past SESSION_COOKIE_AGE the app sees no session and the browser is told to drop the cookie', async () => {
    await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 20 } })
    const b = browser()
    await b.get('/login')
    await inspector.api.advanceClock({ seconds: 15 })
    expect((await whoami(b)).user).toBe('sonam')
    await inspector.api.advanceClock({ seconds: 6 })
    const after = await b.get('/whoami')
    expect(JSON.parse(after.body)).toMatchObject({ user: 'anonymous', cookie: '' })
    expect(after.setCookies.some((c) => c.startsWith('sessionid="";') && c.includes('Max-Age=0'))).toBe(true)
    expect(await b.cookie('sessionid')).toBeUndefined()
    const [dropped] = (await inspector.api.listTraffic({ limit: 1 })).entries
    expect(dropped).toMatchObject({ url: '/whoami', effect: 'deleted', setCookie: expect.stringMatching(/^sessionid=""; expires=Thu, 01 Jan 1970/) })
    expect(dropped!.reason).toMatch(/^Cookie deleted by the proxy: the browser's session cookie had expired on the engine clock, so it was removed/)
  })

  it("a new session on the request that lost the expired one: the middleware's sentence, then the old cookie's", async () => {
    await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 20 } })
    const b = browser()
    await b.get('/login')
    const old = await b.cookie('sessionid')
    await inspector.api.advanceClock({ seconds: 21 })
    const again = await b.get('/login')
    expect(again.setCookies.filter((c) => c.startsWith('sessionid='))).toHaveLength(2)
    expect(await b.cookie('sessionid')).not.toBe(old)
    const [entry] = (await inspector.api.listTraffic({ limit: 1 })).entries
    expect(entry).toMatchObject({ effect: 'created', setCookie: expect.stringMatching(/^sessionid=[a-z0-9]{32}; expires=/) })
    expect(entry!.reason).toBe(
      "Set-Cookie sent: a new session was created; Max-Age=20 from SESSION_COOKIE_AGE. The browser's old session cookie had expired on the engine clock, so the proxy had removed it from the request first"
    )
  })

  it("the app's own cookies expire on the engine's clock: Max-Age and Expires alike", async () => {
    const b = browser()
    await b.get('/app-cookies')
    expect(cookieNames((await whoami(b)).cookie)).toEqual(['legacy', 'remember', 'tmp'])
    await inspector.api.advanceClock({ seconds: 61 })
    const id = await clientOf(b)
    const states = (await inspector.api.listClients({})).clients.find((c) => c.id === id)!.cookies.map((c) => [c.name, c.state, c.sessionOnly])
    expect(states).toEqual([['legacy', 'live', false], ['remember', 'expired', false], ['tmp', 'live', true]])
    const mid = await b.get('/whoami')
    expect(cookieNames(JSON.parse(mid.body).cookie)).toEqual(['legacy', 'tmp'])
    expect(mid.setCookies).toContain('remember=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
    await inspector.api.advanceClock({ seconds: 60 })
    expect(cookieNames((await whoami(b)).cookie)).toEqual(['tmp'])
  })

  it('cookies the proxy never saw set pass through untouched, on any clock', async () => {
    const b = browser()
    await b.jar.setCookie('foreign=1; Path=/', inspector.proxyUrl)
    await inspector.api.advanceClock({ seconds: 10 * 365 * 86400 })
    expect((await whoami(b)).cookie).toBe('foreign=1')
  })
})

describe('the mirror follows the cookie attributes', () => {
  it('Max-Age wins over Expires, in both directions', async () => {
    const b = browser()
    await b.get('/precedence')
    await inspector.api.advanceClock({ seconds: 31 })
    // both: Max-Age=30 beats an Expires a day away; long: Max-Age=3600 beats an Expires 10 s away.
    expect(cookieNames((await whoami(b)).cookie)).toEqual(['long'])
  })

  it('Path: a scoped cookie is matched and forgotten under its path, and only where the request carried it', async () => {
    const b = browser()
    await b.get('/area/set')
    expect(cookieNames((await b.get('/area/whoami').then((r) => JSON.parse(r.body) as { cookie: string })).cookie)).toEqual(['defaulted', 'scoped'])
    expect((await whoami(b)).cookie).toBe('') // neither is sent outside /area
    await inspector.api.advanceClock({ seconds: 31 })
    const outside = await b.get('/whoami')
    expect(outside.setCookies.filter((c) => !c.startsWith('si_client='))).toEqual([]) // not carried: nothing to forget
    const inside = await b.get('/area/whoami')
    expect(JSON.parse(inside.body).cookie).toBe('')
    // Without a Path attribute the default-path of /area/set is /area (RFC 6265 §5.1.4).
    expect(inside.setCookies.sort()).toEqual([
      'defaulted=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/area',
      'scoped=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/area'
    ])
  })
})

describe('requests already on their way', () => {
  it('an expired cookie is dropped from every request that still carries it, not only the first', async () => {
    const b = browser()
    await b.get('/app-cookies')
    await inspector.api.advanceClock({ seconds: 61 })
    const first = await b.get('/whoami')
    expect(cookieNames(JSON.parse(first.body).cookie)).toEqual(['legacy', 'tmp'])
    // A request that left the browser before the answer above told it to forget remember=yes.
    const inFlight = await b.get('/whoami', { cookie: `si_client=${await clientOf(b)}; remember=yes; tmp=yes` })
    expect(JSON.parse(inFlight.body).cookie).toBe('tmp=yes')
    expect(inFlight.setCookies).toContain('remember=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
  })

  it('a session cookie discarded by a close stays discarded for requests sent before the browser forgot it', async () => {
    await inspector.api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
    const b = browser()
    await b.get('/login')
    const key = (await b.cookie('sessionid'))!
    const client = await clientOf(b)
    await inspector.api.closeBrowser({ client })
    expect((await whoami(b)).user).toBe('anonymous')
    const inFlight = await b.get('/whoami', { cookie: `si_client=${client}; sessionid=${key}` })
    expect(JSON.parse(inFlight.body)).toMatchObject({ user: 'anonymous', cookie: '' })
    const view = (await inspector.api.listClients({})).clients.find((c) => c.id === client)!
    expect(view.cookies.find((c) => c.name === 'sessionid')).toMatchObject({ value: key, state: 'discarded' })
    // A new login replaces the discarded cookie in the mirror.
    await b.get('/login')
    expect((await whoami(b)).user).toBe('sonam')
  })
})

describe('clients over time', () => {
  it('keeps first seen and moves last seen, on the engine clock', async () => {
    const b = browser()
    await b.get('/whoami', { 'user-agent': 'Old/1.0' })
    const id = await clientOf(b)
    const first = (await inspector.api.listClients({})).clients.find((c) => c.id === id)!
    expect(first.firstSeen).toBe(first.lastSeen)
    await inspector.api.advanceClock({ seconds: 3600 })
    await b.get('/whoami', { 'user-agent': 'New/2.0' })
    const later = (await inspector.api.listClients({})).clients.find((c) => c.id === id)!
    expect(later.firstSeen).toBe(first.firstSeen)
    expect(Date.parse(later.lastSeen) - Date.parse(first.lastSeen)).toBeGreaterThanOrEqual(3_600_000)
    expect(later).toMatchObject({ userAgent: 'New/2.0', requestCount: 2 })
  })
})
