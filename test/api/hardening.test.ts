// Hostile input to the control API found by trying it as a new attacker would (issue 13),
// each kept as a regression test: the real inspector behind the real control server.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlServer, type ControlServer } from '../../src/main/control'
import { Inspector, VERSION } from '../../src/main/inspector'
import { raw, type RawResponse } from '../control/harness'
import { Browser } from './support'

const TOKEN = 'hardening-token-0123456789'
let dir: string
let inspector: Inspector
let control: ControlServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-api-hardening-'))
  inspector = await Inspector.start({ dataDir: dir, listen: { host: '127.0.0.1', port: 0 }, upstream: 'demo', log: () => undefined })
  control = await startControlServer({ api: inspector.api, events: inspector, token: TOKEN, host: '127.0.0.1', port: 0, uiDir: '/nonexistent-ui-dir', version: VERSION, log: () => undefined })
})
afterAll(async () => {
  await control?.close()
  await inspector?.close()
  rmSync(dir, { recursive: true, force: true })
})

function call(method: string, path: string, body?: string): Promise<RawResponse> {
  const headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return raw(control.port, { method, path, headers, body })
}

function expect400(res: RawResponse, message: RegExp): void {
  expect(res.status, res.text).toBe(400)
  const body = res.json() as { error: string; code: string }
  expect(body.code).toBe('bad_request')
  expect(body.error).toMatch(message)
}

/** A session in the store (the demo's first program sets one), holding `data`. */
async function sessionWith(data: Record<string, string>): Promise<string> {
  const b = new Browser(inspector.proxyUrl)
  await b.get('/p1/set/')
  const key = b.cookies.get('sessionid') as string
  expect(key).toMatch(/^[a-z0-9]{32}$/)
  await inspector.api.updateSessionData({ key, data })
  return key
}

describe('deeply nested JSON in an API body', () => {
  it('PUT /api/sessions/:key/data nested 3,000 deep: 400 naming the limit, the session unchanged', async () => {
    const key = await sessionWith({ user: 'alice' })
    const deep = `${'{"x":'.repeat(3000)}1${'}'.repeat(3000)}`
    expect400(await call('PUT', `/api/sessions/${key}/data`, `{"data":${deep}}`), /nests more than 100 levels deep/)
    expect400(await call('PUT', `/api/sessions/${key}/data`, `{"data":{"list":${'['.repeat(5000)}${']'.repeat(5000)}}}`), /data\.list\[0\].*nests more than 100 levels deep/)
    expect((await inspector.api.getSession({ key })).data).toEqual({ user: 'alice' })
    // The server still answers.
    expect((await call('GET', '/api/health')).status).toBe(200)
  })
})

describe('dates out of range are refused, never rolled over into another date', () => {
  const BAD = ['2020-13-45T00:00:00Z', '2020-02-30T00:00:00Z', '2021-02-29T12:00:00Z', '2020-01-01T25:61:00Z', '2020-01-01T23:59:60Z', '2020-01-01T24:00:00Z', '0000-01-01T00:00:00Z', '2020-01-01T00:00:00+24:00', '2020-01-01T00:00:00+05:60']
  const FORMAT = /a valid date: an ISO-8601 date-time YYYY-MM-DDTHH:MM\[:SS\[\.ffffff\]\]\[Z\|±HH:MM\], such as "2026-12-06T10:00:00Z"/

  it.each(BAD)('POST /api/clock/set {"now": "%s"}: 400 naming the format, the clock unchanged', async (now) => {
    await inspector.api.freezeClock({ frozen: true })
    await inspector.api.setClock({ now: '2030-06-01T12:00:00Z' })
    expect400(await call('POST', '/api/clock/set', JSON.stringify({ now })), FORMAT)
    expect((await inspector.api.getClock({})).now).toBe('2030-06-01T12:00:00.000Z')
    await inspector.api.resetClock({})
  })

  it('the last day of each month, 29 February of a leap year, years before 100 and offsets are accepted exactly', async () => {
    // Frozen, so the answer's "now" is the date set, not a millisecond after it.
    await inspector.api.freezeClock({ frozen: true })
    for (const [now, iso] of [
      ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
      ['2100-12-31T00:00:00+01:00', '2100-12-30T23:00:00.000Z'],
      ['0050-04-30T10:00:00Z', '0050-04-30T10:00:00.000Z'],
      ['2026-06-30 08:30', '2026-06-30T08:30:00.000Z']
    ]) {
      const res = await call('POST', '/api/clock/set', JSON.stringify({ now }))
      expect(res.status, res.text).toBe(200)
      expect((res.json() as { now: string }).now.slice(0, 24)).toBe(iso)
    }
    await inspector.api.resetClock({})
  })

  it.each(BAD)('PUT /api/sessions/:key/expiry {"value": "%s"}: 400 naming the format, the session unchanged', async (value) => {
    const key = await sessionWith({ user: 'alice' })
    expect400(await call('PUT', `/api/sessions/${key}/expiry`, JSON.stringify({ value })), FORMAT)
    expect((await inspector.api.getSession({ key })).data).toEqual({ user: 'alice' })
  })

  it('PUT /api/sessions/:key/data with a _session_expiry that is no valid date (Django would raise on it): 400', async () => {
    const key = await sessionWith({ user: 'alice' })
    expect400(await call('PUT', `/api/sessions/${key}/data`, JSON.stringify({ data: { user: 'bob', _session_expiry: '2020-02-30T00:00:00+00:00' } })), /data\._session_expiry must be seconds, null or a valid date/)
    expect((await inspector.api.getSession({ key })).data).toEqual({ user: 'alice' })
    const good = await call('PUT', `/api/sessions/${key}/data`, JSON.stringify({ data: { user: 'bob', _session_expiry: '2040-02-29T00:00:00+00:00' } }))
    expect(good.status, good.text).toBe(200)
  })
})

// Found by the reliability suite (issue 13): the URL parser rewrote these into another path, so
// `DELETE /api/sessions/x\..\KEY` deleted the session KEY that the path never spelled.
describe('paths a URL parser would rewrite into another path are refused', () => {
  it.each([
    ['backslashes', (key: string) => `/api/sessions/x\\..\\${key}`],
    ['encoded dot segments', (key: string) => `/api/sessions/x/%2e%2e/${key}`],
    ['mixed dot segments', (key: string) => `/api/sessions/x/.%2E/${key}`],
    ['plain dot segments', (key: string) => `/api/sessions/x/../${key}`],
    ['a single dot', (key: string) => `/api/sessions/./${key}`],
    ['a leading //', (key: string) => `//api/sessions/${key}`]
  ])('DELETE with %s: 400 naming why, the session kept', async (_, path) => {
    const key = await sessionWith({ user: 'alice' })
    const res = await call('DELETE', path(key))
    expect400(res, /"\." and "\.\." segments \(also percent-encoded\), backslashes and a leading "\/\/" are refused/)
    expect((await inspector.api.getSession({ key })).data).toEqual({ user: 'alice' })
  })

  it('keeps plain paths with dots inside a segment, and dots in the query', async () => {
    const key = await sessionWith({ user: 'alice' })
    expect((await call('GET', `/api/sessions/${key}?x=../..`)).status).toBe(200)
    expect((await call('GET', '/api/sessions/a.b')).status).toBe(404)
    expect((await call('GET', '/api/sessions/..a')).status).toBe(404)
  })
})

describe("requests Node's HTTP parser refuses", () => {
  it('get a status and a sentence, not a bare 400', async () => {
    const res = await new Promise<string>((resolve) => {
      const socket = connect(control.port, '127.0.0.1', () => socket.write(`GET /api/health\0 HTTP/1.1\r\nHost: 127.0.0.1:${control.port}\r\n\r\n`))
      let text = ''
      socket.on('data', (d) => (text += d.toString()))
      socket.on('close', () => resolve(text))
    })
    expect(res).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(res).toMatch(/Content-Type: text\/plain; charset=utf-8\r\n[\s\S]*\r\n\r\nmalformed HTTP request/)
  })
})
