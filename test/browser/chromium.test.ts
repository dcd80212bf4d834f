// The seeds' page session in real Chromium through the proxy and the demo app, with the
// clock driven over the control API: reading refreshes the expiry; past SESSION_COOKIE_AGE
// the page says it expired; a simulated close ends a session-only session.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/api'
import { startControlServer, type ControlServer } from '../../src/main/control'
import { Inspector } from '../../src/main/inspector'
import { launchChromium } from '../support/chromium'
import { httpApi } from '../support/http-api'

let inspector: Inspector
let control: ControlServer
let api: Api
let chromium: Browser
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-chromium-'))
  inspector = await Inspector.start({ dataDir: dir, upstream: 'demo', listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
  control = await startControlServer({ api: inspector.api, events: inspector, token: 'test-token-123456', host: '127.0.0.1', port: 0, version: 'test', log: () => undefined })
  api = httpApi(control.url, 'test-token-123456')
  chromium = await launchChromium()
})

afterAll(async () => {
  await chromium?.close()
  await control?.close()
  await inspector?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.newContext()
  return { context, page: await context.newPage() }
}

const text = (page: Page) => page.locator('body').innerText()

describe('the page session in Chromium', () => {
  it('reading refreshes the expiry; past SESSION_COOKIE_AGE the page says the session expired', async () => {
    await api.resetClock({})
    await api.updateSettings({ settings: { SESSION_COOKIE_AGE: 20, SESSION_EXPIRE_AT_BROWSER_CLOSE: false } })
    const { context, page } = await freshPage()
    await page.goto(`${inspector.proxyUrl}/page/set/`)
    await page.goto(`${inspector.proxyUrl}/page/get/`)
    expect(await text(page)).toContain('Sonam')

    await api.advanceClock({ seconds: 15 })
    await page.reload()
    expect(await text(page)).toContain('Sonam') // this read saved the session again: 20 s from now
    await api.advanceClock({ seconds: 15 })
    await page.reload()
    expect(await text(page)).toContain('Sonam') // 30 s after the set, 15 s after the last read

    await api.advanceClock({ seconds: 21 })
    await page.reload()
    expect(await text(page)).toContain('Your session has Expired...')
    const cookies = await context.cookies(inspector.proxyUrl)
    expect(cookies.find((c) => c.name === 'sessionid')).toBeUndefined()
    await context.close()
  })

  it('the same browser, simulated close, reload: a session-only session is gone', async () => {
    await api.resetClock({})
    await api.updateSettings({ settings: { SESSION_COOKIE_AGE: 1209600, SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
    const { context, page } = await freshPage()
    await page.goto(`${inspector.proxyUrl}/page/set/`)
    await page.goto(`${inspector.proxyUrl}/page/get/`)
    expect(await text(page)).toContain('Sonam')
    const before = (await context.cookies(inspector.proxyUrl)).find((c) => c.name === 'sessionid')
    expect(before?.expires).toBe(-1) // a browser-session cookie
    const { closed } = await api.closeBrowser({})
    expect(closed).toBeGreaterThanOrEqual(1)
    await page.reload()
    expect(await text(page)).toContain('Your session has Expired...')
    expect((await context.cookies(inspector.proxyUrl)).find((c) => c.name === 'sessionid')).toBeUndefined()
    await context.close()
  })

  it('a persistent session survives the simulated close', async () => {
    await api.resetClock({})
    await api.updateSettings({ settings: { SESSION_COOKIE_AGE: 1209600, SESSION_EXPIRE_AT_BROWSER_CLOSE: false } })
    const { context, page } = await freshPage()
    await page.goto(`${inspector.proxyUrl}/page/set/`)
    await api.closeBrowser({})
    await page.goto(`${inspector.proxyUrl}/page/get/`)
    expect(await text(page)).toContain('Sonam')
    await context.close()
  })
})
