// The hardening that takes Electron's objects, driven through fakes of the parts it uses:
// navigation and new windows blocked (web links to the system browser), webviews refused,
// permissions denied, and the dev server's pages really given the CSP header.
import { describe, expect, it } from 'vitest'
import { APP_CSP, APP_INDEX_URL, devCsp, hardenSession, hardenWebContents } from '../../src/main/electron/security'

// Electron's own types, through the functions (tests may not import electron).
type WebContents = Parameters<typeof hardenWebContents>[0]
type Session = Parameters<typeof hardenSession>[0]

type Listener = (event: { url?: string; preventDefault(): void }, ...rest: unknown[]) => void

function fakeContents() {
  const listeners = new Map<string, Listener>()
  let openHandler: ((details: { url: string }) => { action: string }) | null = null
  const contents = {
    on(name: string, listener: Listener) {
      listeners.set(name, listener)
      return contents
    },
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      openHandler = handler
    }
  }
  /** Fires `name` for `url`; true when the handler prevented it. */
  const fire = (name: string, url: string): boolean => {
    let prevented = false
    const listener = listeners.get(name)
    if (!listener) throw new Error(`no ${name} listener`)
    listener({ url, preventDefault: () => (prevented = true) })
    return prevented
  }
  const open = (url: string) => {
    if (!openHandler) throw new Error('no window open handler')
    return openHandler({ url }).action
  }
  return { contents: contents as unknown as WebContents, fire, open }
}

describe('hardenWebContents', () => {
  const setup = (appUrl = APP_INDEX_URL) => {
    const fake = fakeContents()
    const opened: string[] = []
    hardenWebContents(fake.contents, appUrl, (url) => opened.push(url))
    return { ...fake, opened }
  }

  it('lets the window move within its own page and nowhere else', () => {
    for (const event of ['will-navigate', 'will-redirect']) {
      const { fire, opened } = setup()
      expect(fire(event, 'app://session-inspector/index.html#/settings')).toBe(false)
      expect(fire(event, 'https://evil.example/')).toBe(true)
      expect(fire(event, 'file:///etc/passwd')).toBe(true)
      expect(fire(event, 'app://other-host/index.html')).toBe(true)
      // A web link the window was asked to follow opens in the system browser instead.
      expect(opened).toEqual(['https://evil.example/'])
    }
  })

  it('opens no window: http(s) links go to the system browser, anything else is dropped', () => {
    const { open, opened } = setup()
    expect(open('http://127.0.0.1:8080/')).toBe('deny')
    expect(open('https://docs.djangoproject.com/')).toBe('deny')
    expect(open('javascript:alert(1)')).toBe('deny')
    expect(open('file:///etc/passwd')).toBe('deny')
    expect(open(APP_INDEX_URL)).toBe('deny')
    expect(opened).toEqual(['http://127.0.0.1:8080/', 'https://docs.djangoproject.com/'])
  })

  it('refuses to attach webviews', () => {
    const { fire } = setup()
    expect(fire('will-attach-webview', 'app://session-inspector/index.html')).toBe(true)
  })

  it('treats the dev server as the app in dev', () => {
    const { fire } = setup('http://localhost:5173/')
    expect(fire('will-navigate', 'http://localhost:5173/#/traffic')).toBe(false)
    expect(fire('will-navigate', 'http://localhost:5174/')).toBe(true)
  })
})

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void
) => void

function fakeSession() {
  let request: ((wc: unknown, permission: string, callback: (ok: boolean) => void, details: { requestingUrl: string }) => void) | null = null
  let check: ((wc: unknown, permission: string, origin: string) => boolean) | null = null
  let headers: HeadersListener | null = null
  const session = {
    setPermissionRequestHandler: (h: typeof request) => (request = h),
    setPermissionCheckHandler: (h: typeof check) => (check = h),
    webRequest: { onHeadersReceived: (h: HeadersListener) => (headers = h) }
  }
  return {
    session: session as unknown as Session,
    ask(permission: string, url: string): boolean {
      let answer: boolean | null = null
      request?.(null, permission, (ok) => (answer = ok), { requestingUrl: url })
      if (answer === null) throw new Error('the request handler did not answer')
      return answer && (check?.(null, permission, url) ?? false)
    },
    /** The headers the page gets for `url`, or null when no header hook is installed. */
    respond(url: string, responseHeaders: Record<string, string[]>) {
      if (!headers) return null
      let result: Record<string, string[]> | undefined
      headers({ url, responseHeaders }, (r) => (result = r.responseHeaders ?? responseHeaders))
      return result
    }
  }
}

describe('hardenSession', () => {
  it('grants only clipboard writes, only to the app', () => {
    const fake = fakeSession()
    hardenSession(fake.session, APP_INDEX_URL, null)
    expect(fake.ask('clipboard-sanitized-write', APP_INDEX_URL)).toBe(true)
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      expect(fake.ask(permission, APP_INDEX_URL)).toBe(false)
    }
    expect(fake.ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
  })

  it('in production leaves headers to app:// (which sends the strict CSP itself)', () => {
    const fake = fakeSession()
    hardenSession(fake.session, APP_INDEX_URL, null)
    expect(fake.respond(APP_INDEX_URL, {})).toBeNull()
    expect(APP_CSP).toContain("script-src 'self';")
  })

  it("in dev puts the dev CSP on the dev server's pages, keeping their other headers", () => {
    const dev = 'http://localhost:5173/'
    const fake = fakeSession()
    hardenSession(fake.session, dev, dev)
    const page = fake.respond('http://localhost:5173/index.html', { 'Content-Type': ['text/html'] })
    expect(page).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [devCsp(dev)] })
    // Other hosts (there should be none: the CSP forbids them) are not touched.
    expect(fake.respond('https://example.com/', { 'X-A': ['1'] })).toEqual({ 'X-A': ['1'] })
  })
})
