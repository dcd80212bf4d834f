// The demo app as a whole: the landing page, its links, the stylesheet, Django's
// APPEND_SLASH, 404s, the session footer, and what happens without the proxy.
import { describe, expect, it } from 'vitest'
import { NO_HEADER_MESSAGE } from '../../src/adapters'
import { startDemoApp } from '../../src/main/demo'
import { call } from '../adapters/support'
import { decode, FAR_NOW, KEY, times, useDemo, visit } from './support'

const demo = useDemo()

const PAGES = [
  '/p1/set/', '/p1/get/', '/p1/del/',
  '/p2/set/', '/p2/get/', '/p2/del/',
  '/p3/set/', '/p3/get/', '/p3/del/',
  '/p4/set/', '/p4/check/', '/p4/del/',
  '/home/set/', '/home/get/', '/home/del/',
  '/page/set/', '/page/get/', '/page/del/'
]

describe('the landing page', () => {
  it('links every page of every program and does not touch the session', async () => {
    const r = await visit(demo(), '/', { data: { name: 'Sonam' } })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const links = [...r.body.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])
    for (const path of PAGES) expect(links).toContain(path)
    expect(r.update).toBeNull()
  })

  it("explains each program in one line and lists program 5's and the page session's settings", async () => {
    const body = decode((await visit(demo(), '/')).body)
    for (const title of ['Program 1', 'Program 2', 'Program 3', 'Program 4', 'Program 5', 'Page session']) expect(body).toContain(title)
    for (const [name, value] of [
      ['SESSION_COOKIE_AGE', '400'],
      ['SESSION_COOKIE_NAME', "'sessionname'"],
      ['SESSION_COOKIE_PATH', "'/home'"],
      ['SESSION_COOKIE_HTTPONLY', 'True'],
      ['SESSION_COOKIE_SECURE', 'True'],
      ['SESSION_EXPIRE_AT_BROWSER_CLOSE', 'True'],
      ['SESSION_COOKIE_AGE', '20']
    ]) {
      expect(body).toContain(`<tr><th>${name}</th><td><code>${value}</code></td></tr>`)
    }
    expect(body).toContain('--set SESSION_COOKIE_AGE=400')
    expect(body).toContain('--set SESSION_COOKIE_PATH=/home')
    expect(body).toMatch(/Settings panel/)
  })

  it('shows the session key and the engine clock in the footer', async () => {
    const r = await visit(demo(), '/')
    expect(r.body).toContain(`<code class="session-key">${KEY}</code>`)
    expect(times(r.body)).toEqual([FAR_NOW])
    const none = await visit(demo(), '/', { key: null })
    expect(none.body).toContain('<code class="session-key">None</code>')
  })

  it('uses a stylesheet and no inline styles, under a strict CSP', async () => {
    const page = await visit(demo(), '/')
    expect(page.body).toContain('<link rel="stylesheet" href="/demo.css">')
    expect(page.body).not.toMatch(/style=|<style/)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    const css = await call(`${demo().url}/demo.css`)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.body).toContain('footer')
  })
})

describe('routing', () => {
  it("APPEND_SLASH: a page without its slash is a 301 to it, query kept, session untouched", async () => {
    const r = await visit(demo(), '/p1/set?x=1', { data: {} })
    expect(r.status).toBe(301)
    expect(r.headers.get('location')).toBe('/p1/set/?x=1')
    expect(r.update).toBeNull()
  })

  it('each program has an index page listing its pages', async () => {
    const r = await visit(demo(), '/home/')
    expect(r.status).toBe(200)
    expect(r.body).toContain('href="/home/get/"')
    expect(r.update).toBeNull()
  })

  it('an unknown page is a 404 that points home', async () => {
    const r = await visit(demo(), '/p9/get/')
    expect(r.status).toBe(404)
    expect(r.body).toContain('href="/"')
    expect(decode(r.body)).toContain('/p9/get/')
  })

  it('escapes every value it shows', async () => {
    const r = await visit(demo(), '/p1/get/', { data: { name: '<script>alert(1)</script>', lname: '"&' } })
    expect(r.body).not.toContain('<script>')
    expect(r.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#34;&#38;')
  })
})

describe('without the proxy', () => {
  it('a session page answers the loud 500; the stylesheet is still served', async () => {
    const r = await call(`${demo().url}/p1/get/`)
    expect(r.status).toBe(500)
    expect(r.body.trim()).toBe(NO_HEADER_MESSAGE)
    expect((await call(`${demo().url}/demo.css`)).status).toBe(200)
  })

  it('a malformed X-Session: 500 with the reason, and the demo keeps serving', async () => {
    const r = await call(`${demo().url}/p1/get/`, { session: '%%%' })
    expect(r.status).toBe(500)
    expect(r.body).toContain('malformed X-Session header')
    expect((await visit(demo(), '/p1/get/')).status).toBe(200)
  })
})

describe('startDemoApp', () => {
  it('listens on a free port and closes cleanly, twice is fine', async () => {
    const app = await startDemoApp()
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await visit(app, '/')).status).toBe(200)
    await app.close()
    await app.close()
    await expect(fetch(app.url)).rejects.toThrow()
  })

  it('refuses a port in use with a clear error', async () => {
    const app = await startDemoApp()
    const port = Number(new URL(app.url).port)
    try {
      await expect(startDemoApp({ port })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+/)
    } finally {
      await app.close()
    }
  })

  it('accepts a session larger than Node\'s default 16 KiB header limit', async () => {
    const r = await visit(demo(), '/p1/get/', { data: { name: 'Sonam', lname: 'x'.repeat(40_000) } })
    expect(r.status).toBe(200)
    expect(r.body).toContain('x'.repeat(40_000))
  })
})
