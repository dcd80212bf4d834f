// The pipe core (pipe.ts) against what http-proxy did: the same path to the app, the same
// request headers in the browser's order, Content-Length: 0 on a bodiless DELETE, a Host
// for an HTTP/1.0 request that had none.
import { createRequire } from 'node:module'
import { parse } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import { outgoingPath } from '../../src/main/proxy/pipe'
import { rawExchange } from './support/raw'
import { serve, type Upstream } from './support/servers'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const common = createRequire(import.meta.url)('http-proxy/lib/http-proxy/common') as { urlJoin(...parts: string[]): string }

describe('outgoingPath', () => {
  it('is the request target the browser sent, behind the upstream\'s path; an absolute-form one gets http-proxy\'s joined path', () => {
    for (const url of ['/', '/a//b', '/go/http://x.example/', "/it's", '/a?x=//y']) {
      expect(outgoingPath('', url)).toBe(url)
      expect(outgoingPath('/', url)).toBe(url)
      expect(outgoingPath('/base/', url)).toBe(`/base${url}`)
      expect(outgoingPath('/base', url)).toBe(`/base${url}`)
    }
    expect(outgoingPath('/base/', '*')).toBe('*')
    for (const url of ['http://h.example/x//y?q=1', 'https://h.example']) expect(outgoingPath('/base/', url)).toBe(common.urlJoin('/base/', parse(url).path ?? ''))
  })
})

describe("the app's request", () => {
  let app: Upstream
  let inspector: Inspector
  let dataDir: string
  const seen: { method: string; url: string; rawHeaders: string[] }[] = []
  beforeAll(async () => {
    app = await serve((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: [...req.rawHeaders] })
      res.end('ok')
    })
    dataDir = mkdtempSync(join(tmpdir(), 'si-pipe-'))
    inspector = await Inspector.start({ dataDir, upstream: `${app.url}/base/`, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
  })
  afterAll(async () => {
    await inspector.close()
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const port = () => Number(new URL(inspector.proxyUrl).port)
  const header = (raw: string[], name: string) => raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === name)

  it('carries the request target as sent (behind the upstream\'s /base), with Content-Length: 0 on a DELETE without a body', async () => {
    const r = await rawExchange(port(), `DELETE /items//7?x=1 HTTP/1.1\r\nHost: site.test\r\nX-B: 1\r\nConnection: close\r\n\r\n`)
    expect(r.head).toMatch(/^HTTP\/1\.1 200/)
    const last = seen.at(-1)!
    expect(last).toMatchObject({ method: 'DELETE', url: '/base/items//7?x=1' })
    expect(header(last.rawHeaders, 'content-length')).toEqual(['0'])
    expect(last.rawHeaders.filter((_, i) => i % 2 === 0).slice(0, 1)).toEqual(['Host'])
  })

  it('names the app in Host (after the other headers) for an HTTP/1.0 request without one', async () => {
    const r = await rawExchange(port(), `GET /old HTTP/1.0\r\nX-Old: 1\r\n\r\n`)
    expect(r.head).toMatch(/^HTTP\/1\.[01] 200/)
    const last = seen.at(-1)!
    expect(header(last.rawHeaders, 'host')).toEqual([new URL(app.url).host])
    expect(last.rawHeaders[0]).toBe('X-Old')
    expect(header(last.rawHeaders, 'x-forwarded-host')).toEqual([''])
    expect(header(last.rawHeaders, 'x-forwarded-port')).toEqual(['80'])
  })
})

describe('an https app', () => {
  it("is asked for the browser's host by SNI, never for an IP (as Node's agent derived it from the Host header)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-pipe-tls-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' })
    const names: string[] = []
    const server = createHttpsServer({
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      SNICallback: (name, cb) => {
        names.push(name)
        cb(null)
      }
    }, (_req, res) => res.end('ok'))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const address = server.address() as { port: number }
    const inspector = await Inspector.start({ dataDir: dir, upstream: `https://127.0.0.1:${address.port}`, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    try {
      const port = Number(new URL(inspector.proxyUrl).port)
      // The certificate is trusted by nobody: the answer is the 502 page either way.
      expect((await rawExchange(port, `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`)).status).toBe(502)
      expect((await rawExchange(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).status).toBe(502)
      expect(names).toEqual(['localhost'])
    } finally {
      await inspector.close()
      await new Promise((r) => server.close(r))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
