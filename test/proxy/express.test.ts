// A real Express 5 app on the Node adapter behind the proxy: a counter and a login that
// cycles the key, flush, every form of set_expiry, and an app that answers with a
// malformed X-Session-Update (never applied; the response still reaches the browser).
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionInspector } from '../../src/adapters'
import { encodeWireUpdate } from '../../src/shared/wire'
import type { TrafficEntry } from '../../src/shared/api'
import { Browser, setCookiesNamed, type Reply } from './support/browser'
import { freezeAt, useInspector, withEntry } from './support/inspector'
import { serve, type Upstream } from './support/servers'

const START = '2030-01-01T00:00:00.000Z'
const START_MS = Date.parse(START)
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url')

/** The garbage an app might send, and the refusal each gets. */
const GARBAGE: Record<string, { header: string | string[]; error: string }> = {
  'not-base64': { header: 'not*base64!', error: 'X-Session-Update is not base64url' },
  'not-utf8': { header: b64(Buffer.from([0xff, 0xfe, 0x7b])), error: 'X-Session-Update is not UTF-8' },
  'not-json': { header: b64('{"flush": tru'), error: 'X-Session-Update is not JSON' },
  array: { header: b64('[1,2]'), error: 'X-Session-Update must be a JSON object' },
  'data-not-object': { header: b64('{"data":5}'), error: 'X-Session-Update: "data" must be an object' },
  'flag-not-boolean': { header: b64('{"flush":"yes"}'), error: 'X-Session-Update: "flush" must be true or false' },
  'unknown-field': { header: b64('{"data":{"count":99},"evil":1}'), error: 'X-Session-Update: unknown field "evil"' },
  repeated: { header: [encodeWireUpdate({ flush: true }), encodeWireUpdate({ data: { count: 99 } })], error: '' }
}

let app: Upstream
const started = useInspector(async () => {
  const a = express()
  a.use(sessionInspector({ warn: () => undefined }))
  a.get('/count', (req, res) => {
    const count = Number(req.session.get('count', 0)) + 1
    req.session.set('count', count)
    res.json({ count, key: req.session.sessionKey })
  })
  a.get('/login', (req, res) => {
    // django.contrib.auth.login: a new key for the same data, then the user.
    req.session.cycleKey()
    req.session.set('user', String(req.query.user))
    res.send(`hello ${String(req.query.user)}`)
  })
  a.get('/whoami', (req, res) => {
    res.json({ user: req.session.get('user', null), count: req.session.get('count', null), key: req.session.sessionKey })
  })
  a.get('/logout', (req, res) => {
    req.session.flush()
    res.redirect('/whoami')
  })
  a.get('/expiry/:form', (req, res) => {
    const forms: Record<string, Parameters<typeof req.session.setExpiry>[0]> = {
      seconds: 300,
      'browser-close': 0,
      duration: { hours: 1 },
      date: new Date(START_MS + 86_400_000),
      none: null
    }
    req.session.setExpiry(forms[req.params.form] as Parameters<typeof req.session.setExpiry>[0])
    res.json({ age: req.session.getExpiryAge(), browserClose: req.session.getExpireAtBrowserClose() })
  })
  a.get('/prefs', (req, res) => {
    // The app's own cookie and Vary, beside a session read.
    res.cookie('theme', 'dark', { maxAge: 3_600_000, path: '/' })
    res.vary('Accept-Encoding')
    res.json({ user: req.session.get('user', null) })
  })
  a.get('/boom', (req) => {
    req.session.set('count', 1000)
    throw new Error('the view failed after changing the session')
  })
  a.get('/garbage/:kind', (req, res) => {
    // An app (or a buggy adapter) writing the header itself, without touching req.session.
    const g = GARBAGE[req.params.kind] as { header: string | string[] }
    res.setHeader('X-Session-Update', g.header)
    res.status(201).type('text/plain').send(`body of ${req.params.kind}`)
  })
  app = await serve(a)
  return { upstream: app.url }
})
const inspector = () => started().inspector

beforeAll(async () => {
  await freezeAt(inspector(), START)
})
afterAll(async () => {
  await app?.close()
})

async function visit(b: Browser, path: string): Promise<{ r: Reply; e: TrafficEntry }> {
  const { result, entry } = await withEntry(inspector(), path, () => b.get(path))
  expect(result.headers['x-session-update']).toBeUndefined()
  return { r: result, e: entry }
}

const cookie = (key: string, maxAge: number | null = 1_209_600) =>
  maxAge === null
    ? `sessionid=${key}; HttpOnly; Path=/; SameSite=Lax`
    : `sessionid=${key}; expires=${new Date(START_MS + maxAge * 1000).toUTCString()}; HttpOnly; Max-Age=${maxAge}; Path=/; SameSite=Lax`

describe('a counter and a login', () => {
  let b: Browser
  let key = ''

  it('counts: the first request creates the session, the next ones modify it under the same key', async () => {
    b = new Browser(inspector().proxyUrl)
    const first = await visit(b, '/count')
    expect(JSON.parse(first.r.body)).toEqual({ count: 1, key: null })
    key = first.e.sessionAfter?.key as string
    expect(setCookiesNamed(first.r, 'sessionid')).toEqual([cookie(key)])
    expect(first.e.effect).toBe('created')
    for (const n of [2, 3]) {
      const { r, e } = await visit(b, '/count')
      expect(JSON.parse(r.body)).toEqual({ count: n, key })
      expect(setCookiesNamed(r, 'sessionid')).toEqual([cookie(key)])
      expect(e.effect).toBe('modified')
      expect(e.reason).toBe('Set-Cookie sent: the session was modified; Max-Age=1209600 from SESSION_COOKIE_AGE')
    }
  })

  it('login cycles the key: the data moves to a new key and the old key is dead', async () => {
    const oldKey = key
    const { r, e } = await visit(b, '/login?user=alice')
    expect(r.body).toBe('hello alice')
    key = e.sessionAfter?.key as string
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    expect(key).not.toBe(oldKey)
    expect(setCookiesNamed(r, 'sessionid')).toEqual([cookie(key)])
    expect(e.effect).toBe('cycled')
    expect(e.reason).toBe('Set-Cookie sent: the key was cycled, so the same data moved to a new key; Max-Age=1209600 from SESSION_COOKIE_AGE')
    expect(e.sessionAfter?.data).toEqual({ count: 3, user: 'alice' })
    await expect(inspector().api.getSession({ key: oldKey })).rejects.toMatchObject({ code: 'not_found' })
    expect((await inspector().api.getSession({ key })).data).toEqual({ count: 3, user: 'alice' })

    const who = await visit(b, '/whoami')
    expect(JSON.parse(who.r.body)).toEqual({ user: 'alice', count: 3, key })
    expect(who.e.effect).toBe('read')

    // Someone replaying the old cookie gets no session, and is told to drop the cookie.
    const replay = new Browser(inspector().proxyUrl)
    replay.jar.setCookieSync(`sessionid=${oldKey}; Path=/`, inspector().proxyUrl)
    const stale = await visit(replay, '/whoami')
    expect(JSON.parse(stale.r.body)).toEqual({ user: null, count: null, key: null })
    expect(stale.e.effect).toBe('deleted')
  })

  it('a login on a first visit (no session before) is a new session, not a cycled key', async () => {
    const fresh = new Browser(inspector().proxyUrl)
    const { r, e } = await visit(fresh, '/login?user=bob')
    expect(r.body).toBe('hello bob')
    const newKey = e.sessionAfter?.key as string
    expect(setCookiesNamed(r, 'sessionid')).toEqual([cookie(newKey)])
    expect(e.sessionBefore).toBeNull()
    expect(e.effect).toBe('created')
    expect(e.reason).toBe('Set-Cookie sent: a new session was created (cycle_key() with no session before, as login() does on a first visit); Max-Age=1209600 from SESSION_COOKIE_AGE')
  })

  it('logout flushes: the cookie is deleted, the row is gone, and the redirect target sees no session', async () => {
    const { r, e } = await visit(b, '/logout')
    expect(r.status).toBe(302)
    expect(setCookiesNamed(r, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'])
    expect(e.effect).toBe('flushed')
    await expect(inspector().api.getSession({ key })).rejects.toMatchObject({ code: 'not_found' })
    const who = await visit(b, '/whoami')
    expect(JSON.parse(who.r.body)).toEqual({ user: null, count: null, key: null })
  })
})

describe("the app's own headers", () => {
  it("the app's cookies pass through beside the session's, and its Vary gets Cookie added", async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/count')
    const { r, e } = await visit(b, '/prefs')
    expect(r.headers.vary).toBe('Accept-Encoding, Cookie')
    expect(r.setCookies.filter((s) => s.startsWith('theme='))).toEqual([expect.stringMatching(/^theme=dark; Max-Age=3600; Path=\/; Expires=/)])
    expect(b.cookie('theme')).toBe('dark')
    expect(e.effect).toBe('read')
    // The proxy mirrors the app's cookie for this browser, with its lifetime on the engine's clock.
    const client = (await inspector().api.listClients({})).clients.find((c) => c.id === b.cookie('si_client'))
    expect(client?.cookies.find((c) => c.name === 'theme')).toMatchObject({ value: 'dark', sessionOnly: false, expiresAt: new Date(START_MS + 3_600_000).toISOString(), state: 'live' })
  })

  it('a 500 after the view changed the session: nothing is saved, no cookie (Django skips 5xx)', async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/count')
    const key = b.cookie('sessionid') as string
    const { r, e } = await visit(b, '/boom')
    expect(r.status).toBe(500)
    expect(setCookiesNamed(r, 'sessionid')).toEqual([])
    expect(e.reason).toBe('No Set-Cookie: the response was a 500, so the session was not saved')
    expect(e.reasonCode).toBe('server-error')
    expect((await inspector().api.getSession({ key })).data).toEqual({ count: 1 })
  })
})

describe('set_expiry in every form', () => {
  const b = () => new Browser(inspector().proxyUrl)

  it.each([
    ['seconds', 300, cookie, 'Max-Age=300 because set_expiry(300)'],
    ['duration', 3600, cookie, 'Max-Age=3600 because set_expiry("2030-01-01T01:00:00+00:00")'],
    ['date', 86_400, cookie, 'Max-Age=86400 because set_expiry("2030-01-02T00:00:00+00:00")']
  ] as const)('set_expiry(%s): Max-Age=%i', async (form, maxAge, make, words) => {
    const { r, e } = await visit(b(), `/expiry/${form}`)
    expect(JSON.parse(r.body)).toEqual({ age: maxAge, browserClose: false })
    const key = e.sessionAfter?.key as string
    expect(setCookiesNamed(r, 'sessionid')).toEqual([make(key, maxAge)])
    expect(e.reason).toBe(`Set-Cookie sent: a new session was created; ${words}`)
  })

  it('set_expiry(None) goes back to SESSION_COOKIE_AGE; on a session without a custom expiry it changes nothing (Django)', async () => {
    const browser = b()
    const untouched = await visit(browser, '/expiry/none')
    expect(untouched.r.setCookies.filter((s) => !s.startsWith('si_client='))).toEqual([])
    expect(untouched.e.effect).toBe('read')
    const custom = await visit(browser, '/expiry/seconds')
    const key = custom.e.sessionAfter?.key as string
    const { r, e } = await visit(browser, '/expiry/none')
    expect(JSON.parse(r.body)).toEqual({ age: 1_209_600, browserClose: false })
    expect(setCookiesNamed(r, 'sessionid')).toEqual([cookie(key)])
    expect(e.effect).toBe('modified')
    expect(e.reason).toBe('Set-Cookie sent: the session was modified; Max-Age=1209600 from SESSION_COOKIE_AGE')
    expect(e.sessionAfter?.data).toEqual({})
  })

  it('set_expiry(0): a browser-session cookie, no Max-Age and no expires', async () => {
    const { r, e } = await visit(b(), '/expiry/browser-close')
    expect(JSON.parse(r.body)).toEqual({ age: 1_209_600, browserClose: true })
    expect(setCookiesNamed(r, 'sessionid')).toEqual([cookie(e.sessionAfter?.key as string, null)])
    expect(e.reason).toBe('Set-Cookie sent: a new session was created; no Max-Age: the cookie ends when the browser closes, because set_expiry(0)')
  })
})

describe('an app that sends a malformed X-Session-Update', () => {
  let b: Browser
  let key = ''

  beforeAll(async () => {
    b = new Browser(inspector().proxyUrl)
    await b.get('/count')
    key = b.cookie('sessionid') as string
  })

  it.each(Object.keys(GARBAGE))('%s: never applied, the response still arrives, the entry is rejected with the error', async (kind) => {
    const { r, e } = await visit(b, `/garbage/${kind}`)
    expect(r.status).toBe(201)
    expect(r.body).toBe(`body of ${kind}`)
    expect(setCookiesNamed(r, 'sessionid')).toEqual([])
    expect(e.effect).toBe('rejected')
    expect(e.error).toMatch(/^X-Session-Update refused: /)
    const expected = (GARBAGE[kind] as { error: string }).error
    if (expected) expect(e.error).toBe(`X-Session-Update refused: ${expected}`)
    expect(e.rejectedUpdate).toBeTruthy()
    expect(e.xSessionUpdate).toBeNull()
    expect(e.reason).toBe(`No Set-Cookie: the app did not touch the session. The app's X-Session-Update was refused (${e.error?.replace('X-Session-Update refused: ', '')}), so the session is as it was.`)
    expect((await inspector().api.listTraffic({ effect: 'rejected' })).entries.map((s) => s.id)).toContain(e.id)
    // The session is exactly as it was.
    expect(e.sessionAfter).toEqual({ key, data: { count: 1 } })
    expect((await inspector().api.getSession({ key })).data).toEqual({ count: 1 })
    expect(b.cookie('sessionid')).toBe(key)
  })

  it('the next well-formed update is applied as usual', async () => {
    const { r, e } = await visit(b, '/count')
    expect(JSON.parse(r.body)).toEqual({ count: 2, key })
    expect(e.effect).toBe('modified')
  })
})
