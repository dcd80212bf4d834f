// The cookie mirror's own rules (docs/browser.md), on the class itself: lifetimes measured on
// the engine's clock whatever the app's clock says, Domain and host-only matching, and
// what the browser is told to forget.
import { describe, expect, it } from 'vitest'
import { CookieJar, forgetCookie, MAX_COOKIES, MAX_COOKIES_PER_DOMAIN } from '../../src/main/proxy/cookie-mirror'

const REAL = Date.parse('2030-06-01T10:00:00Z')
const DAY = 86_400_000
/** The engine's clock a day ahead of the real one (fast-forwarded). */
const ENGINE = REAL + DAY

const at = (host: string, requestPath = '/') => ({ host, requestPath })

describe('lifetimes on the engine clock', () => {
  it('measures Expires from the response Date, so a fast-forwarded clock does not shorten it', () => {
    const jar = new CookieJar()
    const expires = new Date(REAL + 120_000).toUTCString()
    jar.record(`a=1; Expires=${expires}`, { ...at('app.test'), now: ENGINE, serverDate: new Date(REAL), realNow: REAL })
    expect(jar.all()[0]?.expiresAt).toBe(ENGINE + 120_000)
  })

  it('measures Expires from the real time of arrival when the app sent no Date (or an unreadable one)', () => {
    for (const serverDate of [undefined, new Date('not a date')]) {
      const jar = new CookieJar()
      jar.record(`a=1; Expires=${new Date(REAL + 120_000).toUTCString()}`, { ...at('app.test'), now: ENGINE, serverDate, realNow: REAL })
      expect(jar.all()[0]?.expiresAt).toBe(ENGINE + 120_000)
      const cookies = [{ name: 'a', value: '1' }]
      expect(jar.filter(cookies, { ...at('app.test'), now: ENGINE + 119_000 }).dropped).toEqual([])
      expect(jar.filter(cookies, { ...at('app.test'), now: ENGINE + 121_000 }).dropped.map((c) => c.name)).toEqual(['a'])
    }
  })

  it('Max-Age counts from the engine time it was set; Max-Age=0 or negative, or a past Expires, removes the cookie', () => {
    const jar = new CookieJar()
    const ctx = { ...at('app.test'), now: ENGINE, serverDate: new Date(REAL), realNow: REAL }
    jar.record('m=1; Max-Age=20; Expires=Thu, 01 Jan 2099 00:00:00 GMT', ctx)
    expect(jar.all()[0]?.expiresAt).toBe(ENGINE + 20_000)
    jar.record('gone=1; Max-Age=30', ctx)
    expect(jar.record('gone=""; Max-Age=0', ctx)).toBe(true)
    jar.record('neg=1; Max-Age=30', ctx)
    jar.record('neg=1; Max-Age=-1', ctx)
    jar.record('old=1; Max-Age=30', ctx)
    jar.record('old=""; expires=Thu, 01 Jan 1970 00:00:00 GMT', ctx)
    expect(jar.all().map((c) => c.name)).toEqual(['m'])
  })

  it('a close keeps the persistent cookies still live on the engine clock, and says which', () => {
    const jar = new CookieJar()
    const ctx = { ...at('app.test'), now: ENGINE }
    jar.record('sessionid=a; Max-Age=20; Path=/', ctx)
    jar.record('csrftoken=b; Max-Age=600; Path=/', ctx)
    jar.record('flash=c; Path=/', ctx)
    const at30 = jar.close(ENGINE + 30_000)
    expect(at30.discarded.map((c) => c.name)).toEqual(['flash'])
    // sessionid has expired by then: neither discarded by the close nor kept.
    expect(at30.kept.map((c) => c.name)).toEqual(['csrftoken'])
  })

  it('neither attribute: a browser-session cookie that only a close ends', () => {
    const jar = new CookieJar()
    jar.record('s=1; Path=/', { ...at('app.test'), now: ENGINE })
    const cookies = [{ name: 's', value: '1' }]
    expect(jar.filter(cookies, { ...at('app.test'), now: ENGINE + 100 * 365 * DAY }).forward).toEqual(cookies)
    const names = (r: { discarded: { name: string }[]; kept: { name: string }[] }) => ({ discarded: r.discarded.map((c) => c.name), kept: r.kept.map((c) => c.name) })
    expect(names(jar.close(ENGINE))).toEqual({ discarded: ['s'], kept: [] })
    expect(names(jar.close(ENGINE))).toEqual({ discarded: [], kept: [] }) // already discarded
    expect(jar.filter(cookies, { ...at('app.test'), now: ENGINE }).forward).toEqual([])
  })
})

describe('Domain and host', () => {
  it('a Domain cookie is matched on every host inside the domain and forgotten with its Domain', () => {
    const jar = new CookieJar()
    jar.record('d=1; Domain=.Example.test; Path=/; Max-Age=10', { ...at('a.example.test'), now: ENGINE })
    const later = ENGINE + 11_000
    const { forward, dropped } = jar.filter([{ name: 'd', value: '1' }], { ...at('b.example.test'), now: later })
    expect(forward).toEqual([])
    expect(dropped.map(forgetCookie)).toEqual(['d=""; Domain=example.test; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'])
    // Not inside the domain: a cookie the mirror never saw set for that host passes.
    expect(jar.filter([{ name: 'd', value: '1' }], { ...at('example.other'), now: later }).forward).toHaveLength(1)
  })

  it('a host-only cookie belongs to its host alone', () => {
    const jar = new CookieJar()
    jar.record('h=1; Max-Age=10', { ...at('a.example.test'), now: ENGINE })
    const later = ENGINE + 11_000
    expect(jar.filter([{ name: 'h', value: '1' }], { ...at('b.example.test'), now: later }).forward).toHaveLength(1)
    expect(jar.filter([{ name: 'h', value: '1' }], { ...at('a.example.test'), now: later }).dropped).toHaveLength(1)
  })

  it('a value the mirror did not see set passes, and a live twin under another path keeps the cookie', () => {
    const jar = new CookieJar()
    const ctx = { ...at('app.test', '/'), now: ENGINE }
    jar.record('x=1; Max-Age=10; Path=/', ctx)
    jar.record('x=1; Max-Age=100; Path=/deep', ctx)
    const later = ENGINE + 11_000
    expect(jar.filter([{ name: 'x', value: '2' }], { ...at('app.test', '/'), now: later }).forward).toHaveLength(1)
    expect(jar.filter([{ name: 'x', value: '1' }], { ...at('app.test', '/deep/page'), now: later }).forward).toHaveLength(1)
    expect(jar.filter([{ name: 'x', value: '1' }], { ...at('app.test', '/'), now: later }).dropped.map((c) => c.path)).toEqual(['/'])
  })

  it('forgets a SameSite=None or Secure cookie with Secure, as browsers require', () => {
    const jar = new CookieJar()
    jar.record('n=1; Max-Age=1; SameSite=None; Secure', { ...at('app.test'), now: ENGINE })
    const [gone] = jar.filter([{ name: 'n', value: '1' }], { ...at('app.test'), now: ENGINE + 2000 }).dropped
    expect(forgetCookie(gone!)).toBe('n=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=None; Secure')
  })
})

describe('bounded as a browser bounds its cookies (issue 13)', () => {
  const ctx = (host: string) => ({ ...at(host), now: REAL, realNow: REAL })

  it(`keeps ${MAX_COOKIES_PER_DOMAIN} cookies per host, forgetting the least recently set; other hosts keep theirs`, () => {
    const jar = new CookieJar()
    jar.record('other=1; Max-Age=3600', ctx('other.test'))
    for (let i = 0; i < 500; i++) jar.record(`c${i}=v; Max-Age=3600`, ctx('app.test'))
    const names = jar.all().filter((c) => c.host === 'app.test').map((c) => c.name)
    expect(names).toHaveLength(MAX_COOKIES_PER_DOMAIN)
    expect(names[0]).toBe(`c${500 - MAX_COOKIES_PER_DOMAIN}`)
    expect(names.at(-1)).toBe('c499')
    expect(jar.all().map((c) => c.name)).toContain('other')
  })

  it('a cookie set again counts as the most recent one, so it is kept', () => {
    const jar = new CookieJar()
    jar.record('sessionid=abc; Max-Age=3600', ctx('app.test'))
    for (let i = 0; i < 400; i++) {
      jar.record(`c${i}=v; Max-Age=3600`, ctx('app.test'))
      if (i % 100 === 0) jar.record('sessionid=abc; Max-Age=3600', ctx('app.test'))
    }
    expect(jar.all().map((c) => c.name)).toContain('sessionid')
  })

  it(`keeps ${MAX_COOKIES} cookies in all, also when a saved jar held more`, () => {
    const jar = new CookieJar()
    for (let i = 0; i < 40; i++) for (let j = 0; j < 100; j++) jar.record(`c${j}=v; Max-Age=3600`, ctx(`h${i}.test`))
    expect(jar.all()).toHaveLength(MAX_COOKIES)
    const saved = [...jar.all(), ...new CookieJar(jar.all().map((c) => ({ ...c, host: `again-${c.host}` }))).all()]
    expect(new CookieJar(saved).all()).toHaveLength(MAX_COOKIES)
  })
})
