// app:// serves the built UI to the window with the strict CSP, and nothing outside it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_SCHEME_PRIVILEGES, serveAppFile } from '../../src/main/electron/app-protocol'
import { APP_CSP } from '../../src/main/electron/security'

let top: string
let ui: string
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'si-app-'))
  ui = join(top, 'renderer')
  mkdirSync(join(ui, 'assets'), { recursive: true })
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>SI</title>')
  writeFileSync(join(ui, 'assets', 'index.js'), 'export {}')
  writeFileSync(join(top, 'secret.txt'), 'TOP SECRET')
})
afterAll(() => rmSync(top, { recursive: true, force: true }))

const get = (url: string, method = 'GET') => serveAppFile(ui, { url, method })

describe('serveAppFile', () => {
  it('serves the index with the strict CSP and nosniff', async () => {
    for (const url of ['app://session-inspector/', 'app://session-inspector/index.html', 'app://session-inspector/index.html#/x']) {
      const res = await get(url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('content-security-policy')).toBe(APP_CSP)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await res.text()).toBe('<!doctype html><title>SI</title>')
    }
  })

  it('serves module scripts as JavaScript', async () => {
    const res = await get('app://session-inspector/assets/index.js')
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await res.text()).toBe('export {}')
  })

  it.each([
    'app://session-inspector/../secret.txt',
    'app://session-inspector/..%2fsecret.txt',
    'app://session-inspector/assets/..%2f..%2fsecret.txt',
    'app://session-inspector/%2e%2e%2fsecret.txt',
    'app://session-inspector/..%5csecret.txt',
    'app://other/index.html',
    'app://session-inspector/missing.js'
  ])('refuses %s', async (url) => {
    const res = await get(url)
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('TOP SECRET')
  })

  it('refuses other verbs and says when the UI is not built', async () => {
    expect((await get('app://session-inspector/index.html', 'POST')).status).toBe(405)
    const res = await serveAppFile(join(top, 'nothing'), { url: 'app://session-inspector/', method: 'GET' })
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('npm run build')
  })

  it('registers a standard, secure scheme (a real origin, a secure context)', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } })
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP')
  })
})
