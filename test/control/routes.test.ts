// The REST face: every route reaches its method with the right input; validation, bodies and errors.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { API_METHODS, type ApiInput, type ApiMethod } from '../../src/shared/api'
import { ApiError } from '../../src/shared/errors'
import { ROUTES, routeOf } from '../../src/shared/routes'
import { fakeSession } from '../support/fake-api'
import { sendRaw } from '../reliability/support/api-raw'
import { httpApi } from '../support/http-api'
import { auth, jsonHeaders, startHarness, TOKEN, type Harness } from './harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())
beforeEach(() => {
  h.calls.length = 0
  h.sessions.clear()
  h.sessions.set('abcdefgh12345678', fakeSession('abcdefgh12345678', { n: 1 }))
})

const post = (path: string, body: unknown, headers: Record<string, string> = jsonHeaders) =>
  fetch(h.server.url + path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })

/** A valid input for every method, using every field the route can carry. */
const SAMPLES: { [M in ApiMethod]: ApiInput<M> } = {
  health: {},
  getStatus: {},
  getSettings: {},
  updateSettings: { settings: { SESSION_COOKIE_AGE: 20 } },
  resetSettings: {},
  revealSecretKey: {},
  regenerateSecretKey: {},
  previewCookie: {},
  getClock: {},
  advanceClock: { seconds: 90.5 },
  setClock: { now: '2031-02-03T04:05:06Z' },
  freezeClock: { frozen: true },
  resetClock: {},
  listSessions: { search: 'user id', limit: 5, offset: 10, user: '42' },
  getSession: { key: 'abcdefgh12345678' },
  updateSessionData: { key: 'abcdefgh12345678', data: { cart: [1, 2], 'odd key/?': null } },
  setSessionExpiry: { key: 'abcdefgh12345678', value: '2031-01-01T00:00:00Z' },
  expireSession: { key: 'key with spaces/and/slashes' },
  deleteSession: { key: 'abcdefgh12345678' },
  clearExpired: {},
  getUser: { id: '42' },
  logoutUser: { id: 'user/with slash', except: 'abcdefgh12345678' },
  listClients: {},
  renameClient: { id: 'c1', name: 'Firefox (QA)' },
  closeBrowser: { client: 'c1' },
  listTraffic: { limit: 50, before: 900, sessionKey: 'abcdefgh12345678', search: 'GET /cart', effect: 'created' },
  getTraffic: { id: 42 },
  clearTraffic: {},
  exportHar: { ids: [3, 1, 2], redact: false }
}

describe('every route', () => {
  it('has exactly one route per method', () => {
    expect(ROUTES.map((r) => r.method).sort()).toEqual([...API_METHODS].sort())
  })

  it.each(API_METHODS.map((m) => [m, routeOf(m).verb, routeOf(m).path] as const))(
    '%s (%s %s) reaches the method with its input',
    async (method) => {
      const client = httpApi(h.server.url, TOKEN)
      await (client[method] as (input: unknown) => Promise<unknown>)(SAMPLES[method])
      expect(h.calls).toEqual([{ method, input: SAMPLES[method] }])
    }
  )
})

describe('bodies, query and path', () => {
  it('PATCH /api/settings passes the body as {settings: body}', async () => {
    const res = await fetch(`${h.server.url}/api/settings`, { method: 'PATCH', headers: jsonHeaders, body: '{"SESSION_COOKIE_AGE": 20}' })
    expect(res.status).toBe(200)
    expect(h.calls).toEqual([{ method: 'updateSettings', input: { settings: { SESSION_COOKIE_AGE: 20 } } }])
    expect(await res.json()).toMatchObject({ SESSION_COOKIE_AGE: 20 })
  })

  it('invalid_setting errors carry the setting and all errors', async () => {
    const res = await fetch(`${h.server.url}/api/settings`, {
      method: 'PATCH',
      headers: jsonHeaders,
      body: JSON.stringify({ SESSION_COOKIE_AGE: 'soon', SESSION_ENGINE: 'mongo' })
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; setting: string; errors: { setting: string }[]; error: string }
    expect(body.code).toBe('invalid_setting')
    expect(body.setting).toBe('SESSION_COOKIE_AGE')
    expect(body.errors.map((e) => e.setting)).toEqual(['SESSION_COOKIE_AGE', 'SESSION_ENGINE'])
    expect(body.error).toMatch(/SESSION_COOKIE_AGE/)
  })

  it('reads query values with their types', async () => {
    const res = await fetch(`${h.server.url}/api/traffic?limit=5&effect=read&search=%2Fcart`, { headers: auth })
    expect(res.status).toBe(200)
    expect(h.calls).toEqual([{ method: 'listTraffic', input: { limit: 5, effect: 'read', search: '/cart' } }])
  })

  it('reads numeric path parameters as numbers, and refuses non-numbers as unknown paths', async () => {
    await fetch(`${h.server.url}/api/traffic/7`, { headers: auth })
    expect(h.calls).toEqual([{ method: 'getTraffic', input: { id: 7 } }])
    const res = await fetch(`${h.server.url}/api/traffic/seven`, { headers: auth })
    expect(res.status).toBe(404)
  })

  it('refuses a body field that contradicts the path', async () => {
    const res = await fetch(`${h.server.url}/api/sessions/abcdefgh12345678/data`, {
      method: 'PUT',
      headers: jsonHeaders,
      body: JSON.stringify({ key: 'someoneelse', data: {} })
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(/key/)
    expect(h.calls).toEqual([])
  })

  it('accepts a body without Content-Type when it is JSON (curl -d)', async () => {
    const res = await post('/api/clock/advance', '{"seconds": 60}', auth)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { offsetSeconds: number }).offsetSeconds).toBe(60)
  })

  it('ignores the body of a route that takes none', async () => {
    const res = await post('/api/clock/reset', '{"anything": true}')
    expect(res.status).toBe(200)
    expect(h.calls).toEqual([{ method: 'resetClock', input: {} }])
  })
})

describe('bad input', () => {
  it('is refused with 400 naming the field, before the API is called', async () => {
    const res = await post('/api/clock/advance', { seconds: -1 })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; error: string }
    expect(body.code).toBe('bad_request')
    expect(body.error).toContain('advanceClock.seconds')
    expect(h.calls).toEqual([])
  })

  it.each([
    ['an unknown field', '/api/clock/advance', { seconds: 1, minutes: 2 }, /minutes/],
    ['a missing field', '/api/clock/advance', {}, /seconds/],
    ['a wrong type', '/api/clock/freeze', { frozen: 'yes' }, /frozen/],
    ['a bad date', '/api/clock/set', { now: 'tomorrow' }, /now/],
    ['a body that is not an object', '/api/clock/advance', [1, 2], /JSON object/]
  ])('%s', async (_, path, body, message) => {
    const res = await post(path, body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(message)
    expect(h.calls).toEqual([])
  })

  it('refuses a bad query value naming it', async () => {
    const res = await fetch(`${h.server.url}/api/sessions?limit=lots`, { headers: auth })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toContain('listSessions.limit')
  })

  it('refuses invalid JSON with a clear 400', async () => {
    const res = await post('/api/clock/advance', '{"seconds": 1,')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; error: string }
    expect(body.code).toBe('bad_request')
    expect(body.error).toMatch(/not valid JSON/)
  })

  it('refuses a body over 2 MiB with 413', async () => {
    const big = JSON.stringify({ settings: { pad: 'x'.repeat(2 * 1024 * 1024) } })
    const res = await fetch(`${h.server.url}/api/settings`, { method: 'PATCH', headers: jsonHeaders, body: big })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' })
    expect(h.calls).toEqual([])
  })

  it('refuses an oversized body sent without Content-Length (chunked) with 413', async () => {
    const chunk = 'x'.repeat(64 * 1024)
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 3 * 1024 * 1024) return controller.close()
        sent += chunk.length
        controller.enqueue(new TextEncoder().encode(chunk))
      }
    })
    const res = await fetch(`${h.server.url}/api/clock/advance`, { method: 'POST', headers: jsonHeaders, body: stream, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
  })

  // The rest of an oversized body is drained, not left unread: the client reads the 413 (no
  // reset), and the same connection answers the next request (issue 13).
  it('drains the rest of an oversized body: the 413 arrives, and the connection answers the next request', async () => {
    const host: [string, string] = ['Host', `127.0.0.1:${h.server.port}`]
    const authorization: [string, string] = ['Authorization', `Bearer ${TOKEN}`]
    for (const chunked of [false, true]) {
      const res = await sendRaw(
        h.server.port,
        { method: 'PATCH', target: '/api/settings', headers: [host, authorization], body: { size: 6 * 1024 * 1024, chunked } },
        15_000,
        { method: 'GET', target: '/api/health', headers: [host, authorization] }
      )
      expect(res.status, res.error).toBe(413)
      expect(res.followUp?.status, res.followUp?.error).toBe(200)
    }
    expect(h.calls.map((c) => c.method)).toEqual(['health', 'health'])
  })

  it('accepts a body just under the limit', async () => {
    const data = { pad: 'x'.repeat(2 * 1024 * 1024 - 100) }
    const res = await fetch(`${h.server.url}/api/sessions/abcdefgh12345678/data`, { method: 'PUT', headers: jsonHeaders, body: JSON.stringify({ data }) })
    expect(res.status).toBe(200)
  })
})

describe('answers', () => {
  it('DELETE answers 204 with no body', async () => {
    const res = await fetch(`${h.server.url}/api/sessions/abcdefgh12345678`, { method: 'DELETE', headers: auth })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(h.sessions.has('abcdefgh12345678')).toBe(false)
  })

  it('an ApiError from the service keeps its status: unknown session → 404', async () => {
    const res = await fetch(`${h.server.url}/api/sessions/nosuchkey123`, { method: 'DELETE', headers: auth })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ code: 'not_found', error: 'no session nosuchkey123' })
  })

  it('an unknown /api path is a JSON 404', async () => {
    for (const path of ['/api/nope', '/api', '/api/sessions/a/b/c']) {
      const res = await fetch(h.server.url + path, { headers: auth })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await res.json()).toMatchObject({ code: 'not_found' })
    }
  })

  it('a known path with the wrong verb is a JSON 405 with Allow', async () => {
    const res = await fetch(`${h.server.url}/api/clock`, { method: 'POST', headers: auth })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET')
    expect(await res.json()).toMatchObject({ code: 'method_not_allowed' })
    const both = await fetch(`${h.server.url}/api/sessions/abc`, { method: 'POST', headers: auth })
    expect(both.status).toBe(405)
    expect(both.headers.get('allow')).toBe('GET, DELETE')
  })

  it('an unexpected error is a 500 without a stack trace, and is logged', async () => {
    const original = h.api.getStatus
    h.api.getStatus = async () => {
      throw new TypeError('cannot read properties of undefined')
    }
    try {
      const res = await fetch(`${h.server.url}/api/status`, { headers: auth })
      expect(res.status).toBe(500)
      const text = await res.text()
      expect(JSON.parse(text)).toEqual({ code: 'internal', error: 'cannot read properties of undefined' })
      expect(text).not.toMatch(/\bat \S+ \(/)
      expect(h.logs.some((line) => line.includes('TypeError') && line.includes('/api/status'))).toBe(true)
    } finally {
      h.api.getStatus = original
    }
  })

  // Found while building the reliability suite (issue 13): the logged line held the whole URL,
  // query included, so a token (or anything else) a script put in the query went to the log.
  it('logs an unexpected error with the path only, never the query string', async () => {
    const original = h.api.getStatus
    h.api.getStatus = async () => {
      throw new TypeError('boom')
    }
    try {
      const res = await fetch(`${h.server.url}/api/status?token=${TOKEN}&q=private-value`, { headers: auth })
      expect(res.status).toBe(500)
      const line = h.logs.find((l) => l.includes('boom')) as string
      expect(line).toContain('GET /api/status failed')
      expect(line).not.toContain(TOKEN)
      expect(line).not.toContain('private-value')
    } finally {
      h.api.getStatus = original
    }
  })

  it('the HTTP client rebuilds ApiErrors', async () => {
    const client = httpApi(h.server.url, TOKEN)
    const error = await client.getSession({ key: 'missing-key-1' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'not_found', status: 404 })
  })
})
