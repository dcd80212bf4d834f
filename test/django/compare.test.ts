// Django's own SessionMiddleware against the adapter behind Session Inspector: the same
// request sequences (the seeds' programs, the page session, login and logout) must give
// the same pages, the same Vary and the same session cookies, attribute for attribute.
// The harness itself is tested now (Django against Django); the proxy comparison is
// skipped until the proxy lands (src/main/inspector.ts: Inspector.start, proxyUrl).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import type { Settings } from '../../src/shared/settings'
import { CookieClient, type ClientResponse } from './cookie-client'
import {
  PAGE_SESSION_SETTINGS,
  PROGRAM_5_SETTINGS,
  PROGRAM_5_TIME_ZONE,
  startDjangoServer,
  type DjangoServer,
  type SessionMiddlewareChoice
} from './django-server'

const LOGIN = 'LOGIN'

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
  { name: 'SESSION_EXPIRE_AT_BROWSER_CLOSE', settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true }, steps: ['/p1/set/', '/p3/set/', '/p1/get/'] }
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
    observations.push({
      step,
      status: response.status,
      location: response.headers.get('location'),
      vary: (response.headers.get('vary') ?? '').split(',').map((v) => v.trim()).filter(Boolean).sort(),
      sessionCookie: sessionCookieOf(response, name, previous),
      body: response.body.replace(DATE, '<date>').replace(CSRF, 'name="csrfmiddlewaretoken" value="<token>"')
    })
  }
  return observations
}

function startApp(middleware: SessionMiddlewareChoice, scenario: Scenario): Promise<DjangoServer> {
  return startDjangoServer({ middleware, settings: scenario.settings, timeZone: scenario.timeZone })
}

describe('the comparison harness (Django against Django)', () => {
  let first: DjangoServer
  let second: DjangoServer
  beforeAll(async () => {
    ;[first, second] = await Promise.all([startApp('django', SCENARIOS[0]!), startApp('django', SCENARIOS[0]!)])
  })
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()])
  })

  it('sees two runs of the same sequence as equal, keys and dates aside', async () => {
    for (const scenario of [SCENARIOS[0]!, SCENARIOS[2]!, SCENARIOS[6]!]) {
      const [a, b] = await Promise.all([observe(first.url, scenario), observe(second.url, scenario)])
      expect(a).toEqual(b)
      expect(a.some((o) => o.sessionCookie?.value === 'new')).toBe(true)
    }
  })

  it('sees a different sequence as different', async () => {
    const a = await observe(first.url, { name: 'a', steps: ['/p1/set/', '/p1/get/', '/p1/del/'] })
    const b = await observe(second.url, { name: 'b', steps: ['/p1/get/', '/p1/get/', '/p1/del/'] })
    expect(a[1]!.body).not.toEqual(b[1]!.body)
    expect(a[2]!.sessionCookie).toEqual({ value: 'same', attributes: expect.arrayContaining(['Max-Age=1209600']) })
    expect(b[2]!.sessionCookie).toBeNull()
  })
})

// Unskip when Inspector.start() runs the proxy (the skeleton's proxyUrl still throws).
describe.skip('Django behind Session Inspector against Django alone', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const [reference, app] = await Promise.all([startApp('django', scenario), startApp('inspector', scenario)])
      const dataDir = mkdtempSync(join(tmpdir(), 'si-compare-'))
      let inspector: Inspector | undefined
      try {
        inspector = await Inspector.start({
          dataDir,
          upstream: app.url,
          listen: { host: '127.0.0.1', port: 0 },
          settings: { ...scenario.settings }
        })
        const expected = await observe(reference.url, scenario)
        const actual = await observe(inspector.proxyUrl, scenario)
        expect(actual).toEqual(expected)
      } finally {
        await inspector?.close()
        await Promise.all([reference.stop(), app.stop()])
        rmSync(dataDir, { recursive: true, force: true })
      }
    })
  }
})
