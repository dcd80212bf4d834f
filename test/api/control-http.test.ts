// The control API over HTTP against the real inspector: the token, the Host check, and every
// row of docs/control-api.md's table answering with the status and body it promises.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startControlServer, type ControlServer } from '../../src/main/control'
import { Inspector, VERSION } from '../../src/main/inspector'
import { SESSION_EFFECTS, type ApiEvent, type SessionInfo, type TrafficEntry, type TrafficSummary } from '../../src/shared/api'
import { SETTING_NAMES } from '../../src/shared/settings'
import { raw, type RawResponse } from '../control/harness'
import { openEvents } from '../support/http-api'
import { Browser, eventually } from './support'

const TOKEN = 'control-http-token-0123456789'
let dir: string
let inspector: Inspector
let control: ControlServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-control-http-'))
  inspector = await Inspector.start({ dataDir: dir, listen: { host: '127.0.0.1', port: 0 }, upstream: 'demo', settings: { SESSION_COOKIE_AGE: 20 }, log: () => undefined })
  control = await startControlServer({ api: inspector.api, events: inspector, token: TOKEN, host: '127.0.0.1', port: 0, uiDir: '/nonexistent-ui-dir', version: VERSION, log: () => undefined })
  inspector.setControlUrl(control.url)
})
afterAll(async () => {
  await control?.close()
  await inspector?.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await inspector.api.resetClock({})
  await inspector.api.resetSettings({})
  await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 20 } })
  for (const s of (await inspector.api.listSessions({})).sessions) await inspector.api.deleteSession({ key: s.key })
})

/** One authorised request with a JSON body (if given) and the right Host. */
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const h: Record<string, string> = { Authorization: `Bearer ${TOKEN}`, ...headers }
  if (body !== undefined) h['Content-Type'] = 'application/json'
  return raw(control.port, { method, path, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
}

/** Expects an error answer: the status, and `{"error": "message", "code": ...}`. */
function expectError(res: RawResponse, status: number, code: string): { error: string; code: string; setting?: string } {
  expect(res.status, res.text).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = res.json() as { error: string; code: string; setting?: string }
  expect(typeof body.error).toBe('string')
  expect(body.error.length).toBeGreaterThan(0)
  expect(body.code).toBe(code)
  expect(res.text).not.toMatch(/\n\s+at /)
  return body
}

function ok<T>(res: RawResponse, status = 200): T {
  expect(res.status, res.text).toBe(status)
  return res.json() as T
}

async function newSession(page = '/p1/set/'): Promise<Browser> {
  const b = new Browser(inspector.proxyUrl)
  await b.get(page)
  return b
}

const SESSION_FIELDS = ['key', 'data', 'expireDate', 'expiryAge', 'expireAtBrowserClose', 'expired']

describe('who may call', () => {
  it('answers 401 without the token, or with a wrong one, and says how to authenticate', async () => {
    const none = await raw(control.port, { path: '/api/health' })
    expectError(none, 401, 'unauthorized')
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/)
    expectError(await raw(control.port, { path: '/api/sessions', headers: { Authorization: 'Bearer wrong-token' } }), 401, 'unauthorized')
    expectError(await raw(control.port, { path: '/api/settings', headers: { Authorization: TOKEN } }), 401, 'unauthorized')
    expectError(await raw(control.port, { path: '/api/events' }), 401, 'unauthorized')
    expect((await call('GET', '/api/health')).status).toBe(200)
  })

  it('answers 403 to a foreign Host header, token or not (DNS rebinding)', async () => {
    expectError(await call('GET', '/api/health', undefined, { Host: `evil.example:${control.port}` }), 403, 'forbidden')
    expectError(await call('GET', '/api/settings', undefined, { Host: 'evil.example' }), 403, 'forbidden')
    expectError(await call('GET', '/api/health', undefined, { Host: `127.0.0.1:${control.port + 1}` }), 403, 'forbidden')
    expect((await call('GET', '/api/health', undefined, { Host: `localhost:${control.port}` })).status).toBe(200)
  })

  it('grants no CORS: a foreign Origin gets 403 without Access-Control-Allow-Origin, and preflights are refused', async () => {
    const res = await call('GET', '/api/health', undefined, { Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await raw(control.port, { method: 'OPTIONS', path: '/api/settings', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'PATCH' } })
    expect(preflight.status).toBe(403)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers 404 for an unknown endpoint and 405 with Allow for a wrong verb', async () => {
    expectError(await call('GET', '/api/nothing-here'), 404, 'not_found')
    const wrongVerb = await call('POST', '/api/health')
    expectError(wrongVerb, 405, 'method_not_allowed')
    expect(wrongVerb.headers.allow).toBe('GET')
  })
})

describe('the table of docs/control-api.md', () => {
  it('GET /api/health → {"ok": true, "version"}', async () => {
    expect(ok(await call('GET', '/api/health'))).toEqual({ ok: true, version: VERSION })
  })

  it('GET /api/settings → all settings by Django name, SECRET_KEY masked', async () => {
    const settings = ok<Record<string, unknown>>(await call('GET', '/api/settings'))
    expect(Object.keys(settings).sort()).toEqual([...SETTING_NAMES].sort())
    expect(settings.SESSION_COOKIE_AGE).toBe(20)
    const secret = ok<{ secretKey: string }>(await call('GET', '/api/settings/secret-key')).secretKey
    expect(settings.SECRET_KEY).toMatch(/^\*{8}/)
    expect(settings.SECRET_KEY).not.toContain(secret.slice(0, 8))
  })

  it('PATCH /api/settings → the full settings; 400 naming the setting if a value is invalid, nothing applied', async () => {
    const changed = ok<Record<string, unknown>>(await call('PATCH', '/api/settings', { SESSION_COOKIE_AGE: 30, SESSION_SAVE_EVERY_REQUEST: true }))
    expect(Object.keys(changed).sort()).toEqual([...SETTING_NAMES].sort())
    expect(changed).toMatchObject({ SESSION_COOKIE_AGE: 30, SESSION_SAVE_EVERY_REQUEST: true })

    const bad = expectError(await call('PATCH', '/api/settings', { SESSION_COOKIE_NAME: 'sid', SESSION_COOKIE_SAMESITE: 'Sometimes' }), 400, 'invalid_setting')
    expect(bad.setting).toBe('SESSION_COOKIE_SAMESITE')
    expect(bad.error).toContain('SESSION_COOKIE_SAMESITE')
    expect(bad.error).toMatch(/"Strict", "Lax", "None"/)
    expect(ok(await call('GET', '/api/settings'))).toEqual(changed)

    expectError(await call('PATCH', '/api/settings', '{"SESSION_COOKIE_AGE": '), 400, 'bad_request')
    expectError(await call('PATCH', '/api/settings', [1, 2]), 400, 'bad_request')
  })

  it('GET /api/clock, POST /api/clock/{advance,set,freeze,reset} → the clock', async () => {
    const clock = ok<{ now: string; offsetSeconds: number; frozen: boolean }>(await call('GET', '/api/clock'))
    expect(clock).toMatchObject({ offsetSeconds: 0, frozen: false })
    expect(new Date(clock.now).toISOString()).toBe(clock.now)

    expect(ok<{ offsetSeconds: number }>(await call('POST', '/api/clock/advance', { seconds: 1.5 })).offsetSeconds).toBeCloseTo(1.5, 3)
    expectError(await call('POST', '/api/clock/advance', { seconds: -1 }), 400, 'bad_request')
    expectError(await call('POST', '/api/clock/advance', '{"seconds": 1e400}'), 400, 'bad_request')
    expectError(await call('POST', '/api/clock/advance', {}), 400, 'bad_request')

    expect(ok(await call('POST', '/api/clock/freeze', { frozen: true }))).toMatchObject({ frozen: true })
    expect(ok(await call('POST', '/api/clock/set', { now: '2030-01-02T03:04:05Z' }))).toMatchObject({ now: '2030-01-02T03:04:05.000Z', frozen: true })
    expectError(await call('POST', '/api/clock/set', { now: 'next tuesday' }), 400, 'bad_request')
    expect(ok(await call('POST', '/api/clock/reset'))).toMatchObject({ offsetSeconds: 0, frozen: false })
  })

  it('GET /api/sessions?search=&limit=&offset= → {total, sessions} newest save first', async () => {
    const first = await newSession('/p1/set/')
    await inspector.api.advanceClock({ seconds: 1 })
    const second = await newSession('/p2/set/')
    const all = ok<{ total: number; sessions: SessionInfo[] }>(await call('GET', '/api/sessions'))
    expect(all.total).toBe(2)
    expect(all.sessions.map((s) => s.key)).toEqual([second.sessionKey(), first.sessionKey()])
    for (const s of all.sessions) for (const field of SESSION_FIELDS) expect(s).toHaveProperty(field)
    const found = ok<{ total: number; sessions: SessionInfo[] }>(await call('GET', '/api/sessions?search=ronaldo&limit=5&offset=0'))
    expect(found.sessions.map((s) => s.key)).toEqual([second.sessionKey()])
    expect(ok<{ sessions: SessionInfo[] }>(await call('GET', '/api/sessions?limit=1&offset=1')).sessions.map((s) => s.key)).toEqual([first.sessionKey()])
    expect(ok(await call('GET', '/api/sessions?search='))).toMatchObject({ total: 2 })
    expectError(await call('GET', '/api/sessions?limit=many'), 400, 'bad_request')
    expectError(await call('GET', '/api/sessions?offset=-3'), 400, 'bad_request')
  })

  it('GET /api/sessions has a default limit of 1000', async () => {
    const engine = inspector.engineForTests
    for (let i = 0; i < 1001; i++) {
      const store = engine.open()
      await store.set('n', i)
      await store.save()
    }
    const list = ok<{ total: number; sessions: SessionInfo[] }>(await call('GET', '/api/sessions'))
    expect(list.total).toBe(1001)
    expect(list.sessions).toHaveLength(1000)
  })

  it('GET /api/sessions/:key → the session, or 404', async () => {
    const b = await newSession()
    const session = ok<SessionInfo>(await call('GET', `/api/sessions/${b.sessionKey()}`))
    expect(session).toMatchObject({ key: b.sessionKey(), data: { name: 'Sonam', lname: 'rathore' }, expiryAge: 20, expired: false, expireAtBrowserClose: false })
    expectError(await call('GET', '/api/sessions/nosuchkey00000000000000000000000'), 404, 'not_found')
  })

  it('PUT /api/sessions/:key/data {"data"} → the session saved like a modification, or 404', async () => {
    const b = await newSession()
    const session = ok<SessionInfo>(await call('PUT', `/api/sessions/${b.sessionKey()}/data`, { data: { name: 'Grace', lname: 'Hopper', cart: [1, 2] } }))
    expect(session.data).toEqual({ name: 'Grace', lname: 'Hopper', cart: [1, 2] })
    expect((await b.get('/p1/get/')).body).toContain('Grace Hopper')
    expectError(await call('PUT', '/api/sessions/nosuchkey00000000000000000000000/data', { data: {} }), 404, 'not_found')
    expectError(await call('PUT', `/api/sessions/${b.sessionKey()}/data`, { name: 'no data field' }), 400, 'bad_request')
    expectError(await call('PUT', `/api/sessions/${b.sessionKey()}/data`, { data: 'text' }), 400, 'bad_request')
  })

  it('POST /api/sessions/:key/expire → the session, expired now; 404', async () => {
    const b = await newSession()
    expect(ok<SessionInfo>(await call('POST', `/api/sessions/${b.sessionKey()}/expire`))).toMatchObject({ key: b.sessionKey(), expired: true })
    expectError(await call('POST', '/api/sessions/nosuchkey00000000000000000000000/expire'), 404, 'not_found')
  })

  it('DELETE /api/sessions/:key → 204 with no body, then 404', async () => {
    const b = await newSession()
    const res = await call('DELETE', `/api/sessions/${b.sessionKey()}`)
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expectError(await call('DELETE', `/api/sessions/${b.sessionKey()}`), 404, 'not_found')
    expectError(await call('GET', `/api/sessions/${b.sessionKey()}`), 404, 'not_found')
  })

  it('POST /api/sessions/clear-expired → {"removed": n}', async () => {
    await newSession()
    await newSession('/p3/set/')
    await inspector.api.advanceClock({ seconds: 60 })
    expect(ok(await call('POST', '/api/sessions/clear-expired'))).toEqual({ removed: 1 })
    expect(ok(await call('POST', '/api/sessions/clear-expired'))).toEqual({ removed: 0 })
  })

  it('GET /api/clients → {"clients": [...]}; POST /api/browser/close {client} or {} → {"closed": n, "clients": [...]}', async () => {
    await inspector.api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
    const one = await newSession()
    const two = await newSession()
    const { clients } = ok<{ clients: { id: string; sessionKey: string | null }[] }>(await call('GET', '/api/clients'))
    expect(clients.find((c) => c.id === one.clientId)?.sessionKey).toBe(one.sessionKey())
    // Unnamed: its User-Agent ("contract-test-browser") and the first characters of its id.
    const displayName = `contract-test-browser · ${one.clientId.slice(0, 6)}`
    expect(ok(await call('POST', '/api/browser/close', { client: one.clientId }))).toEqual({ closed: 1, clients: [{ id: one.clientId, displayName, discarded: ['sessionid'], kept: [] }] })
    expect(ok(await call('POST', '/api/browser/close', { client: one.clientId }))).toEqual({ closed: 0, clients: [{ id: one.clientId, displayName, discarded: [], kept: [] }] })
    expect(ok<{ closed: number }>(await call('POST', '/api/browser/close', {})).closed).toBeGreaterThanOrEqual(1)
    expect((await two.get('/p1/get/')).body).toContain('Guest Guest')
    expectError(await call('POST', '/api/browser/close', { client: 'nobody' }), 404, 'not_found')
    expect(ok(await call('PATCH', `/api/clients/${one.clientId}`, { name: 'Laptop' }))).toMatchObject({ id: one.clientId, name: 'Laptop' })
  })

  it('GET /api/traffic?limit=N → {"entries"} newest first with the listed fields; GET /api/traffic/:id → one entry with headers', async () => {
    await call('DELETE', '/api/traffic')
    const b = await newSession()
    await b.get('/p1/get/')
    await b.get('/p1/del/')
    const list = await eventually(async () => {
      const l = ok<{ entries: TrafficSummary[] }>(await call('GET', '/api/traffic?limit=2'))
      return l.entries.length === 2 && l.entries[0]?.url === '/p1/del/' && l
    }, 'two traffic entries')
    expect(list.entries.map((e) => e.url)).toEqual(['/p1/del/', '/p1/get/'])
    for (const e of list.entries) {
      for (const field of ['id', 'time', 'method', 'url', 'status', 'durationMs', 'sessionBefore', 'sessionAfter', 'setCookie', 'effect', 'reason']) expect(e).toHaveProperty(field)
      expect(SESSION_EFFECTS).toContain(e.effect)
      expect(new Date(e.time).toISOString()).toBe(e.time)
    }
    // The list names the session; the detail has its data.
    expect(list.entries[1]).toMatchObject({ effect: 'read', sessionBefore: { key: b.sessionKey() } })
    expect(list.entries[1]?.sessionBefore).not.toHaveProperty('data')

    const entry = ok<TrafficEntry>(await call('GET', `/api/traffic/${list.entries[1]?.id}`))
    expect(entry.sessionBefore).toEqual({ key: b.sessionKey(), data: { name: 'Sonam', lname: 'rathore' } })
    expect(entry.requestHeaders.some(([n, v]) => n.toLowerCase() === 'cookie' && v.includes(b.sessionKey()))).toBe(true)
    expect(entry.responseHeaders.length).toBeGreaterThan(0)
    expect(entry.xSession?.key).toBe(b.sessionKey())
    expectError(await call('GET', '/api/traffic/999999'), 404, 'not_found')
    expectError(await call('GET', '/api/traffic/abc'), 404, 'not_found')

    const har = ok<{ count: number; har: { log: { version: string; entries: unknown[] } } }>(await call('GET', `/api/har?ids=${list.entries.map((e) => e.id).join(',')}`))
    expect(har.count).toBe(2)
    expect(har.har.log.version).toBe('1.2')
    expect(ok<{ cleared: number }>(await call('DELETE', '/api/traffic')).cleared).toBe(3)
  })

  it('GET /api/events → Server-Sent Events: traffic, session, settings, clock, client', async () => {
    const head = await new Promise<RawResponse | null>((resolve) => {
      // Only the head: the stream stays open, so the raw helper cannot be used to the end.
      void fetch(`${control.url}/api/events`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then(async (res) => {
        resolve({ status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? undefined }, text: '', json: () => null })
        await res.body?.cancel()
      })
    })
    expect(head?.status).toBe(200)
    expect(head?.headers['content-type']).toMatch(/^text\/event-stream/)

    const stream = await openEvents(control.url, TOKEN)
    const seen: ApiEvent[] = []
    const want = new Set(['traffic', 'session', 'settings', 'clock', 'client'])
    try {
      await new Browser(inspector.proxyUrl, 'SSE/1.0').get('/p1/set/')
      await call('POST', '/api/clock/advance', { seconds: 1 })
      await call('PATCH', '/api/settings', { SESSION_COOKIE_AGE: 21 })
      while ([...want].some((w) => !seen.some((e) => e.type === w))) seen.push(await stream.next())
    } finally {
      stream.close()
    }
    expect(seen.find((e) => e.type === 'settings')?.payload).toMatchObject({ SESSION_COOKIE_AGE: 21 })
    expect(seen.find((e) => e.type === 'traffic')?.payload).toMatchObject({ url: '/p1/set/', effect: 'created' })
  })

  it('the routes beyond the table answer too: status, reset, secret key, cookie preview, expiry', async () => {
    expect(ok(await call('GET', '/api/status'))).toMatchObject({ proxyUrl: inspector.proxyUrl, controlUrl: control.url, upstream: 'demo' })
    const before = ok<{ secretKey: string }>(await call('GET', '/api/settings/secret-key')).secretKey
    ok(await call('POST', '/api/settings/secret-key/regenerate'))
    expect(ok<{ secretKey: string }>(await call('GET', '/api/settings/secret-key')).secretKey).not.toBe(before)
    expect(ok(await call('POST', '/api/settings/reset'))).toMatchObject({ SESSION_COOKIE_AGE: 1209600 })
    expect(ok<{ setCookie: string }>(await call('GET', '/api/settings/cookie-preview')).setCookie).toContain('Max-Age=1209600')
    const b = await newSession()
    expect(ok(await call('PUT', `/api/sessions/${b.sessionKey()}/expiry`, { value: 0 }))).toMatchObject({ expireAtBrowserClose: true, customExpiry: 0 })
  })
})
