// Program 3 (session timeout), program 5 (its views under /home/ with program 5's settings)
// and the page session: pages, expiry facts on the engine clock, and updates.
import { describe, expect, it } from 'vitest'
import { decode, FAR_NOW, textOf, times, useDemo, visit } from './support'

const demo = useDemo()
const NOW = Date.parse(FAR_NOW)
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString()

for (const base of ['/p3/', '/home/']) {
  describe(`the timeout views under ${base}`, () => {
    it('set stores name and set_expiry(600)', async () => {
      const r = await visit(demo(), `${base}set/`, { key: null, data: {} })
      expect(r.body).toContain('Session setting up')
      expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', _session_expiry: 600 } })
    })

    it('get shows the name and the expiry facts, from the engine clock, a read only', async () => {
      const r = await visit(demo(), `${base}get/`, { data: { name: 'Sonam', _session_expiry: 600 }, cookieAge: 1_209_600 })
      expect(r.status).toBe(200)
      expect(textOf(r.body, 'name')).toEqual(['Sonam'])
      expect(textOf(r.body, 'cookie-age')).toEqual(['1209600 seconds'])
      expect(textOf(r.body, 'expiry-age')).toEqual(['600 seconds'])
      expect(textOf(r.body, 'browser-close')).toEqual(['False'])
      // the expiry date, then the footer's clock
      expect(times(r.body)).toEqual([at(600), FAR_NOW])
      // Program 5's settings.py has TIME_ZONE = 'Asia/Kathmandu' (UTC+5:45): Django prints the date there.
      expect(textOf(r.body, 'expiry-date')[0]).toContain(base === '/home/' ? 'June 15, 2041, 2:25 p.m.' : 'June 15, 2041, 8:40 a.m.')
      expect(textOf(r.body, 'expiry-date')[0]).toContain('(2041-06-15 08:40:00 UTC)')
      expect(r.update).toEqual({ accessed: true })
    })

    it("get without 'name' is Django's KeyError page, a 500, and saves nothing", async () => {
      const r = await visit(demo(), `${base}get/`, { key: null, data: {} })
      expect(r.status).toBe(500)
      const body = decode(r.body)
      expect(body).toContain("KeyError: 'name'")
      expect(body).toContain(`KeyError at ${base}get/`)
      expect(r.update).toEqual({ accessed: true })
    })

    it('del flushes and clears expired sessions', async () => {
      const r = await visit(demo(), `${base}del/`, { data: { name: 'Sonam', _session_expiry: 600 } })
      expect(r.body).toContain('You session has been deleted successfully')
      expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: {}, clearExpired: true })
      expect(r.body).toContain('<code class="session-key">None</code>')
    })
  })
}

describe("program 5's settings, as the proxy reports them", () => {
  const settings = { cookieAge: 400, expireAtBrowserCloseSetting: true, expireAtBrowserClose: true }

  it('without a custom expiry: SESSION_COOKIE_AGE=400 and expire at browser close', async () => {
    const r = await visit(demo(), '/home/get/', { ...settings, data: { name: 'Sonam' } })
    expect(textOf(r.body, 'cookie-age')).toEqual(['400 seconds'])
    expect(textOf(r.body, 'expiry-age')).toEqual(['400 seconds'])
    expect(textOf(r.body, 'browser-close')).toEqual(['True'])
    expect(times(r.body)[0]).toBe(at(400))
  })

  it('set_expiry(600) overrides the browser-close setting, as in Django', async () => {
    const r = await visit(demo(), '/home/get/', { ...settings, expireAtBrowserClose: false, data: { name: 'Sonam', _session_expiry: 600 } })
    expect(textOf(r.body, 'cookie-age')).toEqual(['400 seconds'])
    expect(textOf(r.body, 'expiry-age')).toEqual(['600 seconds'])
    expect(textOf(r.body, 'browser-close')).toEqual(['False'])
  })
})

describe('the page session', () => {
  it("set stores name='Sonam' only", async () => {
    const r = await visit(demo(), '/page/set/', { key: null, data: {}, cookieAge: 20 })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam' } })
  })

  it('get shows the name and expiry, and marks the session modified so every read renews it', async () => {
    const r = await visit(demo(), '/page/get/', { data: { name: 'Sonam' }, cookieAge: 20 })
    expect(r.status).toBe(200)
    expect(textOf(r.body, 'name')).toEqual(['Sonam'])
    expect(textOf(r.body, 'cookie-age')).toEqual(['20 seconds'])
    expect(textOf(r.body, 'expiry-age')).toEqual(['20 seconds'])
    expect(times(r.body)).toEqual([at(20), FAR_NOW])
    expect(textOf(r.body, 'browser-close')).toEqual([])
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam' } })
  })

  it('once the session is gone, get says "Your session has Expired..." and saves nothing', async () => {
    const r = await visit(demo(), '/page/get/', { key: null, data: {}, cookieAge: 20 })
    expect(r.status).toBe(200)
    expect(textOf(r.body, 'expired')).toEqual(['Your session has Expired...'])
    expect(r.update).toEqual({ accessed: true })
  })

  it('del flushes and clears expired sessions', async () => {
    const r = await visit(demo(), '/page/del/', { data: { name: 'Sonam' }, cookieAge: 20 })
    expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: {}, clearExpired: true })
  })
})
