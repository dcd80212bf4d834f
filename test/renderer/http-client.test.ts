// @vitest-environment node
/// <reference types="node" />
// The browser host's client against a real HTTP server on 127.0.0.1: routes and bodies from
// the shared table, the bearer token, error mapping, and the SSE stream with reconnects.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHttpClient } from '../../src/renderer/api/http-client'
import { SseParser } from '../../src/renderer/api/sse'
import type { ApiClient, ConnectionState } from '../../src/renderer/api/api-client'
import type { ApiEvent } from '../../src/shared/api'
import { ApiError } from '../../src/shared/errors'

interface Seen {
  method: string
  url: string
  auth: string | undefined
  contentType: string | undefined
  body: string
}

let server: Server
let base: string
let seen: Seen[]
let reply: (req: Seen, res: ServerResponse) => void
let streams: ServerResponse[]

beforeEach(async () => {
  seen = []
  streams = []
  reply = (_req, res) => json(res, 200, { ok: true })
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, contentType: req.headers['content-type'], body }
      seen.push(entry)
      reply(entry, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(async () => {
  for (const s of streams) s.destroy()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(value))
}

const client = (token = 't0ken') => createHttpClient({ baseUrl: `${base}/`, token, backoffMs: [50, 100] })

describe('HTTP client: calls', () => {
  it('builds each call from the route table, with the bearer token', async () => {
    const api = client()
    await api.getSettings({})
    await api.listSessions({ search: 'al ice', limit: 50 })
    await api.updateSessionData({ key: 'k/1', data: { a: 1 } })
    await api.updateSettings({ settings: { SESSION_COOKIE_AGE: 20 } })
    await api.resetClock({})
    await api.advanceClock({ seconds: 90 })
    await api.getTraffic({ id: 7 })
    await api.exportHar({ ids: [1, 2] })
    await api.closeBrowser({})
    expect(seen.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([
      'GET /api/settings ',
      'GET /api/sessions?limit=50&search=al+ice ',
      'PUT /api/sessions/k%2F1/data {"data":{"a":1}}',
      'PATCH /api/settings {"SESSION_COOKIE_AGE":20}',
      'POST /api/clock/reset ',
      'POST /api/clock/advance {"seconds":90}',
      'GET /api/traffic/7 ',
      'GET /api/har?ids=1%2C2 ',
      'POST /api/browser/close {}'
    ])
    expect(new Set(seen.map((s) => s.auth))).toEqual(new Set(['Bearer t0ken']))
    expect(seen[2]?.contentType).toBe('application/json')
    expect(seen[0]?.contentType).toBeUndefined()
  })

  it('returns the JSON answer, and the contract value for a 204', async () => {
    reply = (req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(204)
        res.end()
      } else json(res, 200, { now: '2026-03-01T12:00:00Z', realNow: 'x', offsetSeconds: 5, frozen: true })
    }
    const api = client()
    expect(await api.getClock({})).toMatchObject({ offsetSeconds: 5, frozen: true })
    expect(await api.deleteSession({ key: 'abc' })).toEqual({ deleted: true })
    expect(seen[1]).toMatchObject({ method: 'DELETE', url: '/api/sessions/abc', body: '' })
  })

  it('maps error bodies to ApiError with code, status and setting errors', async () => {
    reply = (_req, res) =>
      json(res, 400, {
        error: 'SESSION_COOKIE_AGE: got -1, allowed: a whole number of seconds, 0 or more',
        code: 'invalid_setting',
        setting: 'SESSION_COOKIE_AGE',
        errors: [{ setting: 'SESSION_COOKIE_AGE', message: 'SESSION_COOKIE_AGE: got -1, allowed: a whole number of seconds, 0 or more' }]
      })
    const error = await client().updateSettings({ settings: { SESSION_COOKIE_AGE: -1 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'invalid_setting', status: 400, errors: [{ setting: 'SESSION_COOKIE_AGE' }] })
  })

  it('maps a bare status (401, 404, 500 without JSON) to the matching code', async () => {
    const statuses = [401, 404, 500]
    reply = (_req, res) => {
      res.writeHead(statuses.shift() ?? 500, { 'Content-Type': 'text/plain' })
      res.end('nope')
    }
    const api = client()
    for (const code of ['unauthorized', 'not_found', 'internal']) {
      await expect(api.getStatus({})).rejects.toMatchObject({ code })
    }
  })

  it('says clearly when the server cannot be reached', async () => {
    const api = createHttpClient({ baseUrl: 'http://127.0.0.1:9', token: 'x' })
    await expect(api.getStatus({})).rejects.toThrow(/Cannot reach Session Inspector at http:\/\/127\.0\.0\.1:9/)
  })
})

function collect(api: ApiClient) {
  const events: ApiEvent[] = []
  const states: ConnectionState['state'][] = []
  const offState = api.onConnection((s) => states.push(s.state))
  const off = api.subscribe((e) => events.push(e))
  return { events, states, stop: () => (off(), offState()) }
}

async function until(check: () => boolean, what: string, ms = 5000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function openStream(res: ServerResponse) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  res.write(': hello\n\n')
  streams.push(res)
}

describe('HTTP client: events', () => {
  it('reads SSE frames split across chunks, skipping comments and unknown or broken frames', async () => {
    reply = (req, res) => (req.url === '/api/events' ? openStream(res) : json(res, 404, { error: 'no', code: 'not_found' }))
    const api = client()
    const { events, states, stop } = collect(api)
    await until(() => streams.length === 1 && states.includes('open'), 'the stream')
    expect(seen[0]?.auth).toBe('Bearer t0ken')
    const s = streams[0] as ServerResponse
    s.write('event: clock\ndata: {"now":"2026-03-01T12:00:00Z","realNow":"x",')
    s.write('"offsetSeconds":0,"frozen":false}\n')
    s.write('\n: keep-alive\n\nevent: nonsense\ndata: {}\n\nevent: sessions\ndata: not json\n\n')
    s.write('event: sessions\r\ndata: {"reason":"engine switched"}\r\n\r\n')
    await until(() => events.length === 2, 'two events')
    expect(events).toEqual([
      { type: 'clock', payload: { now: '2026-03-01T12:00:00Z', realNow: 'x', offsetSeconds: 0, frozen: false } },
      { type: 'sessions', payload: { reason: 'engine switched' } }
    ])
    stop()
  })

  it('reconnects with backoff when the stream drops, reporting the state', async () => {
    let refused = 0
    reply = (req, res) => {
      if (req.url !== '/api/events') return json(res, 404, { error: 'no', code: 'not_found' })
      if (streams.length === 1 && refused < 2) {
        refused++
        return json(res, 503, { error: 'busy', code: 'internal' })
      }
      openStream(res)
    }
    const api = client()
    const { events, states, stop } = collect(api)
    await until(() => states.includes('open'), 'the first open')
    ;(streams[0] as ServerResponse).end()
    await until(() => streams.length === 2 && states.filter((s) => s === 'open').length === 2, 'the reconnect')
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'reconnecting', 'open'])
    ;(streams[1] as ServerResponse).write('event: settings\ndata: {"SESSION_COOKIE_AGE":20}\n\n')
    await until(() => events.length === 1, 'an event after reconnecting')
    stop()
  })

  it('stops the stream when the last listener leaves', async () => {
    reply = (req, res) => (req.url === '/api/events' ? openStream(res) : json(res, 200, {}))
    const api = client()
    const { states, stop } = collect(api)
    await until(() => states.includes('open'), 'the stream')
    const closed = new Promise((resolve) => (streams[0] as ServerResponse).on('close', resolve))
    stop()
    await closed
    await new Promise((r) => setTimeout(r, 250))
    expect(seen.filter((s) => s.url === '/api/events')).toHaveLength(1)
  })
})

describe('SseParser', () => {
  it('handles multi-line data, fields without a space, and a CRLF split between chunks', () => {
    const p = new SseParser()
    expect(p.push('event:a\ndata: line1\ndata:line2\r')).toEqual([])
    expect(p.push('\n\r\n')).toEqual([{ event: 'a', data: 'line1\nline2' }])
    expect(p.push('data: x\n\n')).toEqual([{ event: 'message', data: 'x' }])
    expect(p.push(': only a comment\n\n')).toEqual([])
  })
})
