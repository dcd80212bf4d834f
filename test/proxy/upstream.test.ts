// The app behind the proxy failing: nothing listening (502 page, 'upstream-error', Status
// down) and then started (up again, from the monitor's probe), a connection reset before
// or during the response, an answer that is not valid HTTP, a pooled connection the app
// closed (a GET is sent again), and an app that never answers (upstreamTimeoutMs).
import { request } from 'node:http'
import type { Socket } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import type { Status } from '../../src/shared/api'
import { Browser, decodeEntities, send } from './support/browser'
import { nextEvent, startInspector, useInspector, withEntry, type Started } from './support/inspector'
import { deferred, freePort, serve, serveTcp, type Upstream } from './support/servers'

describe('an upstream that is down, then comes up', () => {
  let port = 0
  let app: Upstream | null = null
  const started = useInspector(async () => {
    port = await freePort()
    return { upstream: `http://127.0.0.1:${port}` }
  })
  const inspector = () => started().inspector
  afterAll(async () => {
    await app?.close()
  })

  it('the browser gets a 502 page naming the address and the error; the entry is upstream-error; Status says down', async () => {
    const b = new Browser(inspector().proxyUrl)
    const { result: r, entry } = await withEntry(inspector(), '/p1/get/', () => b.get('/p1/get/'))
    expect(r.status).toBe(502)
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    const page = decodeEntities(r.body)
    expect(page).toContain('502 Bad Gateway')
    expect(page).toContain(`http://127.0.0.1:${port}`)
    expect(page).toContain('connection refused (ECONNREFUSED)')
    // The browser is still recognised (the proxy's own cookie), but no session cookie is set.
    expect(r.setCookies).toEqual([expect.stringMatching(/^si_client=/)])
    expect(entry.effect).toBe('upstream-error')
    expect(entry.status).toBe(502)
    expect(entry.error).toBe(`upstream http://127.0.0.1:${port}: connection refused (ECONNREFUSED)`)

    const status = await inspector().api.getStatus({})
    expect(status.upstreamState).toBe('down')
    expect(status.upstreamError).toContain('connection refused (ECONNREFUSED)')
    const events = started().events.filter((e) => e.type === 'status').map((e) => e.payload as Status)
    expect(events.some((s) => s.upstreamState === 'down' && s.upstreamError?.includes('ECONNREFUSED'))).toBe(true)
  })

  it('the proxy keeps running: once the app listens on that port, the monitor reports it up and requests work', async () => {
    const up = nextEvent(inspector(), 'status', (s) => s.upstreamState === 'up', 10_000)
    app = await serve((_req, res) => res.end('back'), { port })
    const status = await up
    expect(status.upstreamError).toBeUndefined()
    expect((await inspector().api.getStatus({})).upstreamState).toBe('up')
    const r = await send(new URL('/again', inspector().proxyUrl))
    expect(r.status).toBe(200)
    expect(r.body).toBe('back')
  })
})

describe('an upstream that misbehaves', () => {
  const servers: { close(): Promise<void> }[] = []
  const inspectors: Started[] = []
  afterAll(async () => {
    for (const i of inspectors) await i.close()
    for (const s of servers) await s.close()
  })

  async function behind(onSocket: (s: Socket) => void, timeoutMs?: number): Promise<Started & { url: string }> {
    const tcp = await serveTcp(onSocket)
    servers.push(tcp)
    const s = await startInspector({ upstream: tcp.url, upstreamTimeoutMs: timeoutMs })
    inspectors.push(s)
    return { ...s, url: tcp.url }
  }

  it('resets the connection before answering: 502 naming the reset, and the proxy keeps serving', async () => {
    const { inspector, url } = await behind((s) => s.once('data', () => s.resetAndDestroy()))
    const { result: r, entry } = await withEntry(inspector, '/reset', () => send(new URL('/reset', inspector.proxyUrl)))
    expect(r.status).toBe(502)
    expect(decodeEntities(r.body)).toContain('connection reset by the app (ECONNRESET)')
    expect(entry.effect).toBe('upstream-error')
    expect(entry.error).toBe(`upstream ${url}: connection reset by the app (ECONNRESET)`)
    // Each request gets its own answer: the proxy is not wedged by the last one.
    expect((await send(new URL('/reset-again', inspector.proxyUrl))).status).toBe(502)
  })

  it('sends a GET again on a new connection when the app closed the pooled one as it went out (a keep-alive timeout), never a POST', async () => {
    // Each connection answers its first request and resets at the second: what a request meets
    // on a pooled connection that the app closed just before (gunicorn's keep-alive is 2 s).
    const seen: string[] = []
    let connections = 0
    const { inspector, url } = await behind((s) => {
      let n = 0
      let requests = 0
      s.on('data', (d: Buffer) => {
        n ||= ++connections
        requests++
        seen.push(`${n}.${requests} ${d.toString('latin1').split(' ', 2).join(' ')}`)
        if (requests === 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
        else s.resetAndDestroy()
      })
    })
    expect((await send(new URL('/first', inspector.proxyUrl))).status).toBe(200)
    const { result: r, entry } = await withEntry(inspector, '/again', () => send(new URL('/again', inspector.proxyUrl)))
    expect(r).toMatchObject({ status: 200, body: 'ok' })
    expect(entry.status).toBe(200)
    expect(entry.error).toBeUndefined()
    expect(seen).toEqual(['1.1 GET /first', '1.2 GET /again', '2.1 GET /again'])
    // A POST is not sent twice (the app may have acted on it): the reset is the browser's 502.
    const { result: post, entry: postEntry } = await withEntry(inspector, '/order', () =>
      send(new URL('/order', inspector.proxyUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'qty=1' })
    )
    expect(post.status).toBe(502)
    expect(postEntry.error).toBe(`upstream ${url}: connection reset by the app (ECONNRESET)`)
    expect(seen.filter((line) => line.endsWith('/order'))).toEqual(['2.2 POST /order'])
  })

  it('a browser that leaves while the request is sent again: the second request to the app is cancelled, and logged once', async () => {
    // The first connection answers once and resets at the next request; the second holds it.
    let connections = 0
    const held = { arrived: deferred(), closed: deferred() }
    const { inspector } = await behind((s) => {
      let n = 0
      let requests = 0
      s.on('data', () => {
        n ||= ++connections
        requests++
        if (n === 1 && requests === 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
        else if (n === 1) s.resetAndDestroy()
        else {
          held.arrived.resolve()
          s.once('close', () => held.closed.resolve())
        }
      })
    })
    expect((await send(new URL('/first', inspector.proxyUrl))).status).toBe(200)
    const logged = nextEvent(inspector, 'traffic', (e) => e.url === '/held')
    const req = request(new URL('/held', inspector.proxyUrl), { agent: false })
    req.on('error', () => undefined)
    req.end()
    await held.arrived.promise
    req.destroy()
    await held.closed.promise // cancelled, not held until the 60 s timeout
    expect(await logged).toMatchObject({ status: null, error: 'the browser closed the connection before the app answered' })
    await new Promise((r) => setTimeout(r, 100))
    const { entries } = await inspector.api.listTraffic({ search: '/held' })
    expect(entries.filter((e) => e.url === '/held')).toHaveLength(1)
  })

  for (const [label, answer, code] of [
    ['a status line without a code', 'HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n', 'HPE_INVALID_STATUS'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN'],
    ['a Content-Length that is no number', 'HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nok', 'HPE_INVALID_CONTENT_LENGTH']
  ] as const) {
    it(`answers with ${label}: 502 saying the app answered with invalid HTTP, naming the parser's code (issue 13)`, async () => {
      const { inspector, url } = await behind((s) => s.once('data', () => s.end(answer)))
      const { result: r, entry } = await withEntry(inspector, '/invalid', () => send(new URL('/invalid', inspector.proxyUrl)))
      expect(r.status).toBe(502)
      expect(decodeEntities(r.body)).toContain(`the app answered with invalid HTTP (${code})`)
      expect(entry.error).toMatch(new RegExp(`^upstream ${url}: the app answered with invalid HTTP \\(${code}\\): Parse Error: `))
    })
  }

  it('resets in the middle of the body: the browser sees the response break off, the entry says so', async () => {
    const { inspector } = await behind((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\npartial')
        setTimeout(() => s.resetAndDestroy(), 20)
      })
    )
    const { result, entry } = await withEntry(inspector, '/cut', () =>
      send(new URL('/cut', inspector.proxyUrl)).then(
        (r) => ({ ok: true as const, r }),
        (e: Error) => ({ ok: false as const, e })
      )
    )
    // Either the socket errors, or the body is short: never a complete 1000-byte answer.
    if (result.ok) expect(result.r.body.length).toBeLessThan(1000)
    else expect(result.e.message).toMatch(/aborted|socket hang up|ECONNRESET/)
    expect(entry.status).toBe(200)
    expect(entry.error).toBe("the app's response broke off: connection reset by the app (ECONNRESET)")
  })

  it('never answers: with upstreamTimeoutMs the browser gets a 502 saying it timed out', async () => {
    const held: Socket[] = []
    const { inspector, url } = await behind((s) => held.push(s), 300)
    const { result: r, entry } = await withEntry(inspector, '/slow', () => send(new URL('/slow', inspector.proxyUrl)))
    expect(r.status).toBe(502)
    expect(decodeEntities(r.body)).toContain('no answer within 0.3 s')
    expect(entry.effect).toBe('upstream-error')
    expect(entry.error).toBe(`upstream ${url}: timed out (ETIMEDOUT): no answer within 0.3 s`)
    expect(held.length).toBeGreaterThan(0)
    expect((await inspector.api.getStatus({})).upstreamState).toBe('down')
  })
})
