// Django's own SessionMiddleware against the adapter behind Session Inspector, on Debian's
// Django 3.2 and on Django 5.2.17 (the venv the test run builds): the same
// request sequences (the seeds' programs, the page session, login and logout, an in-place
// change) must give the same pages, the same Vary and the same session cookies, attribute
// for attribute. Max-Age must match exactly; expires is checked on each side against its own
// clock (no timing between the two runs is compared). The app behind the proxy runs with
// Django's default session settings: every SESSION_* it obeys comes from the proxy's X-Session.
// The proxy is not told which Django it fronts: it follows the adapter's X-Session-Django.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import type { Settings } from '../../src/shared/settings'
import { CookieClient, type ClientResponse } from './cookie-client'
import {
  PAGE_SESSION_SETTINGS,
  PROGRAM_5_SETTINGS,
  PROGRAM_5_TIME_ZONE,
  DJANGO_PYTHON,
  startDjangoServer,
  type DjangoServer,
  type SessionMiddlewareChoice
} from './django-server'

const LOGIN = 'LOGIN'
const ENGINE_NOW = '2041-03-01T12:00:00.000Z'

interface Scenario {
  name: string
  settings?: Partial<Settings>
  timeZone?: string
  /** Paths to GET, or LOGIN for django.contrib.auth's login form (GET, then POST). */
  steps: string[]
}

const SCENARIOS: Scenario[] = [
  { name: 'program 1', steps: ['/p1/get/', '/p1/set/', '/p1/get/', '/p1/del/', '/p1/get/'] },
  { name: 'program 2', steps: ['/p2/get/', '/p2/set/', '/p2/get/', '/p2/get/', '/p2/del/', '/p2/get/'] },
  { name: 'program 3', steps: ['/p3/set/', '/p3/get/', '/p3/del/', '/p3/get/', '/p3/set/', '/p3/get/'] },
  { name: 'program 4', steps: ['/p4/set/', '/p4/check/', '/p4/del/', '/p4/check/'] },
  {
    name: 'program 5',
    settings: PROGRAM_5_SETTINGS,
    timeZone: PROGRAM_5_TIME_ZONE,
    steps: ['/home/set/', '/home/get/', '/p1/get/', '/home/del/', '/home/get/', '/home/set/', '/home/get/']
  },
  {
    name: 'page session',
    settings: PAGE_SESSION_SETTINGS,
    steps: ['/page/get/', '/page/set/', '/page/get/', '/page/get/', '/page/del/', '/page/get/']
  },
  {
    name: 'login and logout',
    steps: ['/whoami/', LOGIN, '/whoami/', '/p1/set/', LOGIN, '/p1/get/', '/logout/', '/whoami/', '/p1/get/']
  },
  { name: 'SESSION_SAVE_EVERY_REQUEST', settings: { SESSION_SAVE_EVERY_REQUEST: true }, steps: ['/p1/get/', '/p1/set/', '/p1/get/', '/p1/del/'] },
  { name: 'SESSION_EXPIRE_AT_BROWSER_CLOSE', settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true }, steps: ['/p1/set/', '/p3/set/', '/p1/get/'] },
  // Django saves a change made in place only with SESSION_SAVE_EVERY_REQUEST.
  { name: 'a change in place', steps: ['/cart/add/', '/cart/add/', '/cart/add/', '/cart/'] },
  { name: 'a change in place, SESSION_SAVE_EVERY_REQUEST', settings: { SESSION_SAVE_EVERY_REQUEST: true }, steps: ['/cart/add/', '/cart/add/', '/cart/add/', '/cart/'] }
]

/** What one response tells about the session, with keys, times and tokens taken out. */
interface Observation {
  step: string
  status: number
  location: string | null
  vary: string[]
  /** new: a cookie with a key the browser did not have; same: the key it had; deleted: cleared. */
  sessionCookie: { value: 'new' | 'same' | 'deleted'; attributes: string[] } | null
  body: string
  /** The dates the page rendered (get_expiry_date), masked in `body`: each side's own clock. */
  dates: string[]
  /** The session cookie's expires and Max-Age, with the response's Date (checked per side, not compared). */
  expiry: Expiry | null
}

interface Expiry {
  step: string
  /** Whole seconds, as HTTP dates carry them. */
  expires: number
  maxAge: number
  date: number
}

// Django's DATETIME_FORMAT ("March 1, 2041, 12:10 p.m."): both sides render their own now.
const DATE = /[A-Z][a-z]+\.? \d{1,2}, \d{4}, [^<]*/g
const CSRF = /name="csrfmiddlewaretoken" value="[^"]+"/g

function sessionCookieOf(response: ClientResponse, name: string, previous: string | undefined): Observation['sessionCookie'] {
  const line = response.setCookies.find((l) => l.startsWith(`${name}=`))
  if (!line) return null
  const [pair, ...attributes] = line.split(/;\s*/)
  const value = pair!.slice(name.length + 1)
  return {
    value: value === '' || value === '""' ? 'deleted' : value === previous ? 'same' : 'new',
    // Expires is now + Max-Age on each side's clock; Max-Age itself must match exactly.
    attributes: attributes.map((a) => (/^expires=/i.test(a) && !a.includes('1970') ? 'expires=<date>' : a)).sort()
  }
}

async function observe(baseUrl: string, scenario: Scenario): Promise<Observation[]> {
  const client = new CookieClient(baseUrl)
  const name = scenario.settings?.SESSION_COOKIE_NAME ?? 'sessionid'
  const path = scenario.settings?.SESSION_COOKIE_PATH ?? '/'
  const observations: Observation[] = []
  for (const step of scenario.steps) {
    const previous = await client.cookie(name, path)
    const response = step === LOGIN ? await client.login() : await client.get(step)
    const line = response.setCookies.find((l) => l.startsWith(`${name}=`)) ?? ''
    const expires = /;\s*expires=([^;]+)/i.exec(line)?.[1]
    const maxAge = /;\s*max-age=(\d+)/i.exec(line)?.[1]
    observations.push({
      step,
      status: response.status,
      location: response.headers.get('location'),
      vary: (response.headers.get('vary') ?? '').split(',').map((v) => v.trim()).filter(Boolean).sort(),
      sessionCookie: sessionCookieOf(response, name, previous),
      dates: [...response.body.matchAll(DATE)].map((m) => m[0].trim()),
      body: response.body.replace(DATE, '<date>').replace(CSRF, 'name="csrfmiddlewaretoken" value="<token>"'),
      expiry:
        expires && !expires.includes('1970')
          ? { step, expires: Date.parse(expires) / 1000, maxAge: Number(maxAge), date: Date.parse(response.headers.get('date') ?? '') / 1000 }
          : null
    })
  }
  return observations
}

/** Equal observations: pages, Vary, statuses and session cookies attribute for attribute (Max-Age exactly). */
function expectSame(actual: Observation[], expected: Observation[]): void {
  const strip = (list: Observation[]) => list.map(({ expiry, dates, ...o }) => ({ ...o, expires: expiry !== null, dates: dates.length }))
  expect(strip(actual)).toEqual(strip(expected))
}

/**
 * Django's own cookies: expires = time.time() + Max-Age, taken in process_response just
 * before the server stamps Date, both cut to whole seconds: Date + Max-Age or one second less.
 */
function expectDjangoExpires(list: Observation[]): void {
  for (const e of list.map((o) => o.expiry).filter((x) => x !== null)) {
    expect(e.expires - e.date - e.maxAge, `${e.step}: expires ${e.expires}, Date ${e.date}, Max-Age ${e.maxAge}`).toBeGreaterThanOrEqual(-1)
    expect(e.expires - e.date - e.maxAge, `${e.step}: expires ${e.expires}, Date ${e.date}, Max-Age ${e.maxAge}`).toBeLessThanOrEqual(0)
  }
}

/** The proxy's cookies on its frozen clock: expires is exactly the engine's now + Max-Age. */
function expectEngineExpires(list: Observation[], engineNowMs: number): void {
  for (const e of list.map((o) => o.expiry).filter((x) => x !== null)) {
    expect(e.expires, `${e.step}: expires on the engine's clock`).toBe(Math.floor(engineNowMs / 1000) + e.maxAge)
  }
}

/** One server per distinct configuration, shared by the scenarios that use it. */
class Servers {
  private readonly started = new Map<string, Promise<DjangoServer>>()

  get(python: string, middleware: SessionMiddlewareChoice, settings: Partial<Settings> | undefined, timeZone: string | undefined): Promise<DjangoServer> {
    const id = JSON.stringify([python, middleware, settings ?? {}, timeZone ?? 'UTC'])
    let server = this.started.get(id)
    if (!server) {
      server = startDjangoServer({ python, middleware, settings, timeZone })
      this.started.set(id, server)
    }
    return server
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.started.values()].map((s) => s.then((server) => server.stop(), () => undefined)))
  }
}

/** The Djangos every comparison runs on: Debian's 3.2 and the 5.2 venv. */
const DJANGOS = [
  { name: 'Django 3.2', version: '3.2', python: DJANGO_PYTHON },
  { name: 'Django 5.2.17', version: '5.2', python: inject('django5Python') }
] as const
type DjangoChoice = (typeof DJANGOS)[number]

const servers = new Servers()
/** Django with its own middleware and the scenario's settings. */
const reference = (scenario: Scenario, django: DjangoChoice = DJANGOS[0]) => servers.get(django.python, 'django', scenario.settings, scenario.timeZone)
/** The adapter with Django's defaults: the proxy supplies the scenario's settings. */
const behindProxy = (scenario: Scenario, django: DjangoChoice = DJANGOS[0]) => servers.get(django.python, 'inspector', undefined, scenario.timeZone)

beforeAll(async () => {
  // Started up front; each configuration once for the whole file, one Django at a time (the
  // machine is shared: 44 runservers at once starve each other).
  for (const django of DJANGOS) await Promise.all(SCENARIOS.flatMap((s) => [reference(s, django), behindProxy(s, django)]))
}, 240_000)
afterAll(() => servers.stopAll())

describe('the comparison harness (Django against Django)', () => {
  it('sees two runs of the same sequence as equal, keys and dates aside', async () => {
    for (const scenario of [SCENARIOS[0]!, SCENARIOS[2]!, SCENARIOS[6]!]) {
      const server = await reference(scenario)
      const [a, b] = await Promise.all([observe(server.url, scenario), observe(server.url, scenario)])
      expectSame(a, b)
      expectDjangoExpires(a)
      expect(a.some((o) => o.sessionCookie?.value === 'new')).toBe(true)
      expect(a.some((o) => o.expiry !== null)).toBe(true)
    }
  })

  it('sees a different sequence as different', async () => {
    const server = await reference(SCENARIOS[0]!)
    const a = await observe(server.url, { name: 'a', steps: ['/p1/set/', '/p1/get/', '/p1/del/'] })
    const b = await observe(server.url, { name: 'b', steps: ['/p1/get/', '/p1/get/', '/p1/del/'] })
    expect(a[1]!.body).not.toEqual(b[1]!.body)
    expect(a[2]!.sessionCookie).toEqual({ value: 'same', attributes: expect.arrayContaining(['Max-Age=1209600']) })
    expect(b[2]!.sessionCookie).toBeNull()
    expect(() => expectSame(a, b)).toThrow()
  })

  it('checks expires against Max-Age on each side', () => {
    const o = (expires: number): Observation => ({
      step: '/p1/set/', status: 200, location: null, vary: ['Cookie'], sessionCookie: null, body: '', dates: [], expiry: { step: '/p1/set/', expires, maxAge: 20, date: 1000 }
    })
    expect(() => expectDjangoExpires([o(1020), o(1019)])).not.toThrow()
    expect(() => expectDjangoExpires([o(1021)])).toThrow(/expires 1021/)
    expect(() => expectDjangoExpires([o(1018)])).toThrow()
    expect(() => expectEngineExpires([o(2020)], 2_000_999)).not.toThrow()
    expect(() => expectEngineExpires([o(2021)], 2_000_999)).toThrow(/engine's clock/)
    expect(() => expectSame([o(1020)], [{ ...o(1020), expiry: null }])).toThrow()
  })
})

describe.each(DJANGOS)('$name behind Session Inspector against $name alone', (djangoChoice) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'si-compare-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  async function compare(scenario: Scenario, extra: Partial<Settings> = {}): Promise<Observation[]> {
    const [django, app] = await Promise.all([reference(scenario, djangoChoice), behindProxy(scenario, djangoChoice)])
    const inspector = await Inspector.start({
      dataDir: join(dataDir, `${SCENARIOS.indexOf(scenario)}${Object.keys(extra).join('-')}`),
      upstream: app.url,
      listen: { host: '127.0.0.1', port: 0 },
      settings: { ...scenario.settings, ...extra },
      log: () => undefined
    })
    try {
      // The engine's clock, set years from the real one and frozen: the proxy's expires
      // must come from it (and Max-Age from the settings), not from the app or the wall.
      await inspector.api.setClock({ now: ENGINE_NOW })
      const frozen = Date.parse((await inspector.api.freezeClock({ frozen: true })).now)
      const expected = await observe(django.url, scenario)
      const actual = await observe(inspector.proxyUrl, scenario)
      expectSame(actual, expected)
      expectDjangoExpires(expected)
      expectEngineExpires(actual, frozen)
      // get_expiry_date() in the templates answers from the engine's clock, not the app's.
      for (const date of actual.flatMap((o) => o.dates)) expect(date).toMatch(/\b2041\b/)
      for (const date of expected.flatMap((o) => o.dates)) expect(date).not.toMatch(/\b2041\b/)
      // The proxy followed the app's Django, as its middleware reported it.
      const status = await inspector.api.getStatus({})
      if (!extra.DJANGO_VERSION) expect(status.django).toMatchObject({ version: djangoChoice.version, source: 'settings.py', release: expect.stringMatching(new RegExp(`^${djangoChoice.version.replace('.', '\\.')}\\.`)) })
      return actual
    } finally {
      await inspector.close()
    }
  }

  if (djangoChoice.version === '5.2') {
    it('told to behave as Django 3.2 (--django 3.2 wins over the app), the proxy differs from Django 5.2 where 3.2 did: Vary', async () => {
      const scenario = SCENARIOS.find((s) => s.name === 'SESSION_SAVE_EVERY_REQUEST')!
      await expect(compare(scenario, { DJANGO_VERSION: '3.2' })).rejects.toThrow(/vary/i)
    })
  }

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const seen = await compare(scenario)
      if (/^program [35]$|^page session$/.test(scenario.name)) expect(seen.some((o) => o.dates.length > 0)).toBe(true)
      // Vary carries Cookie once, though both the adapter and the proxy add it.
      for (const o of seen) expect(o.vary.filter((v) => v.toLowerCase() === 'cookie').length).toBeLessThanOrEqual(1)
      if (scenario.name.startsWith('a change in place')) {
        const saved = scenario.settings?.SESSION_SAVE_EVERY_REQUEST ? 'item 1, item 2, item 3' : 'item 1'
        expect(seen.at(-1)!.body).toBe(`cart: ${saved}`)
      }
    })
  }
})
