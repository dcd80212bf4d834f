// Issue 20 on the built-in demo app, behind the proxy (middleware mode): the login program's
// login cycles the key and the session carries its user (named by the app's X-Session-User),
// the traffic tells the login and the logout, a user's view lists their browsers, log out
// everywhere and log out the others end the sessions in the store, and the HAR export is
// redacted unless asked.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import { CookieClient } from '../django/cookie-client'
import { DEMO_USER } from '../../src/main/demo/login'

let inspector: Inspector
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-users-demo-'))
  inspector = await Inspector.start({ dataDir: dir, upstream: 'demo', listen: { host: '127.0.0.1', port: 0 } })
})
afterAll(async () => {
  await inspector?.close()
  rmSync(dir, { recursive: true, force: true })
})

const browser = (agent: string) => {
  const c = new CookieClient(inspector.proxyUrl)
  const request = c.request.bind(c)
  c.request = (path, options = {}) => request(path, { ...options, headers: { 'user-agent': agent, ...options.headers } })
  return c
}

async function logIn(c: CookieClient): Promise<string> {
  expect((await c.get('/login/private/')).status).toBe(302)
  const before = await c.cookie('sessionid')
  const r = await c.request('/login/', { form: { username: DEMO_USER.username, password: DEMO_USER.password } })
  expect(r.status).toBe(302)
  const key = (await c.cookie('sessionid')) as string
  expect(key).toBeTruthy()
  expect(key).not.toBe(before)
  return key
}

describe('the demo login program behind the proxy', () => {
  it('logs in with a cycled key, names the user, and explains the login and the logout', async () => {
    const b = browser('Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36')
    const key = await logIn(b)
    const private1 = await b.get('/login/private/')
    expect(private1.status).toBe(200)
    expect(private1.body).toContain('Hello <strong>sonam</strong>')
    // No X-Session* reaches the browser.
    expect([...private1.headers.keys()].filter((h) => /^x-session/i.test(h))).toEqual([])

    const session = await inspector.api.getSession({ key })
    expect(session.user).toEqual({ id: '1', username: 'sonam', backend: 'django.contrib.auth.backends.ModelBackend', source: 'middleware' })
    const listed = await inspector.api.listSessions({ user: '1' })
    expect(listed.sessions.map((s) => s.key)).toContain(key)
    expect((await inspector.api.listSessions({ user: '2' })).total).toBe(0)

    const login = (await inspector.api.listTraffic({ search: '/login/' })).entries.find((e) => e.method === 'POST')!
    expect(login.effect).toBe('cycled')
    expect(login.reason).toMatch(/^Login of sonam \(user 1\): key cycled: login\(\) calls cycle_key\(\) so a session id known before login is useless after it\. Set-Cookie sent/)

    await b.get('/login/logout/')
    const logout = (await inspector.api.listTraffic({ search: '/login/logout/' })).entries[0]!
    expect(logout.effect).toBe('flushed')
    expect(logout.reason).toMatch(/^Logout of sonam \(user 1\): flushed: logout\(\)\. Cookie deleted/)
    expect((await inspector.api.listSessions({ user: '1' })).sessions.map((s) => s.key)).not.toContain(key)
  })

  it("lists a user's browsers, logs out the others, then everywhere; each browser's next request is anonymous", async () => {
    const chrome = browser('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36')
    const firefox = browser('Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')
    const curl = browser('curl/8.5.0')
    const keys = [await logIn(chrome), await logIn(firefox), await logIn(curl)]

    const view = await inspector.api.getUser({ id: '1' })
    expect(view.user).toEqual({ id: '1', username: 'sonam', source: 'middleware' })
    expect(view.sessions.map((s) => s.key).sort()).toEqual([...keys].sort())
    const names = view.sessions.map((s) => s.browser?.displayName ?? '')
    expect(names.some((n) => n.startsWith('Chrome on Linux'))).toBe(true)
    expect(names.some((n) => n.startsWith('Firefox on Linux'))).toBe(true)
    expect(view.sessions.every((s) => s.lastRequest !== null && s.browser?.userAgent)).toBe(true)

    expect(await inspector.api.logoutUser({ id: '1', except: keys[0] })).toEqual({ deleted: 2 })
    expect((await chrome.get('/login/private/')).status).toBe(200)
    expect((await firefox.get('/login/private/')).status).toBe(302)
    expect((await curl.get('/login/private/')).status).toBe(302)

    expect(await inspector.api.logoutUser({ id: '1' })).toEqual({ deleted: 1 })
    expect((await chrome.get('/login/private/')).status).toBe(302)
    expect((await inspector.api.getUser({ id: '1' })).sessions).toEqual([])
  })

  it('masks session cookies, _auth_user_hash and X-Session* in the HAR unless redact is false', async () => {
    const b = browser('redact-test')
    const key = await logIn(b)
    await b.get('/login/private/')
    const ids = (await inspector.api.listTraffic({ sessionKey: key })).entries.map((e) => e.id)
    const masked = JSON.stringify((await inspector.api.exportHar({ ids })).har)
    expect(masked).not.toContain(key)
    expect(masked).toContain('[redacted]')
    expect(masked).toMatch(/sessionid=redacted-[0-9a-f]{8}/)
    const plain = JSON.stringify((await inspector.api.exportHar({ ids, redact: false })).har)
    expect(plain).toContain(key)
    const hash = (await inspector.api.getSession({ key })).data._auth_user_hash as string
    expect(plain).toContain(hash)
    expect(masked).not.toContain(hash)
  })
})
