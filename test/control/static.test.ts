// The web UI: files with their types and the strict CSP, no way out of the UI folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveStaticPath } from '../../src/main/control'
import { raw, startHarness, type Harness } from './harness'

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

let top: string
let ui: string
let h: Harness
beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'si-ui-'))
  ui = join(top, 'renderer')
  mkdirSync(join(ui, 'assets'), { recursive: true })
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>SI</title><script type="module" src="./assets/app.js"></script>')
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log("app")')
  writeFileSync(join(ui, 'assets', 'app.css'), 'body{}')
  writeFileSync(join(ui, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(ui, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]))
  writeFileSync(join(ui, '.env'), 'HIDDEN=1')
  writeFileSync(join(top, 'secret.txt'), 'TOP SECRET')
  h = await startHarness({ uiDir: ui })
})
afterAll(async () => {
  await h.close()
  rmSync(top, { recursive: true, force: true })
})

describe('web UI files', () => {
  it('serves index.html at / with the strict CSP', async () => {
    const res = await fetch(`${h.server.url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toBe(CSP)
    expect(await res.text()).toContain('<title>SI</title>')
  })

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8', 'console.log("app")'],
    ['/assets/app.css', 'text/css; charset=utf-8', 'body{}'],
    ['/assets/logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['/index.html', 'text/html; charset=utf-8', '<!doctype html>']
  ])('serves %s as %s', async (path, type, start) => {
    const res = await fetch(h.server.url + path)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(type)
    expect(res.headers.get('content-security-policy')).toBe(CSP)
    expect((await res.text()).startsWith(start)).toBe(true)
  })

  it('serves binary files byte for byte', async () => {
    const res = await fetch(`${h.server.url}/assets/font.woff2`)
    expect(res.headers.get('content-type')).toBe('font/woff2')
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0x77, 0x4f, 0x46, 0x32])
  })

  it('answers HEAD without a body', async () => {
    const res = await raw(h.server.port, { method: 'HEAD', path: '/assets/app.js' })
    expect(res.status).toBe(200)
    expect(res.headers['content-length']).toBe('18')
    expect(res.text).toBe('')
  })

  it('answers 404 for missing files and folders, and 405 for other verbs', async () => {
    expect((await fetch(`${h.server.url}/assets/missing.js`)).status).toBe(404)
    expect((await fetch(`${h.server.url}/assets`)).status).toBe(404)
    expect((await fetch(`${h.server.url}/assets/`)).status).toBe(404)
    expect((await fetch(`${h.server.url}/index.html`, { method: 'POST' })).status).toBe(405)
  })

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%252e%252e%252fsecret.txt',
    '/.env',
    '/%2eenv',
    '/index.html%00.js',
    '/%E0%A4%A'
  ])('never leaves the UI folder: %s', async (path) => {
    const res = await raw(h.server.port, { path })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.text).not.toContain('TOP SECRET')
    expect(res.text).not.toContain('HIDDEN')
  })

  it('says how to build the UI when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'si-noui-'))
    const bare = await startHarness({ uiDir: empty })
    try {
      const res = await fetch(`${bare.server.url}/`)
      expect(res.status).toBe(503)
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(await res.text()).toContain('run npm run build')
    } finally {
      await bare.close()
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

describe('resolveStaticPath', () => {
  it('maps paths inside the root and refuses the rest', () => {
    expect(resolveStaticPath('/srv/ui', '/')).toBe('/srv/ui/index.html')
    expect(resolveStaticPath('/srv/ui', '/assets/a%20b.js')).toBe('/srv/ui/assets/a b.js')
    expect(resolveStaticPath('/srv/ui', '//assets//x.js')).toBe('/srv/ui/assets/x.js')
    for (const bad of ['/..', '/a/../../b', '/..%2f', '/%2e%2e', '/a%5c..%5c..%5cb', '/%00', '/%zz', '/.git/config', '/c:%5cwindows']) {
      expect(resolveStaticPath('/srv/ui', bad)).toBeNull()
    }
  })
})
