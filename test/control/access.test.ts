// Who gets in: the bearer token, the Host check against DNS rebinding, no CORS, security headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allowedHostNames, hasValidToken, isAllowedHost } from '../../src/main/control/access'
import { auth, raw, startHarness, TOKEN, type Harness } from './harness'

let h: Harness
let port: number
beforeAll(async () => {
  h = await startHarness()
  port = h.server.port
})
afterAll(() => h.close())

describe('token', () => {
  it('refuses /api without a token, with 401, a JSON error and WWW-Authenticate: Bearer', async () => {
    const res = await fetch(`${h.server.url}/api/health`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(await res.json()).toMatchObject({ code: 'unauthorized', error: expect.stringContaining('Bearer') })
  })

  it.each([
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['another scheme', `Basic ${TOKEN}`],
    ['the bare token', TOKEN],
    ['an empty bearer', 'Bearer ']
  ])('refuses %s', async (_, header) => {
    const res = await fetch(`${h.server.url}/api/health`, { headers: { Authorization: header } })
    expect(res.status).toBe(401)
  })

  it('refuses a token in the query string', async () => {
    const res = await fetch(`${h.server.url}/api/health?token=${TOKEN}`)
    expect(res.status).toBe(401)
  })

  it('lets the right token through, whatever the case of "Bearer"', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const res = await fetch(`${h.server.url}/api/health`, { headers: { Authorization: `${scheme} ${TOKEN}` } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true, version: '9.9.9-test' })
    }
  })

  it('checks the token before telling whether an endpoint exists', async () => {
    const res = await fetch(`${h.server.url}/api/no-such-thing`)
    expect(res.status).toBe(401)
  })

  it('compares tokens exactly', () => {
    expect(hasValidToken(`Bearer ${TOKEN}`, TOKEN)).toBe(true)
    expect(hasValidToken(`Bearer ${TOKEN} `, TOKEN)).toBe(true)
    expect(hasValidToken(`Bearer ${TOKEN.toUpperCase()}`, TOKEN)).toBe(false)
    expect(hasValidToken(undefined, TOKEN)).toBe(false)
    expect(hasValidToken('Bearer a b', TOKEN)).toBe(false)
  })
})

describe('Host header (DNS rebinding)', () => {
  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])('accepts %s with the right port', async (name) => {
    const res = await raw(port, { path: '/api/health', headers: { ...auth, Host: `${name}:${port}` } })
    expect(res.status).toBe(200)
  })

  it.each([
    ['a foreign name', () => `evil.example:${port}`],
    ['a foreign name without a port', () => 'evil.example'],
    ['a rebinding name that resolves to loopback', () => `127.0.0.1.nip.io:${port}`],
    ['the right name on another port', () => `127.0.0.1:${port + 1}`],
    ['loopback without a port', () => 'localhost'],
    ['garbage', () => 'a b c']
  ])('refuses %s with 403, even with the token', async (_, host) => {
    const res = await raw(port, { path: '/api/health', headers: { ...auth, Host: host() } })
    expect(res.status).toBe(403)
    expect(res.json()).toMatchObject({ code: 'forbidden' })
  })

  it('guards the web UI too', async () => {
    const res = await raw(port, { path: '/', headers: { Host: `evil.example:${port}` } })
    expect(res.status).toBe(403)
    const ok = await raw(port, { path: '/', headers: { Host: `localhost:${port}` } })
    expect(ok.status).not.toBe(403)
  })

  it('names the allowed hosts by listening address', () => {
    const loop = allowedHostNames('127.0.0.1')
    expect([...loop].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost'])
    expect(isAllowedHost('localhost:8081', loop, 8081)).toBe(true)
    expect(isAllowedHost('localhost:8082', loop, 8081)).toBe(false)
    expect(isAllowedHost('localhost', allowedHostNames('localhost'), 80)).toBe(true)
    const lan = allowedHostNames('192.168.7.20')
    expect(isAllowedHost('192.168.7.20:9000', lan, 9000)).toBe(true)
    expect(isAllowedHost('localhost:9000', lan, 9000)).toBe(false)
    const any = allowedHostNames('0.0.0.0')
    expect(isAllowedHost('127.0.0.1:9000', any, 9000)).toBe(true)
    expect(isAllowedHost('attacker.example:9000', any, 9000)).toBe(false)
  })
})

describe('cross-origin', () => {
  it('never sends CORS headers, even to an Origin that asks', async () => {
    const res = await fetch(`${h.server.url}/api/health`, { headers: { ...auth, Origin: 'http://evil.example' } })
    for (const name of res.headers.keys()) expect(name).not.toMatch(/^access-control-/)
  })

  // Found by the reliability suite (issue 13): a foreign Origin with the token got 200.
  it.each([
    ['another site', 'http://evil.example'],
    ['another port of this host', 'http://127.0.0.1:1'],
    ['https on this address', 'https://127.0.0.1:PORT'],
    ['a sandboxed frame or file: page', 'null'],
    ['a look-alike with credentials', 'http://127.0.0.1:PORT@evil.example'],
    ['a path after the origin', 'http://127.0.0.1:PORT/x']
  ])('refuses a request from %s with 403, even with the token, for the API and the UI', async (_, origin) => {
    const Origin = origin.replace('PORT', String(port))
    for (const [method, path, headers] of [
      ['GET', '/api/health', auth],
      ['POST', '/api/clock/reset', auth],
      ['GET', '/', {}]
    ] as const) {
      const res = await raw(port, { method, path, headers: { ...headers, Origin } })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.json()).toMatchObject({ code: 'forbidden', error: expect.stringContaining('cross-origin') })
    }
  })

  it("lets the server's own origin through (the web UI's POSTs carry it)", async () => {
    for (const Origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `HTTP://127.0.0.1:${port}`]) {
      const res = await raw(port, { method: 'POST', path: '/api/clock/reset', headers: { ...auth, Origin } })
      expect(res.status, Origin).toBe(200)
    }
  })

  it('refuses preflights with 403', async () => {
    const res = await raw(port, {
      method: 'OPTIONS',
      path: '/api/clock/advance',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' }
    })
    expect(res.status).toBe(403)
    expect(Object.keys(res.headers).filter((n) => n.startsWith('access-control-'))).toEqual([])
  })
})

describe('security headers', () => {
  it('are on API answers, with no-store caching', async () => {
    const res = await fetch(`${h.server.url}/api/health`, { headers: auth })
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('are on errors and UI answers too', async () => {
    for (const path of ['/api/health', '/', '/missing.js']) {
      const res = await fetch(h.server.url + path)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })
})
