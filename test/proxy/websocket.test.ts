// WebSocket upgrades through the proxy: an echo server (ws) behind it gets the proxy's
// X-Session for the browser's session on the upgrade request (never a forged one, never
// si_client), and messages flow both ways.
import type { IncomingMessage } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { encodeWireSession, encodeWireUpdate, parseWireSession, type WireSession } from '../../src/shared/wire'
import { Browser, send } from './support/browser'
import { rawExchange } from './support/raw'
import { nextEvent, startInspector, useInspector, withEntry } from './support/inspector'
import { serve, type Upstream } from './support/servers'

let app: Upstream
let wss: WebSocketServer
const upgrades: IncomingMessage[] = []

const started = useInspector(async () => {
  app = await serve((req, res) => {
    if (req.url === '/login') res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true, data: { user: 'alice' } }))
    if (req.url === '/echo') {
      // What a plain request that asked to upgrade looks like to the app.
      let body = ''
      req.setEncoding('latin1')
      req.on('data', (c: string) => (body += c))
      req.on('end', () => {
        res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true }))
        res.end(JSON.stringify({ method: req.method, body, upgrade: req.headers.upgrade ?? null, connection: req.headers.connection ?? null, session: parseWireSession(sessionHeaders(req)[0] ?? '') }))
      })
      return
    }
    res.end('ok')
  })
  wss = new WebSocketServer({
    server: app.server,
    // /forbidden is refused with a 403 that carries an update header, as a careless app might send.
    verifyClient: (info, done) => (info.req.url === '/forbidden' ? done(false, 403, 'Forbidden', { 'X-Session-Update': encodeWireUpdate({ flush: true }) }) : done(true))
  })
  // Every 101 carries an update header too: it must not reach the browser either.
  wss.on('headers', (headers) => headers.push(`X-Session-Update: ${encodeWireUpdate({ accessed: true })}`))
  wss.on('connection', (ws, req) => {
    upgrades.push(req)
    ws.send('welcome')
    ws.on('message', (data, isBinary) => ws.send(isBinary ? Buffer.concat([Buffer.from('echo:'), data as Buffer]) : `echo: ${String(data)}`, { binary: isBinary }))
  })
  return { upstream: app.url }
})
const inspector = () => started().inspector
afterAll(async () => {
  for (const client of wss?.clients ?? []) client.terminate()
  wss?.close()
  await app?.close()
})

/** The X-Session values of an upgrade request, as the app received them. */
function sessionHeaders(req: IncomingMessage): string[] {
  const out: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]?.toLowerCase() === 'x-session') out.push(req.rawHeaders[i + 1] as string)
  return out
}

/** Opens a WebSocket through the proxy; resolves once open, with a queue of incoming messages. */
async function open(headers: Record<string, string>): Promise<{ ws: WebSocket; upgrade: IncomingMessage; next(): Promise<{ data: Buffer; binary: boolean }> }> {
  const ws = new WebSocket(`${inspector().proxyUrl.replace(/^http/, 'ws')}/socket`, { headers })
  const upgrade = new Promise<IncomingMessage>((resolve) => ws.once('upgrade', resolve))
  const queue: { data: Buffer; binary: boolean }[] = []
  const waiting: ((m: { data: Buffer; binary: boolean }) => void)[] = []
  ws.on('message', (data, binary) => {
    const m = { data: data as Buffer, binary }
    const w = waiting.shift()
    if (w) w(m)
    else queue.push(m)
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ws, upgrade: await upgrade, next: () => new Promise((resolve) => (queue.length ? resolve(queue.shift() as { data: Buffer; binary: boolean }) : waiting.push(resolve))) }
}

describe('WebSocket through the proxy', () => {
  it("the upgrade carries the browser's session as the proxy's one X-Session, not the forged ones, and no si_client", async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    const forged = encodeWireSession({ v: 1, key: 'forgedforgedforgedforgedforged00', data: { user: 'admin' }, expiryAge: 1, expiryDate: '2030-01-01T00:00:00.000Z', expireAtBrowserClose: false, cookieAge: 1, now: '2030-01-01T00:00:00.000Z' })
    upgrades.length = 0
    const { ws, upgrade, next } = await open({
      Cookie: b.jar.getCookieStringSync(inspector().proxyUrl),
      'X-Session': forged,
      'X-SESSION-UPDATE': encodeWireUpdate({ flush: true })
    })
    expect(upgrades).toHaveLength(1)
    const req = upgrades[0] as IncomingMessage
    const values = sessionHeaders(req)
    expect(values).toHaveLength(1)
    const session: WireSession = parseWireSession(values[0] as string)
    expect(session).toMatchObject({ key, data: { user: 'alice' } })
    expect(req.headers['x-session-update']).toBeUndefined()
    expect(req.headers.cookie).toBe(`sessionid=${key}`)
    expect(req.headers['x-forwarded-for']).toBe('127.0.0.1')
    // What the browser got back: the 101, without the app's update header.
    expect(upgrade.statusCode).toBe(101)
    expect(upgrade.headers['x-session-update']).toBeUndefined()

    expect(String((await next()).data)).toBe('welcome')
    ws.send('hello')
    expect(String((await next()).data)).toBe('echo: hello')
    ws.send(Buffer.from([0, 1, 2, 255]), { binary: true })
    const binary = await next()
    expect(binary.binary).toBe(true)
    expect([...binary.data]).toEqual([...Buffer.from('echo:'), 0, 1, 2, 255])

    const logged = nextEvent(inspector(), 'traffic', (s) => s.url === '/socket')
    ws.close()
    const summary = await logged
    expect(summary.status).toBe(101)
    expect(summary.reason).toBe('WebSocket: the session was handed to the app on the upgrade request')
    const entry = await inspector().api.getTraffic({ id: summary.id })
    expect(entry.xSession).toMatchObject({ key, data: { user: 'alice' } })
    // The session is untouched by the forged flush.
    expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
  })

  it('without a session cookie the app gets an empty session (key null) on the upgrade', async () => {
    upgrades.length = 0
    const { ws, next } = await open({})
    expect(parseWireSession(sessionHeaders(upgrades[0] as IncomingMessage)[0] as string)).toMatchObject({ key: null, data: {} })
    expect(String((await next()).data)).toBe('welcome')
    ws.send('x'.repeat(100_000))
    expect(String((await next()).data)).toBe(`echo: ${'x'.repeat(100_000)}`)
    ws.close()
  })

  it('an upgrade the app refuses: the browser gets its 403, without the update header, and the entry says 403', async () => {
    const logged = nextEvent(inspector(), 'traffic', (s) => s.url === '/forbidden')
    const ws = new WebSocket(`${inspector().proxyUrl.replace(/^http/, 'ws')}/forbidden`)
    const refused = await new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => resolve(res))
      ws.once('open', () => reject(new Error('opened')))
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['x-session-update']).toBeUndefined()
    refused.destroy()
    const summary = await logged
    expect(summary.status).toBe(403)
  })

  it('an upgrade to an app that is gone fails cleanly and the proxy keeps serving', async () => {
    const gone = await serve((_q, s) => s.end())
    const url = gone.url
    await gone.close()
    const other = await startInspector({ upstream: url })
    try {
      const logged = nextEvent(other.inspector, 'traffic', (s) => s.url === '/socket')
      const ws = new WebSocket(`${other.inspector.proxyUrl.replace(/^http/, 'ws')}/socket`)
      const failure = await new Promise<string>((resolve) => {
        ws.once('error', (e) => resolve(e.message))
        ws.once('open', () => resolve('opened'))
      })
      // The browser is told why, in a 502, as for a plain request.
      expect(failure).toBe('Unexpected server response: 502')
      const summary = await logged
      expect(summary.effect).toBe('upstream-error')
      expect(summary.error).toMatch(/connection refused \(ECONNREFUSED\)/)
      // The proxy still answers plain requests (with the 502 page, the app being gone).
      expect((await send(new URL('/after', other.inspector.proxyUrl))).status).toBe(502)
    } finally {
      await other.close()
    }
  })
})

// Node gives every request carrying `Upgrade` to the upgrade listener; curl --http2 on an
// http:// URL sends `Upgrade: h2c` with every request, and such a request must still be served.
describe('a request that asks to upgrade to something other than WebSocket', () => {
  const port = () => Number(new URL(inspector().proxyUrl).port)
  const h2c = ['Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA']

  it("a GET with Upgrade: h2c is served as plain HTTP/1.1: the app's answer, its session, a normal traffic entry", async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    const { result: r, entry } = await withEntry(inspector(), '/echo', () =>
      rawExchange(port(), [`GET /echo HTTP/1.1`, 'Host: 127.0.0.1', `Cookie: sessionid=${key}`, ...h2c, '', ''].join('\r\n'))
    )
    expect(r.status).toBe(200)
    expect(r.head).toMatch(/\r\nConnection: close/i)
    expect(r.head).not.toMatch(/x-session-update/i)
    expect(r.head).toMatch(/\r\nVary: Cookie/)
    const seen = JSON.parse(r.body) as { method: string; upgrade: string | null; connection: string | null; session: WireSession }
    // The upgrade offer is the browser's hop only: the app gets a plain request with the session.
    expect(seen.upgrade).toBeNull()
    expect(seen.connection).not.toMatch(/upgrade/i)
    expect(seen.session).toMatchObject({ key, data: { user: 'alice' } })
    expect(entry.status).toBe(200)
    expect(entry.effect).toBe('read')
  })

  it('a POST with Upgrade: h2c and a Content-Length body: the app gets the whole body', async () => {
    const body = 'name=Sonam&' + 'x'.repeat(200_000)
    const r = await rawExchange(port(), [`POST /echo HTTP/1.1`, 'Host: 127.0.0.1', ...h2c, `Content-Length: ${body.length}`, 'Content-Type: application/x-www-form-urlencoded', '', body].join('\r\n'))
    expect(r.status).toBe(200)
    const seen = JSON.parse(r.body) as { method: string; body: string }
    expect(seen.method).toBe('POST')
    expect(seen.body).toBe(body)
  })

  it('a HEAD with Upgrade: h2c gets the head only', async () => {
    const r = await rawExchange(port(), [`HEAD /echo HTTP/1.1`, 'Host: 127.0.0.1', ...h2c, '', ''].join('\r\n'))
    expect(r.status).toBe(200)
    expect(r.body).toBe('')
  })

  it('a chunked body with Upgrade: h2c is refused with a 400 saying why, and the proxy keeps serving', async () => {
    const r = await rawExchange(port(), [`POST /echo HTTP/1.1`, 'Host: 127.0.0.1', ...h2c, 'Transfer-Encoding: chunked', '', '5', 'hello', '0', '', ''].join('\r\n'))
    expect(r.status).toBe(400)
    expect(r.body).toContain('needs a Content-Length')
    expect((await send(new URL('/after', inspector().proxyUrl))).status).toBe(200)
  })
})
