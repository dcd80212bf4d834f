// End to end (issue 5): the built CLI as a child process, the web UI and the demo app in real
// Chromium. Every step is done through the UI as a user does it (clicks, typing) and checked
// in the UI and on the demo's pages. The file also takes screenshots of every screen: into
// test-results/screenshots/ (ignored by git), or into SI_SCREENSHOTS_DIR, which
// `npm run screenshots` points at docs/screenshots/ to refresh the README's pictures.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/api'
import { validateSettingsPatch } from '../../src/shared/settings'
import { startCli, type RunningCli } from '../cli/support'
import { launchChromium } from '../support/chromium'
import { httpApi } from '../support/http-api'
import { captureScreens, type DetailView } from './support/screenshots'
import { buildShowcase } from './support/showcase'
import {
  assertBuilt,
  cookieValue,
  goToScreen,
  LIVE_MS,
  openInspector,
  sessionDetail,
  sessionRow,
  setCookieFor,
  settingBlock,
  typeSetting,
  visit,
  waitForText
} from './support/ui'

const SCREENSHOTS = process.env.SI_SCREENSHOTS_DIR ? resolve(process.env.SI_SCREENSHOTS_DIR) : resolve(__dirname, '../../test-results/screenshots')
const VIEWPORT = { width: 1440, height: 900 }

let chromium: Browser
let cli: RunningCli
let api: Api
let dir: string

beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), 'si-e2e-'))
  ;[cli, chromium] = await Promise.all([startCli(['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0']), launchChromium()])
  api = httpApi(cli.controlUrl, cli.token)
})

afterAll(async () => {
  await chromium?.close()
  if (cli) {
    const exit = await cli.stop('SIGTERM')
    expect(exit.code).toBe(0)
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('issue 5: the inspector and the demo, side by side', () => {
  let inspectorContext: BrowserContext
  let demoContext: BrowserContext
  let ui: Page
  let demo: Page

  beforeAll(async () => {
    inspectorContext = await chromium.newContext({ viewport: VIEWPORT })
    demoContext = await chromium.newContext()
    ui = await inspectorContext.newPage()
    demo = await demoContext.newPage()
  })

  afterAll(async () => {
    await inspectorContext?.close()
    await demoContext?.close()
  })

  const demoText = (selector: string) => demo.locator(selector).innerText()

  it('a visit to the demo shows up in the open UI within a second, without a reload', async () => {
    await openInspector(ui, cli.controlUrl, cli.token)
    await ui.getByText('No sessions yet').waitFor()
    let reloaded = false
    ui.on('framenavigated', (frame) => {
      if (frame === ui.mainFrame()) reloaded = true
    })

    await visit(demo, cli.proxyUrl, '/page/set/')
    const key = await cookieValue(demoContext, cli.proxyUrl, 'sessionid')
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    await sessionRow(ui, key!).waitFor({ timeout: LIVE_MS })
    const row = await sessionRow(ui, key!).innerText()
    expect(row).toContain('"name":"Sonam"')
    // An unnamed client is shown by its display name: its User-Agent and its id's first characters.
    const clientId = (await cookieValue(demoContext, cli.proxyUrl, 'si_client')) as string
    const displayName = (await api.listClients({})).clients.find((c) => c.id === clientId)?.displayName
    expect(displayName).toBe(`Headless Chrome on Linux · ${clientId.slice(0, 6)}`)
    expect(row).toContain(displayName)
    await waitForText(ui.locator('.toolbar-count'), '1 session', LIVE_MS)
    expect(reloaded).toBe(false)
  })

  it('SESSION_COOKIE_AGE = 20 typed in Settings changes the Set-Cookie preview, and the next save sends Max-Age=20', async () => {
    await goToScreen(ui, 'Settings')
    const preview = ui.getByTestId('preview-set-cookie')
    await waitForText(preview, 'Max-Age=1209600;')
    await typeSetting(ui, 'SESSION_COOKIE_AGE', '20')
    await waitForText(preview, 'Max-Age=20;', LIVE_MS)
    expect(await preview.innerText()).not.toContain('1209600')
    expect(await settingBlock(ui, 'SESSION_COOKIE_AGE').getByRole('alert').count()).toBe(0)
    expect(await ui.getByLabel('SESSION_COOKIE_AGE', { exact: true }).inputValue()).toBe('20')

    // "Save data again" in the demo: the response's session cookie lives 20 seconds.
    const response = await visit(demo, cli.proxyUrl, '/page/set/')
    const setCookie = await setCookieFor(response, 'sessionid')
    expect(setCookie).toMatch(/;\s*Max-Age=20(;|$)/i)
    const key = await cookieValue(demoContext, cli.proxyUrl, 'sessionid')

    // The UI says the same: the session's expiry age is now 20 s.
    await goToScreen(ui, 'Sessions')
    await sessionRow(ui, key!).click()
    const detail = sessionDetail(ui, key!)
    await detail.waitFor()
    await waitForText(detail.locator('dd'), /^20\s*\(20 s\)$/, LIVE_MS)

    // And the demo, which asks the adapter: get_session_cookie_age() is 20.
    await visit(demo, cli.proxyUrl, '/page/get/')
    expect(await demoText('.cookie-age')).toBe('20 seconds')
    expect(await demoText('.expiry-age')).toBe('20 seconds')
  })

  it('+1 min on the engine clock: the UI shows the session expired and the demo page says so', async () => {
    const key = await cookieValue(demoContext, cli.proxyUrl, 'sessionid')
    const row = sessionRow(ui, key!)
    await waitForText(row, 'active')
    await ui.getByRole('button', { name: '+1 min', exact: true }).click()
    await waitForText(row, 'expired', LIVE_MS)
    await waitForText(ui.getByTestId('clock-offset'), '+1 min ahead', LIVE_MS)
    await waitForText(sessionDetail(ui, key!).locator('.detail-summary'), /expired/, LIVE_MS)

    await visit(demo, cli.proxyUrl, '/page/get/')
    expect(await demoText('.expired')).toBe('Your session has Expired...')
    // The proxy told the browser to forget the dead cookie.
    expect(await cookieValue(demoContext, cli.proxyUrl, 'sessionid')).toBeNull()
  })

  it("data edited in the UI is what the demo's get page shows", async () => {
    // Stop the engine clock first: a 20-second session must not lapse while we type.
    await ui.getByRole('button', { name: 'Freeze', exact: true }).click()
    await ui.getByRole('button', { name: 'Unfreeze', exact: true }).waitFor()

    await visit(demo, cli.proxyUrl, '/page/set/')
    const key = await cookieValue(demoContext, cli.proxyUrl, 'sessionid')
    expect(key).toBeTruthy()
    const row = sessionRow(ui, key!)
    await row.waitFor({ timeout: LIVE_MS })
    await row.click()
    const detail = sessionDetail(ui, key!)
    const name = detail.getByLabel('Value of .name', { exact: true })
    await name.fill('Tashi Dorji')
    await detail.getByRole('button', { name: 'Save', exact: true }).click()
    // Saved: nothing left to save or revert, and the table shows the new data.
    await detail.getByRole('button', { name: 'Save', exact: true }).and(ui.locator(':disabled')).waitFor()
    await waitForText(row, '"name":"Tashi Dorji"', LIVE_MS)

    await visit(demo, cli.proxyUrl, '/page/get/')
    expect(await demoText('.name')).toBe('Tashi Dorji')
  })

  it("a bad setting shows the validator's message and changes nothing", async () => {
    await goToScreen(ui, 'Settings')
    const before = await api.getSettings({})
    const cases: [string, string, unknown][] = [
      ['SESSION_COOKIE_AGE', '-5', -5],
      ['SESSION_COOKIE_NAME', 'my session', 'my session']
    ]
    for (const [setting, typed, value] of cases) {
      const expected = validateSettingsPatch(before, { [setting]: value })
      if (expected.ok) throw new Error(`the validator accepts ${setting} = ${typed}: pick a bad value`)
      const message = expected.errors[0]!.message
      await typeSetting(ui, setting, typed)
      const alert = settingBlock(ui, setting).getByRole('alert')
      await waitForText(alert, message, LIVE_MS)
      expect(await alert.innerText()).toBe(message)
      expect(await ui.getByLabel(setting, { exact: true }).getAttribute('aria-invalid')).toBe('true')
    }

    // Nothing changed: the preview, the demo's next cookie, and the screen once reopened.
    const preview = ui.getByTestId('preview-set-cookie')
    expect(await preview.innerText()).toMatch(/^Set-Cookie: sessionid=.*Max-Age=20;/)
    const response = await visit(demo, cli.proxyUrl, '/page/set/')
    expect(await setCookieFor(response, 'sessionid')).toMatch(/;\s*Max-Age=20(;|$)/i)
    await goToScreen(ui, 'Sessions')
    await goToScreen(ui, 'Settings')
    expect(await ui.getByLabel('SESSION_COOKIE_AGE', { exact: true }).inputValue()).toBe('20')
    expect(await ui.getByLabel('SESSION_COOKIE_NAME', { exact: true }).inputValue()).toBe('sessionid')
    expect(await api.getSettings({})).toEqual(before)
  })
})

describe("scripting the web UI: the README's wait", () => {
  it('the ready marker comes with the data, where networkidle never does', async () => {
    const context = await chromium.newContext({ viewport: VIEWPORT })
    try {
      const page = await context.newPage()
      // As the README's snippet does, against the real CLI.
      await page.goto(`${cli.controlUrl}/#token=${encodeURIComponent(cli.token)}`)
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached' })
      const total = (await api.listSessions({})).total
      expect(total).toBeGreaterThan(0)
      expect(await page.locator('.toolbar-count').first().innerText()).toBe(`${total} session${total === 1 ? '' : 's'}`)
      // A handful of sessions by now: every one of them is a row (no virtualisation cut-off at this size).
      expect(total).toBeLessThan(20)
      expect(await page.getByRole('grid', { name: 'Sessions' }).locator('.grid-body [role="row"]').count()).toBe(total)

      await page.getByRole('link', { name: 'Traffic' }).click()
      await page.getByRole('heading', { level: 1, name: 'Traffic' }).waitFor()
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached' })
      expect(await page.getByRole('grid', { name: 'Requests' }).locator('.grid-body [role="row"]').count()).toBeGreaterThan(0)
      // The event stream stays open: networkidle never comes.
      await expect(page.waitForLoadState('networkidle', { timeout: 2000 })).rejects.toThrow(/Timeout/)
    } finally {
      await context.close()
    }
  })
})

describe('screenshots of every screen, light and dark', () => {
  it('writes every screen from a realistic state', async () => {
    const showcase = await buildShowcase(chromium, cli.proxyUrl, api)
    const context = await chromium.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-GB' })
    try {
      const page = await context.newPage()
      await openInspector(page, cli.controlUrl, cli.token)
      await sessionRow(page, showcase.keys.cart).waitFor()
      const detail: DetailView = {
        name: 'session-detail',
        async open(p) {
          await sessionRow(p, showcase.keys.cart).click()
          await sessionDetail(p, showcase.keys.cart).getByRole('tree', { name: 'Session data' }).waitFor()
        },
        async close(p) {
          await p.getByRole('button', { name: 'Close the session detail (Escape)' }).click()
          await sessionDetail(p, showcase.keys.cart).waitFor({ state: 'detached' })
        }
      }
      // The modified /p2/get/ (setdefault('age', '26')): a reason, a decision and a diff worth showing.
      const request = () => page.getByRole('grid', { name: 'Requests' }).getByRole('row').filter({ has: page.getByRole('gridcell', { name: '/p2/get/', exact: true }) }).first()
      const closeRequest = async (p: Page) => {
        await p.getByRole('button', { name: 'Close the request detail (Escape)' }).click()
        await p.locator('aside.traffic-detail').waitFor({ state: 'detached' })
      }
      const trafficDetail: DetailView = {
        name: 'traffic-detail',
        async open(p) {
          await request().click()
          await p.locator('aside.traffic-detail').getByText('The middleware\'s decision').waitFor()
        },
        close: closeRequest
      }
      const trafficDiff: DetailView = {
        name: 'traffic-diff',
        async open(p) {
          await request().click()
          await p.locator('aside.traffic-detail').getByRole('tab', { name: /Session diff/ }).click()
          await p.getByRole('table', { name: 'Session diff' }).waitFor()
        },
        close: closeRequest
      }
      const clientDetail: DetailView = {
        name: 'client-detail',
        async open(p) {
          await p.getByRole('grid', { name: 'Clients' }).getByRole('row').filter({ hasText: 'Kiosk' }).click()
          await p.getByRole('complementary', { name: 'Browser Kiosk' }).getByRole('table', { name: 'Mirrored cookies' }).waitFor()
        },
        async close(p) {
          await p.getByRole('button', { name: 'Close the browser detail (Escape)' }).click()
          await p.getByRole('complementary', { name: 'Browser Kiosk' }).waitFor({ state: 'detached' })
        }
      }
      const result = await captureScreens(page, SCREENSHOTS, { sessions: [detail], traffic: [trafficDetail, trafficDiff], clients: [clientDetail] })
      const names = result.written.map((w) => relative(SCREENSHOTS, w.file))
      console.log(
        `screenshots: ${result.written.map((w) => `${relative(SCREENSHOTS, w.file)} (${Math.round(w.bytes / 1024)} KiB)`).join(', ')}` +
          (result.skipped.length ? `; placeholders skipped: ${result.skipped.join(', ')}` : '')
      )
      for (const stem of ['sessions', 'session-detail', 'traffic', 'traffic-detail', 'traffic-diff', 'timeline', 'clients', 'client-detail', 'settings']) {
        expect(names).toContain(`${stem}-light.png`)
        expect(names).toContain(`${stem}-dark.png`)
      }
      for (const w of result.written) expect(w.bytes).toBeLessThan(1024 * 1024)
    } finally {
      await context.close()
      await showcase.close()
    }
  }, 180_000)
})

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))))
    })
  })
}

describe('the upstream is down', () => {
  it('the header says so, visibly, with the error; the proxy answers 502 naming the address', async () => {
    const port = await closedPort()
    const upstream = `http://127.0.0.1:${port}`
    const downDir = mkdtempSync(join(tmpdir(), 'si-e2e-down-'))
    const down = await startCli(['--data-dir', downDir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--upstream', upstream])
    const context = await chromium.newContext({ viewport: VIEWPORT })
    try {
      const page = await context.newPage()
      await openInspector(page, down.controlUrl, down.token)
      const route = page.getByRole('group', { name: 'Proxy route' })
      await waitForText(route, upstream)
      const state = route.locator('.badge').filter({ hasText: /^down$/ })
      await state.waitFor()
      const error = route.getByRole('status')
      await waitForText(error, 'connection refused')
      expect(await error.isVisible()).toBe(true)
      const box = await error.boundingBox()
      expect(box && box.width > 0 && box.height > 0 && box.x + box.width <= VIEWPORT.width).toBe(true)
      mkdirSync(SCREENSHOTS, { recursive: true })
      await page.screenshot({ path: join(SCREENSHOTS, 'header-upstream-down.png'), clip: { x: 0, y: 0, width: VIEWPORT.width, height: 80 } })

      const visitor = await context.newPage()
      const response = await visitor.goto(`${down.proxyUrl}/page/set/`)
      expect(response?.status()).toBe(502)
      expect(await visitor.locator('body').innerText()).toContain(upstream)
    } finally {
      await context.close()
      const exit = await down.stop('SIGTERM')
      rmSync(downDir, { recursive: true, force: true })
      expect(exit.code).toBe(0)
    }
  })
})
