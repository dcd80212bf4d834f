// The shell's pure security checks: app URLs, external links, IPC senders, permissions, CSP.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { APP_CSP, APP_INDEX_URL, devCsp, isAppUrl, isExternalLink, isPermissionAllowed, isTrustedSender } from '../../src/main/electron/security'

describe('isAppUrl', () => {
  it('accepts the app scheme on its host, any page and hash', () => {
    expect(isAppUrl('app://session-inspector/index.html', APP_INDEX_URL)).toBe(true)
    expect(isAppUrl('app://session-inspector/index.html#/sessions/abc', APP_INDEX_URL)).toBe(true)
    expect(isAppUrl('app://session-inspector/', APP_INDEX_URL)).toBe(true)
  })

  it.each([
    'app://other-host/index.html',
    'app://user:pw@session-inspector/index.html',
    'file:///index.html',
    'http://session-inspector/index.html',
    'https://evil.example/',
    'javascript:alert(1)',
    'not a url',
    ''
  ])('refuses %s', (url) => {
    expect(isAppUrl(url, APP_INDEX_URL)).toBe(false)
  })

  it('matches a dev server by scheme, host and port', () => {
    const dev = 'http://localhost:5173'
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5173/src/main.tsx?t=1', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false)
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false)
  })

  it('matches a file:// app by its exact file', () => {
    const file = 'file:///opt/si/out/renderer/index.html'
    expect(isAppUrl('file:///opt/si/out/renderer/index.html#x', file)).toBe(true)
    expect(isAppUrl('file:///etc/passwd', file)).toBe(false)
    expect(isAppUrl('file:///opt/si/out/renderer/other.html', file)).toBe(false)
  })
})

describe('isExternalLink', () => {
  it('lets only http and https out to the system browser', () => {
    expect(isExternalLink('https://docs.djangoproject.com/en/stable/')).toBe(true)
    expect(isExternalLink('http://127.0.0.1:8080/')).toBe(true)
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'app://session-inspector/', 'ms-settings:', 'nope']) {
      expect(isExternalLink(url)).toBe(false)
    }
  })
})

describe('isTrustedSender', () => {
  const contents = { id: 1 }
  const trusted = { webContents: contents, appUrl: APP_INDEX_URL }
  const event = (over: Partial<{ sender: unknown; url: string; parent: unknown; frame: null }> = {}) => ({
    sender: 'sender' in over ? over.sender : contents,
    senderFrame: over.frame === null ? null : { url: over.url ?? 'app://session-inspector/index.html', parent: 'parent' in over ? over.parent : null }
  })

  it('trusts the main frame of our window on our page', () => {
    expect(isTrustedSender(event(), trusted)).toBe(true)
  })

  it.each([
    ['another webContents', event({ sender: { id: 2 } })],
    ['a subframe', event({ parent: { url: 'app://session-inspector/index.html' } })],
    ['a page navigated elsewhere', event({ url: 'https://evil.example/' })],
    ['a frame already gone', event({ frame: null })]
  ])('refuses %s', (_, e) => {
    expect(isTrustedSender(e, trusted)).toBe(false)
  })

  it('refuses everything while there is no window', () => {
    expect(isTrustedSender(event(), null)).toBe(false)
  })
})

describe('permissions and CSP', () => {
  it('grants only clipboard writes, only to the app', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://session-inspector/index.html', APP_INDEX_URL)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://session-inspector', APP_INDEX_URL)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', APP_INDEX_URL)).toBe(false)
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(isPermissionAllowed(p, 'app://session-inspector/index.html', APP_INDEX_URL)).toBe(false)
    }
  })

  it('serves the strict policy in production', () => {
    expect(APP_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
  })

  it('relaxes only what Vite needs in dev', () => {
    const csp = devCsp('http://localhost:5173/')
    expect(csp).toContain("script-src 'self' 'unsafe-inline'")
    expect(csp).toContain("connect-src 'self' ws://localhost:5173")
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
  })
})

describe('module boundaries', () => {
  it.each(['security', 'ipc', 'menu', 'window-state', 'window-options', 'shell-options', 'relay', 'app-protocol'])(
    'src/main/electron/%s.ts imports Electron for types only (so it runs under plain Node)',
    (name) => {
      const source = readFileSync(new URL(`../../src/main/electron/${name}.ts`, import.meta.url), 'utf8')
      expect(source).not.toMatch(/^import (?!type )[^\n]*from 'electron'/m)
    }
  )
})
