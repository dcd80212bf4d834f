// What a hostile browser or a broken app cannot do through the proxy: inject a session
// (X-Session / X-Session-Update from the client), see the update header, leak si_client to
// the app, or knock the proxy over with oversized, malformed or binary requests; and the
// 1 MiB limit on X-Session-Update, just under and just over.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeWireSession, encodeWireUpdate, MAX_UPDATE_BYTES, parseWireSession, type WireSession } from '../../src/shared/wire'
import { Browser, send } from './support/browser'
import { useInspector, withEntry } from './support/inspector'
import { rawExchange, rawGet } from './support/raw'
import { serve, type Upstream } from './support/servers'

interface Seen {
  url: string
  rawHeaders: string[]
}

const seen: Seen[] = []
let app: Upstream

/** The largest blob whose update ({accessed, modified, data: {blob}}) encodes to at most `limit` characters. */
function blobFor(limit: number): number {
  const overhead = JSON.stringify({ accessed: true, modified: true, data: { blob: '' } }).length
  // base64 without padding: ceil(4n/3) characters for n bytes.
  return Math.floor((limit * 3) / 4) - overhead
}

const started = useInspector(async () => {
  app = await serve((req, res) => {
    seen.push({ url: req.url ?? '', rawHeaders: [...req.rawHeaders] })
    const url = new URL(req.url ?? '/', 'http://app.invalid')
    if (url.pathname === '/login') {
      res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true, data: { user: 'alice' } }))
    } else if (url.pathname === '/read') {
      res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true }))
    } else if (url.pathname === '/blob') {
      const blob = 'x'.repeat(Number(url.searchParams.get('size')))
      res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true, modified: true, data: { blob } }))
    } else if (url.pathname === '/leak') {
      // The update header twice, in two spellings: neither may reach the browser.
      res.writeHead(200, ['X-Session-Update', encodeWireUpdate({ accessed: true }), 'x-SESSION-update', encodeWireUpdate({ flush: true }), 'Content-Type', 'text/plain'])
      res.end('leak?')
      return
    }
    res.setHeader('Content-Type', 'text/plain')
    res.end(`app saw ${req.url}`)
  })
  return { upstream: app.url }
})
const inspector = () => started().inspector
const port = () => Number(new URL(inspector().proxyUrl).port)
const host = () => new URL(inspector().proxyUrl).host

afterAll(async () => {
  await app?.close()
})
beforeEach(() => {
  seen.length = 0
})

/** The headers of the last request the app received, by lower-case name. */
function appHeaders(name: string, at = seen.length - 1): string[] {
  const raw = seen[at]?.rawHeaders ?? []
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) out.push(raw[i + 1] as string)
  return out
}

function appSession(): WireSession {
  const values = appHeaders('x-session')
  expect(values).toHaveLength(1)
  return parseWireSession(values[0] as string)
}

/** Proves the proxy still serves after an abuse. */
async function stillServes(): Promise<void> {
  const r = await send(new URL('/after', inspector().proxyUrl))
  expect(r.status).toBe(200)
  expect(r.body).toBe('app saw /after')
}

describe('session headers from the client', () => {
  const forged = encodeWireSession({ v: 1, key: 'attackerchoosesthiskey0000000000', data: { user: 'admin' }, expiryAge: 1, expiryDate: '2030-01-01T00:00:00.000Z', expireAtBrowserClose: false, cookieAge: 1, now: '2030-01-01T00:00:00.000Z' })
  const forgedUpdate = encodeWireUpdate({ data: { user: 'admin' } })

  it('X-Session and X-Session-Update in any case, any number of times, never reach the app: it sees exactly one X-Session, the proxy\'s', async () => {
    const r = await rawExchange(port(), rawGet('/echo', host(), [
      `X-Session: ${forged}`,
      `x-session: ${forged}`,
      `X-SESSION: garbage`,
      `x-SeSsIoN-uPdAtE: ${forgedUpdate}`,
      `X-Session-Update: ${forgedUpdate}`
    ]))
    expect(r.status).toBe(200)
    const s = appSession()
    expect(s).toMatchObject({ v: 1, key: null, data: {} })
    expect(appHeaders('x-session-update')).toEqual([])
  })

  it('nor do their underscore spellings, which CGI/WSGI servers map onto the same HTTP_X_SESSION variable', async () => {
    const r = await rawExchange(port(), rawGet('/echo', host(), [`X_Session: ${forged}`, `x_session_update: ${forgedUpdate}`, `X-Session_Update: ${forgedUpdate}`]))
    expect(r.status).toBe(200)
    const names = (seen.at(-1)?.rawHeaders ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'))
    expect(names.filter((n) => n === 'x-session')).toHaveLength(1)
    expect(names.filter((n) => n === 'x-session-update')).toHaveLength(0)
    expect(appSession()).toMatchObject({ key: null, data: {} })
  })

  it('naming X-Session or X-Forwarded-For in Connection (hop-by-hop) cannot strip what the proxy adds', async () => {
    const r = await rawExchange(port(), rawGet('/echo', host(), ['Keep-Alive: timeout=5', 'X-Hop: 1']).replace('Connection: close', 'Connection: close, X-Session, X-Forwarded-For, X-Hop, Keep-Alive'))
    expect(r.status).toBe(200)
    expect(appSession()).toMatchObject({ v: 1, key: null })
    expect(appHeaders('x-forwarded-for')).toEqual(['127.0.0.1'])
    // The browser's own hop-by-hop headers stay on its hop.
    expect(appHeaders('x-hop')).toEqual([])
    expect(appHeaders('keep-alive')).toEqual([])
    expect(appHeaders('connection')).toEqual(['keep-alive'])
  })

  it('with a real session, a forged X-Session does not replace it, and a forged update is not applied', async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    const { entry } = await withEntry(inspector(), '/read', () => b.get('/read', { 'X-Session': forged, 'X-Session-Update': forgedUpdate }))
    expect(appSession()).toMatchObject({ key, data: { user: 'alice' } })
    expect(entry.xSession).toMatchObject({ key, data: { user: 'alice' } })
    expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
  })

  it('X-Session-Update never reaches the client, in any spelling', async () => {
    const r = await rawExchange(port(), rawGet('/leak', host()))
    expect(r.status).toBe(200)
    expect(r.body).toBe('leak?')
    expect(r.head.toLowerCase()).not.toContain('x-session-update')
    expect(r.head.toLowerCase()).not.toContain('x-session')
  })

  it('the si_client cookie never reaches the app, wherever it sits in the Cookie headers', async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/first')
    const client = b.cookie('si_client') as string
    expect(client).toMatch(/^[a-f0-9]{32}$/)
    await b.get('/echo', { Cookie: `a=1; si_client=${client}; b=2; si_client=${client}` })
    expect(appHeaders('cookie')).toEqual(['a=1; b=2'])
    await b.get('/echo', { Cookie: `si_client=${client}` })
    expect(appHeaders('cookie')).toEqual([])
    // Two Cookie header lines (HTTP/2-style split), raw.
    await rawExchange(port(), rawGet('/echo', host(), [`Cookie: si_client=${client}`, 'Cookie: c=3']))
    expect(appHeaders('cookie')).toEqual(['c=3'])
  })
})

describe('abuse the proxy answers with a 4xx, and keeps serving', () => {
  it('a 100 KB cookie: 431, and the next request works', async () => {
    const r = await send(new URL('/big', inspector().proxyUrl), { headers: { Cookie: `big=${'a'.repeat(100 * 1024)}` } })
    expect(r.status).toBe(431)
    expect(seen).toHaveLength(0)
    await stillServes()
  })

  it.each([
    ['empty parts and bare names', 'Cookie: ;;;=;a;=b; sessionid'],
    ['an unterminated quote', 'Cookie: sessionid="unterminated; x=1'],
    ['percent garbage', 'Cookie: sessionid=%zz%; si_client=%%; %=%'],
    ['non-ASCII bytes', 'Cookie: sessionid=\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'],
    ['SQL in the key', "Cookie: sessionid='; DROP TABLE django_session;--"]
  ])('a malformed Cookie header (%s) is a request with no session', async (_, line) => {
    const r = await rawExchange(port(), Buffer.from(rawGet('/read', host(), [line]), 'latin1'))
    expect(r.status).toBe(200)
    expect(appSession()).toMatchObject({ key: null, data: {} })
    await stillServes()
  })

  it('a control character in a header: 400 from the parser, and the next request works', async () => {
    const r = await rawExchange(port(), rawGet('/x', host(), ['Cookie: a=\u0001b']))
    expect(r.status).toBe(400)
    expect(seen).toHaveLength(0)
    await stillServes()
  })

  it.each(['/%E0%A4%A', '/%ZZ/%', '/a%00b', '/..%2f..%2fetc%2fpasswd'])('invalid percent-encoding (%s) is passed through as it came', async (path) => {
    const r = await rawExchange(port(), rawGet(path, host()))
    expect(r.status).toBe(200)
    expect(seen.at(-1)?.url).toBe(path)
    await stillServes()
  })

  it('an absolute-form request target goes to the configured app only (no open proxy)', async () => {
    const r = await rawExchange(port(), rawGet('http://evil.example/steal?x=1', 'evil.example'))
    expect(r.status).toBe(200)
    expect(seen.at(-1)?.url).toBe('/steal?x=1')
    expect(r.body).toBe('app saw /steal?x=1')
  })

  it.each([
    ['a TLS ClientHello', Buffer.from('160301020001000200030303' + 'ab'.repeat(64), 'hex')],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['a header line without a colon', Buffer.from('GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n')],
    ['Content-Length with Transfer-Encoding (request smuggling)', Buffer.from('POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')],
    ['a bad Content-Length', Buffer.from(`POST /x HTTP/1.1\r\nHost: ${'h'}\r\nContent-Length: -5\r\n\r\n`)]
  ])('binary garbage on the socket (%s): 400 and the connection closes', async (_, bytes) => {
    const r = await rawExchange(port(), bytes)
    expect(r.status).toBe(400)
    expect(seen).toHaveLength(0)
    await stillServes()
  })
})

describe('the 1 MiB limit on X-Session-Update', () => {
  it('an update of exactly 1 MiB, the largest allowed, is applied, and the next request hands the big session to the app', async () => {
    const size = blobFor(MAX_UPDATE_BYTES)
    expect(encodeWireUpdate({ accessed: true, modified: true, data: { blob: 'x'.repeat(size) } }).length).toBe(MAX_UPDATE_BYTES)
    const b = new Browser(inspector().proxyUrl)
    const { result, entry } = await withEntry(inspector(), `/blob?size=${size}`, () => b.get(`/blob?size=${size}`))
    expect(result.status).toBe(200)
    expect(entry.effect).toBe('created')
    const key = b.cookie('sessionid') as string
    expect(((await inspector().api.getSession({ key })).data.blob as string).length).toBe(size)
    await b.get('/echo')
    expect((appSession().data.blob as string).length).toBe(size)
  })

  it('one just over 1 MiB is refused: the response arrives, the session is as it was', async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    const size = blobFor(MAX_UPDATE_BYTES) + 16
    const { result, entry } = await withEntry(inspector(), `/blob?size=${size}`, () => b.get(`/blob?size=${size}`))
    expect(result.status).toBe(200)
    expect(result.headers['x-session-update']).toBeUndefined()
    expect(entry.effect).toBe('rejected')
    expect(entry.error).toMatch(/^X-Session-Update refused: X-Session-Update is over 1 MiB \(\d+ bytes\)$/)
    expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
  })
})

describe('a bad session key with the file engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-file-store-'))
  const store = join(dir, 'store')
  mkdirSync(join(store, 'etc'), { recursive: true })
  const files = useInspector(() => ({ upstream: app.url, settings: { SESSION_ENGINE: 'file', SESSION_FILE_PATH: store } }))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    ['../../etc/passwd', join(store, 'etc', 'passwd')],
    ['/../../stolen', join(dir, 'stolen')]
  ])('%s is refused: the app gets no session, even with a valid session file where the path leads', async (badKey, target) => {
    const proxy = files().inspector.proxyUrl
    const owner = new Browser(proxy)
    await owner.get('/login')
    const key = owner.cookie('sessionid') as string
    // A real session file, copied to where the traversal would land.
    writeFileSync(target, readFileSync(join(store, `sessionid${key}`)))
    const before = readdirSync(store).sort()

    const attacker = new Browser(proxy)
    attacker.jar.setCookieSync(`sessionid=${badKey}; Path=/`, proxy)
    const { result, entry } = await withEntry(files().inspector, '/read', () => attacker.get('/read'))
    expect(result.status).toBe(200)
    expect(appSession()).toMatchObject({ key: null, data: {} })
    expect(entry.effect).toBe('deleted')
    expect(result.setCookies).toContain('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')
    expect(readdirSync(store).sort()).toEqual(before)
    // The proxy still serves, and the owner's session is intact.
    await owner.get('/read')
    expect(appSession()).toMatchObject({ key, data: { user: 'alice' } })
  })
})
