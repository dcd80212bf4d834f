// @vitest-environment node
/// <reference types="node" />
// The real renderer build in real Chromium, served under the strict CSP with the REST + SSE
// routes over a FakeApi: no CSP violations or console errors, 10,000 rows, keyboard, live
// events, the reconnect banner, both themes. With SI_SCREENSHOTS=<dir> it also saves
// screenshots there for a person to look at.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../support/chromium'
import { FakeApi } from '../fake-api'
import { buildRenderer } from './build-ui'
import { startFakeServer, type FakeServer } from './fake-server'

const SHOTS = process.env.SI_SCREENSHOTS
const ROWS = 10_000
const DAY = 86_400_000

let dir: string
let server: FakeServer
let fake: FakeApi
let browser: Browser

function makeFake(): FakeApi {
  const f = new FakeApi({ now: Date.now() + 2 * DAY + 3 * 3_600_000 })
  f.seed(ROWS)
  f.addSession({ key: 'k7x2m9q4w8e1r5t3y6u0i2o4p8a1s3d5', data: { _auth_user_id: '42', username: 'alice', cart: [3, 14, 15], theme: 'dark', _session_expiry: 600 }, clientId: 'c1' })
  const names = ['Chrome — QA', 'Firefox', 'Safari (iPhone)', 'Playwright run 12', 'curl']
  f.clients = names.map((name, i) => ({ id: `c${i + 1}`, name, userAgent: 'Mozilla/5.0', firstSeen: new Date().toISOString(), lastSeen: new Date().toISOString(), sessionKey: null, requestCount: 10 * (i + 1), cookies: [], displayName: name }))
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

async function openPage(colorScheme: 'light' | 'dark' = 'light', hash = `#token=${server.token}`, viewport = { width: 1440, height: 860 }) {
  const context = await browser.newContext({ viewport, colorScheme })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await page.goto(`${server.url}/${hash}`)
  return { page, problems, close: () => context.close() }
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

describe('the built UI in Chromium', { timeout: 60_000 }, () => {
  it('runs under the strict CSP without a single console error, and hides the token', async () => {
    const { page, problems, close } = await openPage()
    await page.getByText(`${ROWS + 1} sessions`.replace(/\B(?=(\d{3})+(?!\d))/g, ',')).waitFor()
    expect(new URL(page.url()).hash).toBe('')
    expect(await page.evaluate(() => sessionStorage.getItem('session-inspector.token'))).toBe(server.token)
    expect(problems).toEqual([])
    await close()
  })

  it('keeps 10,000 sessions to a screenful of DOM rows, pages them in as it scrolls, and reaches the last with End', async () => {
    const { page, problems, close } = await openPage()
    const grid = page.getByRole('grid', { name: 'Sessions' })
    await grid.getByRole('row').nth(1).waitFor()
    expect(await grid.getByRole('row').count()).toBeLessThan(80)
    // One page at first; each End brings the last rows into view, which asks for the next page.
    expect(Number(await grid.getAttribute('aria-rowcount'))).toBeLessThan(ROWS)
    await grid.focus()
    for (let i = 0; i < 100; i++) {
      const before = await grid.getAttribute('aria-rowcount')
      if (before === String(ROWS + 2)) break
      await page.keyboard.press('End')
      await expect.poll(() => grid.getAttribute('aria-rowcount'), { interval: 50 }).not.toBe(before)
    }
    await page.keyboard.press('End')
    // The virtualised list draws the last row once it has scrolled there: a frame or more later.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('[aria-selected="true"]')?.getAttribute('aria-rowindex')))
      .toBe(String(ROWS + 2))
    await expect.poll(() => grid.locator('[aria-selected="true"]').isVisible()).toBe(true)
    expect(problems).toEqual([])
    await close()
  }, 180_000)

  it('opens a session with the keyboard, shows it, and closes it with Escape', async () => {
    const { page, close } = await openPage()
    const grid = page.getByRole('grid', { name: 'Sessions' })
    await grid.getByRole('row').nth(1).waitFor()
    await page.getByLabel('Filter sessions by key or data').fill('k7x2m9q4')
    await expect.poll(() => grid.getByRole('row').count()).toBe(2)
    await grid.focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    const detail = page.getByRole('complementary', { name: 'Session k7x2m9q4w8e1r5t3y6u0i2o4p8a1s3d5' })
    await detail.waitFor()
    await detail.getByText('600: expires after 10 min without modification').waitFor()
    await shot(page, 'sessions-detail-light')
    await page.keyboard.press('Escape')
    await detail.waitFor({ state: 'detached' })
    await close()
  })

  it('receives events over SSE, and shows the banner while reconnecting', async () => {
    const { page, problems, close } = await openPage()
    await page.getByRole('grid', { name: 'Sessions' }).getByRole('row').nth(1).waitFor()
    fake.addSession({ key: 'livesessionfromtheserver00000000', data: { hello: 'chromium' } }, true)
    await page.getByText('livesessionfromtheserver00000000').waitFor()
    server.dropStreams(1500)
    await page.getByText('Disconnected — reconnecting').waitFor()
    await shot(page, 'reconnecting-light')
    await page.getByText('Disconnected — reconnecting').waitFor({ state: 'detached', timeout: 20_000 })
    fake.emit('clock', { now: '2030-01-02T03:04:05.000Z', realNow: new Date().toISOString(), offsetSeconds: 0, frozen: true })
    await expect.poll(() => page.getByTestId('engine-time').textContent()).toMatch(/^2030-01-0[12] /)
    // The dropped stream and the refused reconnects are the only network complaints.
    expect(problems.filter((p) => !/503|ERR_INCOMPLETE_CHUNKED_ENCODING|network/i.test(p))).toEqual([])
    await close()
  })

  it('follows the system theme', async () => {
    const light = await openPage('light')
    const dark = await openPage('dark')
    const bg = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    await light.page.getByRole('grid', { name: 'Sessions' }).waitFor()
    await dark.page.getByRole('grid', { name: 'Sessions' }).waitFor()
    expect(await bg(light.page)).toBe('rgb(255, 255, 255)')
    expect(await bg(dark.page)).not.toBe('rgb(255, 255, 255)')
    await shot(light.page, 'sessions-light')
    await shot(dark.page, 'sessions-dark')
    await dark.page.getByRole('grid', { name: 'Sessions' }).getByText('k7x2m9q4w8e1r5t3y6u0i2o4p8a1s3d5').click()
    await dark.page.getByRole('complementary').waitFor()
    await shot(dark.page, 'sessions-detail-dark')
    for (const { page } of [light, dark]) {
      await page.getByRole('link', { name: 'Settings' }).click()
      await page.getByTestId('preview-set-cookie').waitFor()
    }
    await shot(light.page, 'settings-light')
    await shot(dark.page, 'settings-dark')
    expect([...light.problems, ...dark.problems]).toEqual([])
    await light.close()
    await dark.close()
  })

  it('fits the smallest window: the route row stays one row, no column is cut off, the actions are in view', async () => {
    // MIN_SIZE of the Electron window (src/main/electron/window-state.ts).
    const viewport = { width: 720, height: 480 }
    const { page, problems, close } = await openPage('light', `#token=${server.token}`, viewport)
    const grid = page.getByRole('grid', { name: 'Sessions' })
    await grid.getByRole('row').nth(1).waitFor()
    const brand = await page.locator('.app-header .brand').boundingBox()
    const closeBrowser = await page.getByRole('button', { name: 'Close browser' }).boundingBox()
    expect(closeBrowser!.y).toBeLessThan(brand!.y + brand!.height)
    expect(closeBrowser!.x + closeBrowser!.width).toBeLessThanOrEqual(viewport.width)

    /** The column headers the grid shows (width > 0), and whether each ends inside the grid. */
    const columns = () =>
      grid.evaluate((el) => {
        const right = el.getBoundingClientRect().left + el.clientWidth
        return [...el.querySelectorAll('[role="columnheader"]')]
          .map((h) => ({ name: h.textContent, box: h.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0)
          .map(({ name, box }) => ({ name, inside: box.right <= right + 0.5 }))
      })
    for (const open of [false, true]) {
      const shown = await columns()
      expect(shown.map((c) => c.name)).toEqual(expect.arrayContaining(['Key', 'Expires']))
      expect(shown.filter((c) => !c.inside)).toEqual([])
      if (!open) {
        await page.getByLabel('Filter sessions by key or data').fill('k7x2m9q4')
        await expect.poll(() => grid.getByRole('row').count()).toBe(2)
        await grid.getByRole('row').nth(1).click()
        await page.getByRole('complementary', { name: /^Session / }).waitFor()
      }
    }
    await shot(page, 'sessions-detail-smallest-window')
    // Expire now, Delete and the jump are in view without scrolling the detail.
    const actions = page.getByRole('group', { name: 'Session actions' })
    for (const name of ['Jump clock to expiry', 'Expire now', 'Delete']) {
      const box = await actions.getByRole('button', { name }).boundingBox()
      expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height)
      expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width)
    }
    expect(problems).toEqual([])
    await close()
  })

  it('shows how to open the UI when the page has no token', async () => {
    const { page, problems, close } = await openPage('light', '')
    await page.evaluate(() => sessionStorage.clear())
    await page.reload()
    await page.getByRole('heading', { name: 'Open the inspector with its access token' }).waitFor()
    await shot(page, 'no-token-light')
    expect(problems).toEqual([])
    await close()
  })
})
