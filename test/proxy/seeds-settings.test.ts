// The seeds' program 5 (its settings.py: a renamed, Secure, /home-only, browser-close
// session cookie) and the page session (SESSION_COOKIE_AGE=20, renewed on every read),
// through the proxy with a real cookie jar and the engine's clock moved through the API.
import { beforeAll, describe, expect, it } from 'vitest'
import type { TrafficEntry } from '../../src/shared/api'
import { Browser, decodeEntities, setCookiesNamed, textOf, type Reply } from './support/browser'
import { freezeAt, useInspector, withEntry, type Started } from './support/inspector'

const START = '2030-01-01T00:00:00.000Z'
const KEY = /^[a-z0-9]{32}$/

function pages(started: () => Started) {
  const inspector = () => started().inspector
  return {
    inspector,
    now: async () => Date.parse((await inspector().api.getClock({})).now),
    visit: async (b: Browser, path: string): Promise<{ r: Reply; e: TrafficEntry }> => {
      const { result, entry } = await withEntry(inspector(), path, () => b.get(path))
      expect(result.headers['x-session-update']).toBeUndefined()
      return { r: result, e: entry }
    }
  }
}

const httpDate = (ms: number) => new Date(ms).toUTCString()

describe("program 5: SESSION_COOKIE_AGE=400, NAME='sessionname', PATH='/home', HTTPONLY, SECURE, EXPIRE_AT_BROWSER_CLOSE", () => {
  const started = useInspector({
    upstream: 'demo',
    settings: {
      SESSION_COOKIE_AGE: 400,
      SESSION_COOKIE_NAME: 'sessionname',
      SESSION_COOKIE_PATH: '/home',
      SESSION_COOKIE_HTTPONLY: true,
      SESSION_COOKIE_SECURE: true,
      SESSION_EXPIRE_AT_BROWSER_CLOSE: true
    }
  })
  const { inspector, now, visit } = pages(started)
  let b: Browser
  let key = ''

  beforeAll(async () => {
    await freezeAt(inspector(), START)
    b = new Browser(inspector().proxyUrl)
  })

  it("/home/set/: set_expiry(600) overrides browser close, so the cookie has Max-Age=600, Path=/home, HttpOnly and Secure", async () => {
    const at = await now()
    const { r, e } = await visit(b, '/home/set/')
    expect(r.body).toContain('Session setting up...........')
    const cookies = setCookiesNamed(r, 'sessionname')
    key = /^sessionname=([^;]+);/.exec(cookies[0] ?? '')?.[1] ?? ''
    expect(key).toMatch(KEY)
    expect(cookies).toEqual([`sessionname=${key}; expires=${httpDate(at + 600_000)}; HttpOnly; Max-Age=600; Path=/home; SameSite=Lax; Secure`])
    expect(setCookiesNamed(r, 'sessionid')).toEqual([])
    expect(e.effect).toBe('created')
    expect(e.reason).toBe('Set-Cookie sent: a new session was created; Max-Age=600 because set_expiry(600)')
    // A browser on http://127.0.0.1 keeps a Secure cookie (a potentially trustworthy origin).
    const kept = b.cookies('/home/get/').find((c) => c.key === 'sessionname')
    expect(kept).toMatchObject({ value: key, path: '/home', secure: true, httpOnly: true })
  })

  it('pages outside /home do not get the cookie: the app sees no session there', async () => {
    const { r, e } = await visit(b, '/p1/get/')
    expect(textOf(r.body, 'name')).toEqual(['Guest Guest'])
    expect(e.xSession?.key).toBeNull()
    expect(e.requestHeaders.find(([n]) => n.toLowerCase() === 'cookie')?.[1]).not.toContain('sessionname')
  })

  it('/home/get/ shows Sonam, get_session_cookie_age() 400, get_expiry_age() 600 and browser close False', async () => {
    await inspector().api.advanceClock({ seconds: 50 })
    const at = await now()
    const { r, e } = await visit(b, '/home/get/')
    expect(r.status).toBe(200)
    expect(textOf(r.body, 'name')).toEqual(['Sonam'])
    expect(textOf(r.body, 'cookie-age')).toEqual(['400 seconds'])
    expect(textOf(r.body, 'expiry-age')).toEqual(['600 seconds'])
    expect(textOf(r.body, 'browser-close')).toEqual(['False'])
    expect(r.body).toContain(`<time datetime="${new Date(at + 600_000).toISOString()}">`)
    expect(setCookiesNamed(r, 'sessionname')).toEqual([])
    expect(r.headers.vary).toBe('Cookie')
    expect(e.effect).toBe('read')
    expect(e.xSession).toMatchObject({ key, cookieAge: 400, expiryAge: 600, expireAtBrowserClose: false, expireAtBrowserCloseSetting: true })
  })

  it('/home/del/ flushes: the deletion keeps Path=/home and SameSite but, as in Django, not Secure or HttpOnly', async () => {
    const { r, e } = await visit(b, '/home/del/')
    expect(r.body).toContain('You session has been deleted successfully')
    expect(setCookiesNamed(r, 'sessionname')).toEqual(['sessionname=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/home; SameSite=Lax'])
    expect(e.effect).toBe('flushed')
    expect(b.cookies('/home/get/').find((c) => c.key === 'sessionname')).toBeUndefined()
    await expect(inspector().api.getSession({ key })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('without set_expiry the cookie is a browser-session cookie (no Max-Age, no expires), and a simulated close ends it', async () => {
    // Program 2's set view has no set_expiry: SESSION_EXPIRE_AT_BROWSER_CLOSE decides.
    const { r, e } = await visit(b, '/p2/set/')
    const cookies = setCookiesNamed(r, 'sessionname')
    key = e.sessionAfter?.key as string
    expect(cookies).toEqual([`sessionname=${key}; HttpOnly; Path=/home; SameSite=Lax; Secure`])
    expect(e.effect).toBe('created')
    expect(e.reason).toBe('Set-Cookie sent: a new session was created; no Max-Age: the cookie ends when the browser closes, because SESSION_EXPIRE_AT_BROWSER_CLOSE')

    const { r: get } = await visit(b, '/home/get/')
    expect(textOf(get.body, 'name')).toEqual(['Sonam'])
    expect(textOf(get.body, 'expiry-age')).toEqual(['400 seconds'])
    expect(textOf(get.body, 'browser-close')).toEqual(['True'])

    const client = b.cookie('si_client') as string
    expect(await inspector().api.closeBrowser({ client })).toMatchObject({ closed: 1, clients: [{ id: client, discarded: ['sessionname'], kept: [] }] })
    // The real browser still holds the cookie (it was never closed); the proxy drops it and tells it to forget.
    expect(b.cookie('sessionname', '/home/get/')).toBe(key)
    const { r: after, e: afterEntry } = await visit(b, '/home/get/')
    expect(after.status).toBe(500)
    expect(decodeEntities(after.body)).toContain("KeyError: 'name'")
    expect(afterEntry.droppedCookies).toEqual(['sessionname'])
    expect(afterEntry.xSession?.key).toBeNull()
    expect(setCookiesNamed(after, 'sessionname')).toEqual(['sessionname=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/home; SameSite=Lax; Secure'])
    expect(b.cookie('sessionname', '/home/get/')).toBeUndefined()
    // Django does not delete the row on a browser close: it stays until it expires.
    expect((await inspector().api.getSession({ key })).data).toEqual({ name: 'Sonam', lname: 'Ronaldo' })
  })
})

describe('the page session: SESSION_COOKIE_AGE=20, and every read sets session.modified = True', () => {
  const started = useInspector({ upstream: 'demo', settings: { SESSION_COOKIE_AGE: 20 } })
  const { inspector, now, visit } = pages(started)
  let b: Browser
  let key = ''
  const cookieAt = (at: number) => `sessionid=${key}; expires=${httpDate(at + 20_000)}; HttpOnly; Max-Age=20; Path=/; SameSite=Lax`

  beforeAll(async () => {
    await freezeAt(inspector(), START)
    b = new Browser(inspector().proxyUrl)
  })

  it('get without a session says it has expired', async () => {
    const { r, e } = await visit(b, '/page/get/')
    expect(textOf(r.body, 'expired')).toEqual(['Your session has Expired...'])
    expect(e.effect).toBe('read')
  })

  it('set creates a 20-second session', async () => {
    const at = await now()
    const { r, e } = await visit(b, '/page/set/')
    key = e.sessionAfter?.key as string
    expect(key).toMatch(KEY)
    expect(setCookiesNamed(r, 'sessionid')).toEqual([cookieAt(at)])
    expect(e.reason).toBe('Set-Cookie sent: a new session was created; Max-Age=20 from SESSION_COOKIE_AGE')
  })

  it('each get renews it: a new Set-Cookie with Max-Age=20 from that moment', async () => {
    for (let step = 0; step < 2; step++) {
      // 15 s apart: by the second read the first cookie (set at 0 s) would be 30 s old.
      await inspector().api.advanceClock({ seconds: 15 })
      const at = await now()
      const { r, e } = await visit(b, '/page/get/')
      expect(textOf(r.body, 'name')).toEqual(['Sonam'])
      expect(textOf(r.body, 'cookie-age')).toEqual(['20 seconds'])
      expect(textOf(r.body, 'expiry-age')).toEqual(['20 seconds'])
      expect(r.body).toContain(`<time datetime="${new Date(at + 20_000).toISOString()}">`)
      expect(setCookiesNamed(r, 'sessionid')).toEqual([cookieAt(at)])
      expect(e.effect).toBe('modified')
      expect(e.reason).toBe('Set-Cookie sent: the session was modified; Max-Age=20 from SESSION_COOKIE_AGE')
      expect((await inspector().api.getSession({ key })).expireDate).toBe(new Date(at + 20_000).toISOString())
    }
  })

  it('advancing the clock past 20 s shows "Your session has Expired..." and the browser is told to drop the cookie', async () => {
    await inspector().api.advanceClock({ seconds: 21 })
    expect((await inspector().api.getSession({ key })).expired).toBe(true)
    const { r, e } = await visit(b, '/page/get/')
    expect(r.status).toBe(200)
    expect(textOf(r.body, 'expired')).toEqual(['Your session has Expired...'])
    expect(e.droppedCookies).toEqual(['sessionid'])
    expect(e.xSession?.key).toBeNull()
    // The proxy, not the app, deleted the cookie: the entry says so, and why.
    expect(e.effect).toBe('deleted')
    expect(e.setCookie).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')
    expect(e.reason).toMatch(/^Cookie deleted by the proxy: the browser's session cookie had expired on the engine clock/)
    expect(setCookiesNamed(r, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'])
    expect(b.cookie('sessionid')).toBeUndefined()
  })

  it('a browser that still sends the expired cookie (the proxy never saw it set) gets Django\'s deletion', async () => {
    const stranger = new Browser(inspector().proxyUrl)
    stranger.jar.setCookieSync(`sessionid=${key}; Path=/`, inspector().proxyUrl)
    const { r, e } = await visit(stranger, '/page/get/')
    expect(textOf(r.body, 'expired')).toEqual(['Your session has Expired...'])
    expect(e.xSession?.key).toBeNull()
    expect(e.effect).toBe('deleted')
    expect(setCookiesNamed(r, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'])
  })

  it('del flushes a live session and clears the expired one', async () => {
    const { e: set } = await visit(b, '/page/set/')
    const live = set.sessionAfter?.key as string
    const { r, e } = await visit(b, '/page/del/')
    expect(e.effect).toBe('flushed')
    expect(setCookiesNamed(r, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'])
    for (const gone of [live, key]) await expect(inspector().api.getSession({ key: gone })).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('the other cookie settings, changed while the proxy runs (they apply from the next request)', () => {
  const started = useInspector({ upstream: 'demo' })
  const { inspector, now, visit } = pages(started)

  beforeAll(async () => {
    await freezeAt(inspector(), START)
  })

  it('SESSION_COOKIE_DOMAIN, SAMESITE=Strict, HTTPONLY=False: Domain first, no HttpOnly, SameSite=Strict; deletion keeps Domain and SameSite', async () => {
    await inspector().api.updateSettings({ settings: { SESSION_COOKIE_DOMAIN: '.example.test', SESSION_COOKIE_SAMESITE: 'Strict', SESSION_COOKIE_HTTPONLY: false } })
    const b = new Browser(inspector().proxyUrl)
    const at = await now()
    const { r, e } = await visit(b, '/p1/set/')
    const key = e.sessionAfter?.key as string
    expect(setCookiesNamed(r, 'sessionid')).toEqual([`sessionid=${key}; Domain=.example.test; expires=${httpDate(at + 1_209_600_000)}; Max-Age=1209600; Path=/; SameSite=Strict`])
    // A browser on 127.0.0.1 refuses a cookie for another domain, as a real one does.
    expect(b.cookie('sessionid')).toBeUndefined()
    b.jar.setCookieSync(`sessionid=${key}; Path=/`, inspector().proxyUrl)
    const { r: del } = await visit(b, '/p3/del/')
    expect(setCookiesNamed(del, 'sessionid')).toEqual(['sessionid=""; Domain=.example.test; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Strict'])
  })

  it('SAMESITE=None: the deletion carries Secure even without SESSION_COOKIE_SECURE (Django delete_cookie)', async () => {
    await inspector().api.updateSettings({ settings: { SESSION_COOKIE_DOMAIN: null, SESSION_COOKIE_SAMESITE: 'None', SESSION_COOKIE_HTTPONLY: true } })
    const b = new Browser(inspector().proxyUrl)
    const at = await now()
    const { r, e } = await visit(b, '/p1/set/')
    const key = e.sessionAfter?.key as string
    expect(setCookiesNamed(r, 'sessionid')).toEqual([`sessionid=${key}; expires=${httpDate(at + 1_209_600_000)}; HttpOnly; Max-Age=1209600; Path=/; SameSite=None`])
    b.jar.setCookieSync(`sessionid=${key}; Path=/`, inspector().proxyUrl)
    const { r: del } = await visit(b, '/p3/del/')
    expect(setCookiesNamed(del, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=None; Secure'])
  })

  it('SAMESITE=null: no SameSite attribute at all', async () => {
    await inspector().api.updateSettings({ settings: { SESSION_COOKIE_SAMESITE: null } })
    const b = new Browser(inspector().proxyUrl)
    const at = await now()
    const { r, e } = await visit(b, '/p1/set/')
    expect(setCookiesNamed(r, 'sessionid')).toEqual([`sessionid=${e.sessionAfter?.key}; expires=${httpDate(at + 1_209_600_000)}; HttpOnly; Max-Age=1209600; Path=/`])
    const { r: del } = await visit(b, '/p3/del/')
    expect(setCookiesNamed(del, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'])
  })
})
