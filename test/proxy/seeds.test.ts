// The seeds' programs 1-4 through the proxy and the demo app, as a browser with a real
// cookie jar walks them: each page's content, the exact Set-Cookie Django would send
// (default settings), Vary, and the traffic log's badge and reason for every step.
import { beforeAll, describe, expect, it } from 'vitest'
import type { TrafficEntry } from '../../src/shared/api'
import { Browser, decodeEntities, setCookiesNamed, textOf, type Reply } from './support/browser'
import { freezeAt, useInspector, withEntry } from './support/inspector'

const started = useInspector({ upstream: 'demo' })
const inspector = () => started().inspector
const START = '2030-01-01T00:00:00.000Z'
const KEY = /^[a-z0-9]{32}$/

beforeAll(async () => {
  await freezeAt(inspector(), START)
})

async function now(): Promise<number> {
  return Date.parse((await inspector().api.getClock({})).now)
}

/** Django's session cookie for the default settings, saved at engine time `at`. */
function defaultCookie(key: string, at: number, maxAge = 1_209_600): string {
  return `sessionid=${key}; expires=${new Date(at + maxAge * 1000).toUTCString()}; HttpOnly; Max-Age=${maxAge}; Path=/; SameSite=Lax`
}

const DELETE_COOKIE = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'

/** GETs a page and returns the reply with its traffic entry. */
async function visit(browser: Browser, path: string): Promise<{ r: Reply; e: TrafficEntry }> {
  const { result, entry } = await withEntry(inspector(), path, () => browser.get(path))
  // Never, on any response: the app's update header reaches the browser.
  expect(result.headers['x-session-update']).toBeUndefined()
  return { r: result, e: entry }
}

function expectRead(r: Reply, e: TrafficEntry): void {
  expect(setCookiesNamed(r, 'sessionid')).toEqual([])
  expect(r.headers.vary).toBe('Cookie')
  expect(e.effect).toBe('read')
  expect(e.reason).toBe('No Set-Cookie: the session was read but not modified (Vary: Cookie added)')
  expect(e.setCookie).toBeNull()
}

describe('program 1: set, get and delete', () => {
  const browser = () => new Browser(inspector().proxyUrl)
  let b: Browser
  let key = ''

  it('get before any session shows Guest Guest; the session was read (Vary: Cookie), no cookie', async () => {
    b = browser()
    const { r, e } = await visit(b, '/p1/get/')
    expect(r.status).toBe(200)
    expect(textOf(r.body, 'name')).toEqual(['Guest Guest'])
    expectRead(r, e)
    // The proxy's own client cookie is the only one, and it is the app-invisible si_client.
    expect(r.setCookies).toEqual([expect.stringMatching(/^si_client=[a-f0-9]{32}; Max-Age=63072000; Path=\/; HttpOnly; SameSite=Lax$/)])
    expect(e.sessionBefore).toBeNull()
    expect(e.xSession?.key).toBeNull()
  })

  it('set creates a session: Django\'s exact Set-Cookie, Max-Age from SESSION_COOKIE_AGE and Expires = engine now + Max-Age', async () => {
    const at = await now()
    const { r, e } = await visit(b, '/p1/set/')
    expect(r.body).toContain('Session setting up...........')
    const [cookie] = setCookiesNamed(r, 'sessionid')
    key = /^sessionid=([^;]+);/.exec(cookie ?? '')?.[1] ?? ''
    expect(key).toMatch(KEY)
    expect(cookie).toBe(defaultCookie(key, at))
    expect(cookie).toContain('expires=Tue, 15 Jan 2030 00:00:00 GMT')
    expect(r.headers.vary).toBe('Cookie')
    expect(e.effect).toBe('created')
    expect(e.reason).toBe('Set-Cookie sent: a new session was created; Max-Age=1209600 from SESSION_COOKIE_AGE')
    expect(e.setCookie).toBe(cookie)
    expect(e.sessionAfter).toEqual({ key, data: { name: 'Sonam', lname: 'rathore' } })
    const stored = await inspector().api.getSession({ key })
    expect(stored.data).toEqual({ name: 'Sonam', lname: 'rathore' })
    expect(stored.expireDate).toBe(new Date(at + 1_209_600_000).toISOString())
    // The browser keeps it as Django meant: HttpOnly, Path=/, two weeks.
    const jarCookie = b.cookies('/').find((c) => c.key === 'sessionid')
    expect(jarCookie?.value).toBe(key)
    expect(jarCookie?.httpOnly).toBe(true)
    expect(jarCookie?.path).toBe('/')
    expect(jarCookie?.sameSite).toBe('lax')
  })

  it('get shows name and lname; a read only', async () => {
    const { r, e } = await visit(b, '/p1/get/')
    expect(textOf(r.body, 'name')).toEqual(['Sonam rathore'])
    expectRead(r, e)
    expect(e.sessionBefore).toEqual({ key, data: { name: 'Sonam', lname: 'rathore' } })
    expect(e.xSession).toMatchObject({ v: 1, key, data: { name: 'Sonam', lname: 'rathore' }, expiryAge: 1_209_600, cookieAge: 1_209_600, expireAtBrowserClose: false, now: new Date(await now()).toISOString() })
    expect(e.xSessionUpdate).toEqual({ accessed: true })
    // What the app was sent: the session cookie, never the proxy's si_client.
    expect(e.requestHeaders.find(([n]) => n.toLowerCase() === 'cookie')?.[1]).toContain(`sessionid=${key}`)
  })

  it('del removes name and lname: the emptied session is saved under the same key (Django: it still has a key)', async () => {
    const at = await now()
    const { r, e } = await visit(b, '/p1/del/')
    expect(r.body).toContain('You session has been deleted successfully')
    expect(setCookiesNamed(r, 'sessionid')).toEqual([defaultCookie(key, at)])
    expect(e.effect).toBe('modified')
    expect(e.reason).toBe('Set-Cookie sent: the session was modified; Max-Age=1209600 from SESSION_COOKIE_AGE')
    expect(e.sessionAfter).toEqual({ key, data: {} })
    expect((await inspector().api.getSession({ key })).data).toEqual({})
  })

  it('get after del is Guest Guest again', async () => {
    const { r, e } = await visit(b, '/p1/get/')
    expect(textOf(r.body, 'name')).toEqual(['Guest Guest'])
    expectRead(r, e)
  })

  it("the session's history in the traffic log: every request that carried or received the key, newest first", async () => {
    const { entries, total } = await inspector().api.listTraffic({ sessionKey: key })
    expect(total).toBe(4)
    expect(entries.map((s) => [s.url, s.effect, s.status])).toEqual([
      ['/p1/get/', 'read', 200],
      ['/p1/del/', 'modified', 200],
      ['/p1/get/', 'read', 200],
      ['/p1/set/', 'created', 200]
    ])
    expect(entries.every((s) => s.clientId === b.cookie('si_client'))).toBe(true)
  })

  it('a page that does not touch the session gets no cookie and no Vary', async () => {
    const { r, e } = await visit(b, '/demo.css')
    expect(r.status).toBe(200)
    expect(r.setCookies).toEqual([])
    expect(r.headers.vary).toBeUndefined()
    expect(e.effect).toBe('untouched')
    expect(e.reason).toBe('No Set-Cookie: the app did not touch the session')
    expect(e.xSessionUpdate).toBeNull()
  })
})

describe('program 2: dictionary methods', () => {
  let b: Browser
  let key = ''

  it('set creates the session with name and lname', async () => {
    b = new Browser(inspector().proxyUrl)
    const { e } = await visit(b, '/p2/set/')
    expect(e.effect).toBe('created')
    key = e.sessionAfter?.key ?? ''
    expect(key).toMatch(KEY)
    expect(e.sessionAfter?.data).toEqual({ name: 'Sonam', lname: 'Ronaldo' })
  })

  it("the first get runs setdefault('age', '26'): keys() and items() list age, and the session is modified", async () => {
    const at = await now()
    const { r, e } = await visit(b, '/p2/get/')
    expect(textOf(r.body, 'name')).toEqual(['Sonam Ronaldo'])
    expect(textOf(r.body, 'keys')[0]?.split(/\s+/)).toEqual(['name', 'lname', 'age'])
    expect(textOf(r.body, 'items')[0]?.split(/\s+(?=\()/)).toEqual(["('name', 'Sonam')", "('lname', 'Ronaldo')", "('age', '26')"])
    expect(textOf(r.body, 'age')).toEqual(['26'])
    expect(setCookiesNamed(r, 'sessionid')).toEqual([defaultCookie(key, at)])
    expect(e.effect).toBe('modified')
    expect(e.sessionAfter).toEqual({ key, data: { name: 'Sonam', lname: 'Ronaldo', age: '26' } })
  })

  it('the second get finds age and only reads', async () => {
    const { r, e } = await visit(b, '/p2/get/')
    expect(textOf(r.body, 'age')).toEqual(['26'])
    expectRead(r, e)
  })

  it('del removes name and lname and keeps age', async () => {
    const { e } = await visit(b, '/p2/del/')
    expect(e.effect).toBe('modified')
    expect(e.sessionAfter).toEqual({ key, data: { age: '26' } })
  })
})

describe('program 3: session timeout', () => {
  let b: Browser
  let key = ''

  it("set on a new browser creates the session with Max-Age=600 because set_expiry(600)", async () => {
    b = new Browser(inspector().proxyUrl)
    const at = await now()
    const { r, e } = await visit(b, '/p3/set/')
    key = e.sessionAfter?.key ?? ''
    expect(key).toMatch(KEY)
    expect(setCookiesNamed(r, 'sessionid')).toEqual([defaultCookie(key, at, 600)])
    expect(e.effect).toBe('created')
    expect(e.reason).toBe('Set-Cookie sent: a new session was created; Max-Age=600 because set_expiry(600)')
    expect(e.sessionAfter?.data).toEqual({ name: 'Sonam', _session_expiry: 600 })
    expect(e.decision).toMatchObject({ reason: 'created', maxAge: 600, lifetime: 'set_expiry', customExpiry: 600, expires: new Date(at + 600_000).toISOString() })
  })

  it('set again on the same session is a modification, with the same Max-Age=600 reason', async () => {
    await inspector().api.advanceClock({ seconds: 30 })
    const at = await now()
    const { r, e } = await visit(b, '/p3/set/')
    expect(setCookiesNamed(r, 'sessionid')).toEqual([defaultCookie(key, at, 600)])
    expect(e.effect).toBe('modified')
    expect(e.reason).toBe('Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)')
  })

  it("get shows name and the expiry methods' answers on the engine's clock; a read only", async () => {
    await inspector().api.advanceClock({ seconds: 100 })
    const at = await now()
    const { r, e } = await visit(b, '/p3/get/')
    expect(r.status).toBe(200)
    expect(textOf(r.body, 'name')).toEqual(['Sonam'])
    expect(textOf(r.body, 'cookie-age')).toEqual(['1209600 seconds'])
    // An integer expiry is its own age (Django's get_expiry_age), counted from "now".
    expect(textOf(r.body, 'expiry-age')).toEqual(['600 seconds'])
    expect(r.body).toContain(`<time datetime="${new Date(at + 600_000).toISOString()}">`)
    expect(textOf(r.body, 'browser-close')).toEqual(['False'])
    expectRead(r, e)
  })

  it('del flushes: the cookie is deleted the way Django deletes it, the row is gone, and clear_expired runs', async () => {
    // Another browser's session that has expired by the time del runs: clear_expired removes it.
    const other = new Browser(inspector().proxyUrl)
    const { e: otherSet } = await visit(other, '/p3/set/')
    const otherKey = otherSet.sessionAfter?.key as string
    await inspector().api.advanceClock({ seconds: 601 })
    expect((await inspector().api.getSession({ key: otherKey })).expired).toBe(true)
    // b's own session expired too (600 s since its last save): the proxy drops its expired
    // cookie, so set makes a new session; the old row waits for clear_expired as well.
    const oldKey = key
    const { e: reset } = await visit(b, '/p3/set/')
    expect(reset.droppedCookies).toEqual(['sessionid'])
    expect(reset.effect).toBe('created')
    key = reset.sessionAfter?.key as string
    expect(key).not.toBe(oldKey)
    const cleared = new Promise<string>((resolve) => {
      const off = inspector().subscribe((ev) => {
        if (ev.type === 'sessions') {
          off()
          resolve((ev.payload as { reason: string }).reason)
        }
      })
    })
    const { r, e } = await visit(b, '/p3/del/')
    expect(r.body).toContain('You session has been deleted successfully')
    expect(setCookiesNamed(r, 'sessionid')).toEqual([DELETE_COOKIE])
    expect(r.headers.vary).toBe('Cookie')
    expect(e.effect).toBe('flushed')
    expect(e.reason).toBe('Cookie deleted: the session was flushed, so the browser is told to drop its cookie')
    expect(e.sessionAfter).toBeNull()
    expect(e.xSessionUpdate).toMatchObject({ flush: true, clearExpired: true })
    await expect(inspector().api.getSession({ key })).rejects.toMatchObject({ code: 'not_found' })
    for (const gone of [otherKey, oldKey]) await expect(inspector().api.getSession({ key: gone })).rejects.toMatchObject({ code: 'not_found' })
    expect(await cleared).toBe('clear_expired removed 2')
    expect(b.cookie('sessionid')).toBeUndefined()
  })

  it("get after del is the seed's KeyError (a 500): no cookie was sent, none is set", async () => {
    const { r, e } = await visit(b, '/p3/get/')
    expect(r.status).toBe(500)
    expect(decodeEntities(r.body)).toContain("KeyError: 'name'")
    expect(r.setCookies).toEqual([])
    expect(e.sessionBefore).toBeNull()
    expect(e.status).toBe(500)
    expect(e.effect).toBe('read')
  })
})

describe('program 4: the test cookie', () => {
  let b: Browser
  let key = ''

  it('set_test_cookie() creates a session holding testcookie', async () => {
    b = new Browser(inspector().proxyUrl)
    const at = await now()
    const { r, e } = await visit(b, '/p4/set/')
    expect(r.body).toContain('Set Test Cookie..........')
    key = e.sessionAfter?.key ?? ''
    expect(setCookiesNamed(r, 'sessionid')).toEqual([defaultCookie(key, at)])
    expect(e.effect).toBe('created')
    expect(e.sessionAfter?.data).toEqual({ testcookie: 'worked' })
  })

  it('test_cookie_worked() on the next request is True; a read', async () => {
    const { r, e } = await visit(b, '/p4/check/')
    expect(textOf(r.body, 'worked')).toEqual(['True'])
    expectRead(r, e)
  })

  it('delete_test_cookie() modifies the session (same key, empty data)', async () => {
    const at = await now()
    const { r, e } = await visit(b, '/p4/del/')
    expect(r.body).toContain('Your cookie has been deleted successfully')
    expect(setCookiesNamed(r, 'sessionid')).toEqual([defaultCookie(key, at)])
    expect(e.effect).toBe('modified')
    expect(e.sessionAfter).toEqual({ key, data: {} })
  })

  it('test_cookie_worked() is False now, and a second delete_test_cookie() is a KeyError that saves nothing', async () => {
    const { r } = await visit(b, '/p4/check/')
    expect(textOf(r.body, 'worked')).toEqual(['False'])
    const { r: again, e } = await visit(b, '/p4/del/')
    expect(again.status).toBe(500)
    expect(decodeEntities(again.body)).toContain("KeyError: 'testcookie'")
    expect(setCookiesNamed(again, 'sessionid')).toEqual([])
    expect(e.status).toBe(500)
  })
})

describe('a stale cookie the proxy never saw set (another profile, or a restart)', () => {
  it('is deleted as Django deletes it when the app reads the session', async () => {
    const b = new Browser(inspector().proxyUrl)
    const { e: created } = await visit(b, '/p1/set/')
    const key = created.sessionAfter?.key as string
    await inspector().api.deleteSession({ key })
    // A second profile (no si_client yet) that carries the same session cookie.
    const stranger = new Browser(inspector().proxyUrl)
    stranger.jar.setCookieSync(`sessionid=${key}; Path=/`, inspector().proxyUrl)
    const { r, e } = await visit(stranger, '/p1/get/')
    expect(textOf(r.body, 'name')).toEqual(['Guest Guest'])
    expect(setCookiesNamed(r, 'sessionid')).toEqual([DELETE_COOKIE])
    expect(e.effect).toBe('deleted')
    expect(e.reason).toBe('Cookie deleted: the browser sent a session cookie but the session is empty (unknown, expired or emptied)')
    expect(stranger.cookie('sessionid')).toBeUndefined()
  })

  it('is left alone when the app does not touch the session (Django never loaded it)', async () => {
    const stranger = new Browser(inspector().proxyUrl)
    stranger.jar.setCookieSync('sessionid=nosuchsessionkeyatall000000000000; Path=/', inspector().proxyUrl)
    const { r, e } = await visit(stranger, '/demo.css')
    expect(r.setCookies.filter((s) => !s.startsWith('si_client='))).toEqual([])
    expect(r.headers.vary).toBeUndefined()
    expect(e.effect).toBe('untouched')
  })
})
