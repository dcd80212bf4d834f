// Attacks found by trying the proxy as a new attacker would (issue 13), each kept as a
// regression test: a real inspector in front of a real upstream on 127.0.0.1.
import { connect } from 'node:net'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeBase64UrlJson } from '../../src/shared/wire'
import { MAX_JSON_DEPTH } from '../../src/shared/json'
import { Browser } from './support/browser'
import { useInspector, withEntry } from './support/inspector'
import { rawExchange, rawGet } from './support/raw'
import { serve, type Upstream } from './support/servers'

/** An update whose data is `{"x": {"x": … 1 …}}`, `depth` objects deep, as text (JSON.stringify would overflow). */
function deepUpdate(depth: number): string {
  const data = `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`
  return Buffer.from(`{"accessed":true,"modified":true,"data":${data}}`).toString('base64url')
}

const seen: { url: string; rawHeaders: string[] }[] = []
let app: Upstream

const started = useInspector(async () => {
  app = await serve((req, res) => {
    seen.push({ url: req.url ?? '', rawHeaders: [...req.rawHeaders] })
    const url = new URL(req.url ?? '/', 'http://app.invalid')
    if (url.pathname === '/login') res.setHeader('X-Session-Update', encodeBase64UrlJson({ accessed: true, modified: true, data: { user: 'alice' } }))
    if (url.pathname === '/deep') {
      res.setHeader('X-Session-Update', deepUpdate(Number(url.searchParams.get('depth'))))
    }
    if (url.pathname === '/reflect') {
      // An app that shows its request headers (a debug page) and names some of its own X-Session-*.
      res.writeHead(200, [...req.rawHeaders.flatMap((v, i) => (i % 2 === 0 ? [`Echo-${v}`] : [v])), 'X-Session', req.headers['x-session'] as string, 'X-Session-Debug', 'x', 'x_session_id', 'y', 'X-Sess', 'kept', 'X-App-Session', 'kept'])
      res.end('reflected')
      return
    }
    if (url.pathname === '/slow') {
      setTimeout(() => res.end(`app saw ${req.url}`), Number(url.searchParams.get('ms')))
      return
    }
    if (url.pathname === '/bad-expiry') res.setHeader('X-Session-Update', encodeBase64UrlJson({ modified: true, data: { user: 'eve', _session_expiry: url.searchParams.get('at') } }))
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

describe('deeply nested JSON in X-Session-Update', () => {
  it('depth 3,000: the app\'s 200 arrives, the update is refused with the limit named, the session is unchanged', async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    const { result, entry } = await withEntry(inspector(), '/deep?depth=3000', () => b.get('/deep?depth=3000'))
    expect(result.status).toBe(200)
    expect(result.body).toBe('app saw /deep?depth=3000')
    expect(entry.effect).toBe('rejected')
    expect(entry.error).toMatch(new RegExp(`^X-Session-Update refused: X-Session-Update: data\\.x\\.x.*nests more than ${MAX_JSON_DEPTH} levels deep`))
    expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
  })

  it('the app\'s connection is reused after each refused update (its answer is consumed), and the proxy keeps serving', async () => {
    // Warm up: the pooled connection exists, and the upstream monitor's first probe is over.
    expect((await new Browser(inspector().proxyUrl).get('/warm')).status).toBe(200)
    const before = app.connections()
    for (let i = 0; i < 20; i++) {
      const r = await new Browser(inspector().proxyUrl).get('/deep?depth=5000')
      expect(r.status).toBe(200)
    }
    // The pooled keep-alive connection serves them all (a leaked one per request would make 20 more).
    expect(app.connections() - before).toBe(0)
    expect((await new Browser(inspector().proxyUrl).get('/after')).body).toBe('app saw /after')
  })

  it(`data nested exactly ${MAX_JSON_DEPTH} levels (the session dict counting as one) is applied`, async () => {
    const b = new Browser(inspector().proxyUrl)
    const { entry } = await withEntry(inspector(), `/deep?depth=${MAX_JSON_DEPTH}`, () => b.get(`/deep?depth=${MAX_JSON_DEPTH}`))
    expect(entry.effect).toBe('created')
    const { entry: over } = await withEntry(inspector(), `/deep?depth=${MAX_JSON_DEPTH + 1}`, () => b.get(`/deep?depth=${MAX_JSON_DEPTH + 1}`))
    expect(over.effect).toBe('rejected')
  })
})

describe('an out-of-range date in the app\'s update', () => {
  it.each(['2020-02-30T00:00:00+00:00', '2020-13-45T00:00:00', '2020-01-01T25:61:00'])('_session_expiry "%s" (fromisoformat refuses it) is refused, not rolled over', async (at) => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    const path = `/bad-expiry?at=${encodeURIComponent(at)}`
    const { result, entry } = await withEntry(inspector(), path, () => b.get(path))
    expect(result.status).toBe(200)
    expect(entry.effect).toBe('rejected')
    expect(entry.error).toMatch(/data\._session_expiry must be seconds, null or a valid date: an ISO-8601 date-time/)
    expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
  })
})

describe('request headers reach the app in the browser\'s order', () => {
  it('as sent and as spelled, Host first, the proxy\'s own headers right after it, its removals applied', async () => {
    const r = await rawExchange(port(), rawGet('/echo', host(), ['Accept: text/html', 'X-Zeta: 1', 'x-alpha: 2', 'Cookie: a=1', 'X-Forwarded-For: 10.0.0.1', 'X-Session-Foo: forged', 'User-Agent: order-test', 'X-Middle: 3']))
    expect(r.status).toBe(200)
    const names = (seen.at(-1)?.rawHeaders ?? []).filter((_, i) => i % 2 === 0)
    const browser = names.filter((n) => !/^(x-session|x-forwarded-(host|proto|port)|connection)$/i.test(n))
    expect(browser).toEqual(['Host', 'Accept', 'X-Zeta', 'x-alpha', 'Cookie', 'X-Forwarded-For', 'User-Agent', 'X-Middle'])
    expect(names.slice(1, 5).map((n) => n.toLowerCase()).sort()).toEqual(['x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-session'])
    const raw = seen.at(-1)?.rawHeaders ?? []
    expect(raw[raw.indexOf('X-Forwarded-For') + 1]).toBe('10.0.0.1,127.0.0.1')
  })

  it('with 1,200 headers an app that takes them gets Host first (and its session) and answers 200, as it does directly', async () => {
    const pad = Array.from({ length: 1200 }, (_, i) => `X-${i}: 1`)
    const direct = await rawExchange(app.port, rawGet('/many', `127.0.0.1:${app.port}`, pad))
    expect(direct.status).toBe(200)
    const r = await rawExchange(port(), rawGet('/many', host(), pad))
    expect(r.status).toBe(200)
    expect(r.body).toBe('app saw /many')
    const raw = seen.at(-1)?.rawHeaders ?? []
    expect(raw[0]).toBe('Host')
    expect(raw.map((n) => n.toLowerCase())).toContain('x-session')
  })
})

describe('the whole X-Session* namespace belongs to the proxy', () => {
  it('no X-Session-prefixed header a browser sends reaches the app, in any case or spelling; look-alikes do', async () => {
    const r = await rawExchange(port(), rawGet('/echo', host(), ['X-Session-Foo: 1', 'X-Sessionx: 2', 'x-SESSION-id: 3', 'X_Session_Key: 4', 'X-Session-Update-2: 5', 'x-session: 6', 'X-Sess: kept', 'X-My-Session: kept']))
    expect(r.status).toBe(200)
    const raw = seen.at(-1)?.rawHeaders ?? []
    const names = raw.filter((_, i) => i % 2 === 0)
    expect(names.filter((n) => /^x[-_]session/i.test(n))).toEqual(['x-session'])
    expect(raw[raw.indexOf('x-session') + 1]).not.toBe('6')
    expect(names).toEqual(expect.arrayContaining(['X-Sess', 'X-My-Session']))
  })

  it('nor does any the app answers with reach the browser (an app reflecting its request headers cannot leak X-Session)', async () => {
    const r = await rawExchange(port(), rawGet('/reflect', host(), ['X-Session-Foo: forged']))
    expect(r.status).toBe(200)
    expect(r.body).toBe('reflected')
    const names = r.head.split('\r\n').slice(1).map((l) => l.slice(0, l.indexOf(':')))
    expect(names.filter((n) => /^x[-_]session/i.test(n))).toEqual([])
    expect(names).toEqual(expect.arrayContaining(['X-Sess', 'X-App-Session', 'Echo-Host', 'Echo-x-session']))
  })
})

describe('the browser\'s connection', () => {
  it('CONNECT gets a 405 saying this is no forward proxy, with Allow; the proxy keeps serving', async () => {
    const r = await rawExchange(port(), 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
    expect(r.status).toBe(405)
    expect(r.head).toMatch(/\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE\r\n/)
    expect(r.body).toContain('not a forward proxy: CONNECT (a tunnel) is not supported')
    expect(seen).toHaveLength(0)
    expect((await new Browser(inspector().proxyUrl).get('/after')).status).toBe(200)
  })

  /** Sends a complete request, half-closes at once (FIN), and reads until the proxy closes. */
  function halfClose(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port(), '127.0.0.1')
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      socket.once('error', reject)
      socket.once('connect', () => socket.end(`GET ${path} HTTP/1.1\r\nHost: ${host()}\r\n\r\n`))
      socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    })
  }

  it.each([0, 300])('a client that half-closes after a complete request still gets the response (app answering after %i ms)', async (ms) => {
    const text = await halfClose(`/slow?ms=${ms}`)
    // 1xx answers may come first (every HTTP/1.1 client skips them); then the app's own.
    const final = text.replace(/^(HTTP\/1\.1 100 Continue\r\n\r\n)*/, '')
    expect(final).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(final.endsWith(`app saw /slow?ms=${ms}`)).toBe(true)
  })
})
