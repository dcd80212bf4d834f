// @vitest-environment node
/// <reference types="node" />
// Traffic, Timeline and Clients in the real renderer build, in real Chromium, under the
// strict CSP, over a FakeApi with thousands of requests and sessions: no console errors,
// a screenful of DOM rows, live events, the detail tabs, a HAR that downloads, both
// themes. With SI_SCREENSHOTS=<dir> it saves screenshots there for a person to look at.
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../support/chromium'
import { FakeApi } from '../fake-api'
import { KEY_A, makeClient, REASON_CASES, seedEntries } from '../traffic-fixtures'
import { buildRenderer } from './build-ui'
import { startFakeServer, type FakeServer } from './fake-server'

const SHOTS = process.env.SI_SCREENSHOTS
const REQUESTS = 5000
const HOUR = 3_600_000
/** The engine clock is fast-forwarded, so the real-time line and offsets show. */
const OFFSET = 2 * HOUR + 20 * 60_000

let dir: string
let server: FakeServer
let fake: FakeApi
let browser: Browser

function makeFake(): FakeApi {
  const now = Date.now() + OFFSET
  const f = new FakeApi({ now, settings: { SESSION_COOKIE_AGE: 4 * HOUR / 1000 } })
  f.seed(2000)
  f.addSession({ key: KEY_A, data: { _auth_user_id: '42', username: 'alice', cart: [3, 14, 15], theme: 'dark', _session_expiry: 600 }, clientId: 'c1' })
  for (const e of seedEntries(REQUESTS, now)) {
    e.realTime = new Date(Date.parse(e.time) - OFFSET).toISOString()
    e.clientId = `c${1 + (e.id % 5)}`
    f.addTraffic(e)
  }
  const names = ['Chrome — QA', 'Firefox', 'Safari (iPhone)', '', 'curl']
  const agents = [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    'curl/8.5.0'
  ]
  f.clients = names.map((name, i) => makeClient({ id: `c${i + 1}`, name, userAgent: agents[i], sessionKey: i === 0 ? KEY_A : i < 3 ? `session${i}key000000000000000000000`.slice(0, 32) : null, now, requestCount: 17 * (i + 1) }))
  return f
}

beforeAll(async () => {
  dir = await buildRenderer()
  fake = makeFake()
  server = await startFakeServer(fake, dir)
  browser = await launchChromium()
  if (SHOTS) mkdirSync(SHOTS, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function openPage(route: string, colorScheme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, colorScheme, acceptDownloads: true })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await page.goto(`${server.url}/#token=${server.token}`)
  await page.getByRole('navigation', { name: 'Screens' }).waitFor()
  await page.evaluate((hash) => (window.location.hash = hash), route)
  return { page, problems, close: () => context.close() }
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

describe('Traffic, Timeline and Clients in Chromium', { timeout: 60_000 }, () => {
  it('lists 5,000 requests as a screenful of rows, live, and opens one with the keyboard', async () => {
    const { page, problems, close } = await openPage('#/traffic')
    const grid = page.getByRole('grid', { name: 'Requests' })
    await grid.getByRole('row').nth(1).waitFor()
    await page.getByText('5,000 requests').waitFor()
    expect(await grid.getByRole('row').count()).toBeLessThan(60)
    const next = REASON_CASES.find((c) => c.name === 'modified with set_expiry(600)')?.make(REQUESTS + 1, fake.now())
    if (!next) throw new Error('no case')
    next.url = '/live/from-the-server/'
    next.realTime = new Date(Date.now()).toISOString()
    next.clientId = 'c1'
    fake.addTraffic(next, true)
    await grid.getByText('/live/from-the-server/').waitFor()
    await grid.focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    const detail = page.getByRole('complementary', { name: `Request ${REQUESTS + 1}` })
    await detail.waitFor()
    await expect.poll(() => detail.getByTestId('reason-sentence').textContent()).toBe('Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)')
    await shot(page, 'traffic-detail-light')
    await detail.getByRole('tab', { name: /^Session diff/ }).click()
    await detail.getByRole('table', { name: 'Session diff' }).waitFor()
    await shot(page, 'traffic-diff-light')
    await detail.getByRole('tab', { name: /^Cookies/ }).click()
    await detail.getByRole('region', { name: 'Set-Cookie sessionid' }).waitFor()
    await shot(page, 'traffic-cookies-light')
    await detail.getByRole('tab', { name: /^Wire/ }).click()
    await detail.getByLabel('X-Session-Update', { exact: true }).waitFor()
    await shot(page, 'traffic-wire-light')
    await page.keyboard.press('Escape')
    await detail.waitFor({ state: 'detached' })
    await shot(page, 'traffic-light')
    expect(problems).toEqual([])
    await close()
  })

  it('downloads a HAR that holds the session facts, under the strict CSP', async () => {
    const { page, problems, close } = await openPage('#/traffic')
    await page.getByRole('grid', { name: 'Requests' }).getByRole('row').nth(1).waitFor()
    await page.getByLabel('Session effect').selectOption('flushed')
    await page.getByRole('button', { name: 'Export filtered HAR' }).waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export filtered HAR' }).click()])
    expect(download.suggestedFilename()).toMatch(/^session-inspector-.*\.har$/)
    const path = await download.path()
    const har = JSON.parse(readFileSync(path, 'utf8')) as { log: { version: string; entries: { _session: { effect: string } }[] } }
    expect(har.log.version).toBe('1.2')
    expect(har.log.entries.length).toBeGreaterThan(100)
    expect(new Set(har.log.entries.map((e) => e._session.effect))).toEqual(new Set(['flushed']))
    expect(problems).toEqual([])
    await close()
  })

  it('draws the expiry timeline with now and real time, and opens a session from it', async () => {
    const { page, problems, close } = await openPage('#/timeline')
    const grid = page.getByRole('grid', { name: 'Expiry timeline' })
    await grid.getByRole('row').nth(1).waitFor()
    expect(await grid.getByRole('row').count()).toBeLessThan(60)
    await shot(page, 'timeline-auto-light')
    // The timeline reads the store a page at a time: every page first, then all of it in view.
    const more = page.getByRole('button', { name: 'Load more' })
    for (let i = 0; i < 30 && (await more.count()); i++) {
      const before = await grid.getAttribute('aria-rowcount')
      await more.click()
      await expect.poll(() => grid.getAttribute('aria-rowcount')).not.toBe(before)
    }
    // Twenty days across: now and real time are one marker, which says how far apart they are.
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: 'All' }).click()
    await grid.getByText(/^now \(engine, \+2 h 20 min ahead of real time\)$/).waitFor()
    await shot(page, 'timeline-all-light')
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '±1 day' }).click()
    await grid.getByText('now (engine)', { exact: true }).waitFor()
    await grid.getByText('real time', { exact: true }).waitFor()
    const row = grid.getByRole('row').nth(3)
    await row.hover()
    await page.getByRole('tooltip').waitFor()
    await shot(page, 'timeline-light')
    await page.getByLabel('Filter the timeline by key or data').fill(KEY_A.slice(0, 10))
    await expect.poll(() => grid.getByRole('row').count()).toBe(2)
    await grid.getByRole('row').nth(1).click()
    await page.getByRole('complementary', { name: `Session ${KEY_A}` }).waitFor()
    await page.getByRole('list', { name: 'Requests that touched this session' }).waitFor()
    await shot(page, 'sessions-history-light')
    expect(problems).toEqual([])
    await close()
  })

  it('lists the clients with their cookies, and closes one browser', async () => {
    const { page, problems, close } = await openPage('#/clients/c1')
    const detail = page.getByRole('complementary', { name: 'Browser Chrome — QA' })
    await detail.getByRole('table', { name: 'Mirrored cookies' }).waitFor()
    await shot(page, 'clients-light')
    await detail.getByRole('button', { name: 'Close this browser' }).click()
    await page.getByText('Chrome — QA closed: 1 session-only cookie discarded').waitFor()
    expect(problems).toEqual([])
    await close()
  })

  it('reads well in the dark theme', async () => {
    const traffic = await openPage(`#/traffic/${REQUESTS}`, 'dark')
    await traffic.page.getByRole('complementary', { name: `Request ${REQUESTS}` }).getByTestId('reason-sentence').waitFor()
    await shot(traffic.page, 'traffic-detail-dark')
    await traffic.page.evaluate(() => (window.location.hash = '#/timeline'))
    await traffic.page.getByRole('grid', { name: 'Expiry timeline' }).getByRole('row').nth(1).waitFor()
    await shot(traffic.page, 'timeline-dark')
    await traffic.page.evaluate(() => (window.location.hash = '#/clients/c1'))
    await traffic.page.getByRole('table', { name: 'Mirrored cookies' }).waitFor()
    await shot(traffic.page, 'clients-dark')
    expect(traffic.problems).toEqual([])
    await traffic.close()
  })
})
