// The body framing of requests the proxy passes on (issue 13's fuzzing): a chunked DELETE
// or OPTIONS, and a chunked request past Node's first 1,000 headers, reach the app framed,
// so that their bodies can never be read by the app as requests of their own; and an answer
// with more than 1,000 headers is read whole.
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { useInspector } from './support/inspector'
import { rawExchange } from './support/raw'
import { serve, type Upstream } from './support/servers'

interface Seen {
  method: string
  url: string
  body: string
  sessionHeaders: string[]
  headerCount: number
  /** Position of X-Session among the headers. */
  sessionIndex: number
}
const seen: Seen[] = []
let app: Upstream

const started = useInspector(async () => {
  app = await serve((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('latin1'),
        sessionHeaders: req.rawHeaders.flatMap((n, i) => (i % 2 === 0 && /^x[-_]session/i.test(n) ? [`${n}: ${req.rawHeaders[i + 1]}`] : [])),
        headerCount: req.rawHeaders.length / 2,
        sessionIndex: req.rawHeaders.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === 'x-session') / 2
      })
      res.end(`app read ${chunks.reduce((n, c) => n + c.length, 0)} bytes`)
    })
  })
  // The app keeps every header too (Node's default is its first 1,000), to count what arrives.
  app.server.maxHeadersCount = 0
  return { upstream: app.url }
})
const port = () => Number(new URL(started().inspector.proxyUrl).port)

afterAll(async () => {
  await app?.close()
})
beforeEach(() => {
  seen.length = 0
})

/** A request smuggled in a body: what the app would run, with an X-Session the proxy never vetted. */
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: app\r\nX-Session: forged\r\nContent-Length: 0\r\n\r\n'
const chunked = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`
const settle = () => new Promise((r) => setTimeout(r, 150))

describe('chunked DELETE and OPTIONS', () => {
  for (const method of ['DELETE', 'OPTIONS']) {
    it(`${method}: the app reads the chunked body as the body (it was sent as Content-Length: 0 and then the raw bytes)`, async () => {
      const r = await rawExchange(port(), `${method} /items/1 HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked(SMUGGLED)}`)
      expect(r.status).toBe(200)
      expect(r.body).toBe(`app read ${SMUGGLED.length} bytes`)
      await settle()
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([`${method} /items/1`])
      expect(seen[0]?.body).toBe(SMUGGLED)
    })
  }

  it('a DELETE without a body still goes with Content-Length: 0, and the next request on the connection is its own', async () => {
    const r = await rawExchange(port(), 'DELETE /items/2 HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n')
    expect(r.status).toBe(200)
    expect(r.body).toBe('app read 0 bytes')
    expect((await rawExchange(port(), 'GET /next HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n')).status).toBe(200)
    expect(seen.map((s) => `${s.method} ${s.url} ${s.body.length}`)).toEqual(['DELETE /items/2 0', 'GET /next 0'])
  })
})

describe('more than 1,000 request headers', () => {
  const padding = (n: number) => Array.from({ length: n }, (_, i) => `X-Pad-${i}: v\r\n`).join('')

  for (const method of ['GET', 'POST', 'PUT']) {
    it(`${method} with 1,200 headers before Transfer-Encoding: chunked: the body arrives framed, every header is passed on`, async () => {
      const r = await rawExchange(port(), `${method} /many HTTP/1.1\r\nHost: proxy\r\n${padding(1200)}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked(SMUGGLED)}`)
      expect(r.status).toBe(200)
      expect(r.body).toBe(`app read ${SMUGGLED.length} bytes`)
      await settle()
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([`${method} /many`])
      // Host, the 1,200, Transfer-Encoding, X-Session and X-Forwarded-{For,Host,Port,Proto}.
      expect(seen[0]?.headerCount).toBeGreaterThanOrEqual(1200 + 3)
    })
  }

  it("an X-Session sent past the 1,000th header is stripped, and the proxy's own comes right after Host", async () => {
    const r = await rawExchange(port(), `GET /late HTTP/1.1\r\nHost: proxy\r\n${padding(1100)}X-Session: forged\r\nX-Session-Update: forged\r\nConnection: close\r\n\r\n`)
    expect(r.status).toBe(200)
    await settle()
    expect(seen).toHaveLength(1)
    expect(seen[0]?.sessionHeaders).toHaveLength(1)
    expect(seen[0]?.sessionHeaders[0]).not.toContain('forged')
    // Where an app that keeps only its first 1,000 headers still finds it.
    expect(seen[0]?.sessionIndex).toBeLessThan(10)
  })
})

describe('an answer with more than 1,000 headers', () => {
  let wide: Upstream
  const proxied = useInspector(async () => {
    wide = await serve((_req, res) => {
      const headers: string[] = []
      for (let i = 0; i < 1100; i++) headers.push(`X-Filler-${i}`, 'v')
      headers.push('Set-Cookie', 'late=1; Path=/', 'X-Session-Update', Buffer.from(JSON.stringify({ modified: true, data: { user: 'alice' } })).toString('base64url'))
      res.writeHead(200, headers)
      res.end('wide')
    })
    return { upstream: wide.url }
  })
  afterAll(async () => {
    await wide?.close()
  })

  it("the X-Session-Update and Set-Cookie past the 1,000th are read: the session is saved, the browser gets the app's cookie", async () => {
    const r = await rawExchange(Number(new URL(proxied().inspector.proxyUrl).port), 'GET /wide HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n')
    expect(r.status).toBe(200)
    expect(r.body).toBe('wide')
    expect(r.head).toMatch(/\r\nSet-Cookie: late=1; Path=\//i)
    const key = /\r\nSet-Cookie: sessionid=([a-z0-9]+);/i.exec(r.head)?.[1] as string
    expect((await proxied().inspector.api.getSession({ key })).data).toEqual({ user: 'alice' })
  })
})
