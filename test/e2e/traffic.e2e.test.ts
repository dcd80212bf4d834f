// End to end (issue 6): the built CLI as a child process, the demo app and the web UI in real
// Chromium. The demo is driven through the proxy as a user would; the Traffic, Timeline,
// Sessions and Clients screens are then read and used through clicks, as a user does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api, TrafficSummary } from '../../src/shared/api'
import { startCli, type RunningCli } from '../cli/support'
import { launchChromium } from '../support/chromium'
import { httpApi } from '../support/http-api'
import { assertBuilt, cookieValue, goToScreen, LIVE_MS, openInspector, sessionDetail, sessionRow, visit, waitForText } from './support/ui'

const VIEWPORT = { width: 1440, height: 900 }

let chromium: Browser
let cli: RunningCli
let api: Api
let dir: string
let inspector: BrowserContext
let ui: Page
/** Browser profiles that use the demo, each its own cookie jar. */
const visitors: BrowserContext[] = []

beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), 'si-e2e-traffic-'))
  ;[cli, chromium] = await Promise.all([startCli(['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0']), launchChromium()])
  api = httpApi(cli.controlUrl, cli.token)
  inspector = await chromium.newContext({ viewport: VIEWPORT, acceptDownloads: true })
  ui = await inspector.newPage()
  await openInspector(ui, cli.controlUrl, cli.token)
})

afterAll(async () => {
  for (const v of visitors) await v.close()
  await inspector?.close()
  await chromium?.close()
  if (cli) {
    const exit = await cli.stop('SIGTERM')
    expect(exit.code).toBe(0)
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function visitor(): Promise<Page> {
  const context = await chromium.newContext()
  visitors.push(context)
  return context.newPage()
}

const requests = () => ui.getByRole('grid', { name: 'Requests' })

/** The newest row of the Traffic grid for a path (the list is newest first). */
function trafficRow(path: string): Locator {
  return requests().getByRole('row').filter({ has: ui.getByRole('gridcell', { name: path, exact: true }) }).first()
}

/** The newest logged request for a path, read through the control API. */
async function logged(path: string): Promise<TrafficSummary> {
  const { entries } = await api.listTraffic({ search: path, limit: 50 })
  const entry = entries.find((e) => e.url === path)
  if (!entry) throw new Error(`no request for ${path} in the traffic log`)
  return entry
}

describe('issue 6: why every cookie was set, against the headless mode', () => {
  let demo: Page
  let key: string

  it('lists the demo requests live, newest first, each with what happened to its session', async () => {
    await goToScreen(ui, 'Traffic')
    demo = await visitor()
    const steps: [string, string, string][] = [
      // path, the session badge, the Set-Cookie column
      ['/p1/set/', 'created', 'yes · 14 d'],
      ['/p1/get/', 'read', '—'],
      ['/p3/set/', 'modified', 'yes · 10 min'],
      ['/p3/get/', 'read', '—']
    ]
    for (const [path, effect, setCookie] of steps) {
      await visit(demo, cli.proxyUrl, path)
      const row = trafficRow(path)
      await row.waitFor({ timeout: LIVE_MS * 3 })
      await waitForText(row, effect)
      await waitForText(row, setCookie)
    }
    key = (await cookieValue(demo.context(), cli.proxyUrl, 'sessionid'))!
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    // The page's stylesheet went through the proxy too: the app never touched the session.
    await waitForText(requests().getByRole('row').filter({ hasText: '/demo.css' }).first(), 'untouched')
    const total = (await api.listTraffic({ limit: 1 })).total
    await waitForText(ui.locator('.toolbar-count'), `${total} requests`)

    // "Only session changes" keeps the two saves and hides the reads and the stylesheet.
    await ui.getByLabel('Only session changes').check()
    await expect.poll(() => requests().getByRole('row').count()).toBe(3)
    await waitForText(requests().getByRole('row').nth(1), '/p3/set/')
    await waitForText(requests().getByRole('row').nth(2), '/p1/set/')
    await ui.getByLabel('Only session changes').uncheck()
    await expect.poll(() => requests().getByRole('row').count()).toBe(total + 1)
  })

  it("opens a request: the middleware's reason in one sentence, the diff, the cookies, the wire", async () => {
    const entry = await logged('/p3/set/')
    await trafficRow('/p3/set/').click()
    const detail = ui.getByRole('complementary', { name: `Request ${entry.id}` })
    await detail.waitFor()
    expect(new URL(ui.url()).hash).toBe(`#/traffic/${entry.id}`)
    await expect.poll(() => detail.getByTestId('reason-sentence').innerText()).toBe('Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)')

    await detail.getByRole('tab', { name: /Session diff/ }).click()
    await expect.poll(() => detail.getByTestId('diff-counts').innerText()).toBe('1 added, 0 removed, 0 changed, 2 unchanged')
    const diff = detail.getByRole('table', { name: 'Session diff' })
    const change = async (k: string) => diff.getByRole('row').filter({ has: ui.getByRole('rowheader', { name: k, exact: true }) }).getAttribute('data-change')
    expect(await change('_session_expiry')).toBe('added')
    // Program 1 stored lname "rathore"; program 3 keeps it, and sets name to the same "Sonam".
    expect(await change('name')).toBe('same')
    expect(await change('lname')).toBe('same')

    await detail.getByRole('tab', { name: /Cookies/ }).click()
    await waitForText(detail, 'Max-Age')
    await waitForText(detail, '600')

    await detail.getByRole('tab', { name: 'Wire' }).click()
    // The X-Session-Update the app answered, decoded: set_expiry(600) travels inside data.
    await waitForText(detail, '"_session_expiry": 600')

    await ui.keyboard.press('Escape')
    await detail.waitFor({ state: 'detached' })
  })

  it('exports the traffic as a HAR that parses, with the session facts in `_session`', async () => {
    const { total, entries } = await api.listTraffic({ limit: 1000 })
    const [download] = await Promise.all([ui.waitForEvent('download'), ui.getByRole('button', { name: 'Export HAR', exact: true }).click()])
    expect(download.suggestedFilename()).toMatch(/^session-inspector-.*\.har$/)
    const har = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      log: { version: string; creator: { name: string }; entries: { request: { url: string; method: string }; response: { status: number }; _session: { effect: string; reason: string; after: { key: string | null } | null } }[] }
    }
    expect(har.log.version).toBe('1.2')
    expect(har.log.creator.name).toBe('Session Inspector')
    expect(har.log.entries).toHaveLength(total)
    const p3 = har.log.entries.find((e) => new URL(e.request.url).pathname === '/p3/set/')!
    expect(p3.response.status).toBe(200)
    expect(p3._session.effect).toBe('modified')
    expect(p3._session.reason).toBe(entries.find((e) => e.url === '/p3/set/')!.reason)
    // Session keys are masked unless asked for (issue 20): the same mask as the cookie's.
    expect(p3._session.after?.key).toMatch(/^redacted-/)
    expect(JSON.stringify(har)).not.toContain(key)
    await ui.getByRole('checkbox', { name: 'Unmasked' }).check()
    const [unmasked] = await Promise.all([ui.waitForEvent('download'), ui.getByRole('button', { name: 'Export HAR', exact: true }).click()])
    const full = JSON.parse(readFileSync(await unmasked.path(), 'utf8')) as typeof har
    expect(full.log.entries.find((e) => new URL(e.request.url).pathname === '/p3/set/')?._session.after?.key).toBe(key)
    await ui.getByRole('checkbox', { name: 'Unmasked' }).uncheck()
  })

  it("shows a session's history from the Sessions screen, in order", async () => {
    await goToScreen(ui, 'Sessions')
    await sessionRow(ui, key).click()
    const history = sessionDetail(ui, key).getByRole('list', { name: 'Requests that touched this session' })
    await history.waitFor()
    // Every request that carried or received it: the pages in order, and what the browser
    // fetched besides (the stylesheet, the favicon), as its cache decides.
    const paths = async () => (await history.getByRole('listitem').allInnerTexts()).map((t) => /GET (\S+)/.exec(t)?.[1])
    await expect.poll(async () => (await paths()).filter((p) => /^\/p\d\//.test(p ?? ''))).toEqual(['/p1/set/', '/p1/get/', '/p3/set/', '/p3/get/'])
    expect((await paths()).length).toBe((await api.listTraffic({ sessionKey: key })).total)
    await ui.keyboard.press('Escape')
  })

  it('draws the expiry timeline; after +1 h on the clock the 10-minute session shows expired', async () => {
    // A second browser with a fortnight's session, beside the first one's ten minutes.
    const other = await visitor()
    await visit(other, cli.proxyUrl, '/p1/set/')
    const otherKey = (await cookieValue(other.context(), cli.proxyUrl, 'sessionid'))!
    await goToScreen(ui, 'Timeline')
    const timeline = ui.getByRole('grid', { name: 'Expiry timeline' })
    const plot = (k: string) => timeline.getByRole('row').filter({ has: ui.locator(`[title="${k}"]`) }).getByRole('gridcell').nth(1)
    await expect.poll(async () => (await plot(key).getAttribute('aria-label'))?.endsWith('; active')).toBe(true)
    await expect.poll(async () => (await plot(otherKey).getAttribute('aria-label'))?.endsWith('; active')).toBe(true)

    await ui.getByRole('button', { name: '+1 h', exact: true }).click()
    await expect.poll(async () => (await plot(key).getAttribute('aria-label'))?.endsWith('; expired'), { timeout: LIVE_MS * 3 }).toBe(true)
    expect((await plot(otherKey).getAttribute('aria-label'))?.endsWith('; active')).toBe(true)
    // The now line is drawn; real time is an hour behind it.
    await ui.locator('.tl-line-now').first().waitFor()
    expect((await api.getClock({})).offsetSeconds).toBeCloseTo(3600, 0)

    // The demo agrees: the ten-minute session is gone, program 1 greets a guest.
    await visit(demo, cli.proxyUrl, '/p1/get/')
    expect(await demo.locator('.name').innerText()).toBe('Guest Guest')
    await api.resetClock({})
  })

  it('names a browser and closes it from Clients: its session-only cookie goes, the next visit starts afresh', async () => {
    await api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
    const kiosk = await visitor()
    await visit(kiosk, cli.proxyUrl, '/p1/set/')
    const kioskKey = (await cookieValue(kiosk.context(), cli.proxyUrl, 'sessionid'))!
    const clientId = (await cookieValue(kiosk.context(), cli.proxyUrl, 'si_client'))!
    await goToScreen(ui, 'Clients')
    const grid = ui.getByRole('grid', { name: 'Clients' })
    const row = grid.getByRole('row').filter({ has: ui.locator(`[title="${kioskKey}"]`) })
    await row.click()
    const detail = ui.locator('aside.client-detail')
    await detail.waitFor()
    await detail.getByLabel('Browser name').fill('Kiosk')
    await detail.getByLabel('Browser name').press('Enter')
    await ui.getByRole('complementary', { name: 'Browser Kiosk' }).waitFor()
    await expect.poll(async () => (await api.listClients({})).clients.find((c) => c.id === clientId)?.name).toBe('Kiosk')

    const cookies = detail.getByRole('table', { name: 'Mirrored cookies' })
    await waitForText(cookies.getByRole('row').filter({ hasText: 'sessionid' }), 'live')
    await detail.getByRole('button', { name: 'Close this browser' }).click()
    await waitForText(cookies.getByRole('row').filter({ hasText: 'sessionid' }), 'discarded', LIVE_MS * 3)

    await visit(kiosk, cli.proxyUrl, '/p1/get/')
    expect(await kiosk.locator('.name').innerText()).toBe('Guest Guest')
    // The server-side row stays, as in Django: only the browser forgot its cookie.
    expect((await api.getSession({ key: kioskKey })).key).toBe(kioskKey)
    await api.resetSettings({})
  })
})
