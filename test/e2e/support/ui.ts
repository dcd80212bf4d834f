// Helpers for driving the inspector's web UI and the demo app in Chromium the way a user
// does: by role, label and visible text. No vitest here, so scripts (bench/ui.ts) can use it.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { BrowserContext, Locator, Page, Response } from 'playwright-core'

const ROOT = resolve(__dirname, '../../..')

/** The product requirement for live updates: a change shows in the UI within a second. */
export const LIVE_MS = 1000

/** Throws a clear error when the build the CLI serves is missing (npm test builds first). */
export function assertBuilt(): void {
  const missing = ['out/main/cli.js', 'out/renderer/index.html'].filter((f) => !existsSync(resolve(ROOT, f)))
  if (missing.length) throw new Error(`the build is missing (${missing.join(', ')}): run \`npm run build\` (or \`npx electron-vite build\`) first`)
}

/** Opens the web UI with its token, as the URL the CLI prints, and waits for the Sessions screen. */
export async function openInspector(page: Page, controlUrl: string, token: string): Promise<void> {
  await page.goto(`${controlUrl}/#token=${encodeURIComponent(token)}`)
  await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor()
}

export function rail(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Screens' })
}

/** Clicks a screen in the left rail and waits for its title. */
export async function goToScreen(page: Page, label: string): Promise<void> {
  await rail(page).getByRole('link', { name: label, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: label, exact: true }).waitFor()
}

/** The Sessions grid's row for a session key. */
export function sessionRow(page: Page, key: string): Locator {
  return page.getByRole('grid', { name: 'Sessions' }).getByRole('row').filter({ hasText: key })
}

/** The detail pane of one session. */
export function sessionDetail(page: Page, key: string): Locator {
  return page.getByRole('complementary', { name: `Session ${key}` })
}

/** One setting's block on the Settings screen (name, help, input, errors). */
export function settingBlock(page: Page, name: string): Locator {
  return page.locator(`[data-setting="${name}"]`)
}

/** Types a value into a text-like setting and presses Enter, as a user applies it. */
export async function typeSetting(page: Page, name: string, value: string): Promise<void> {
  const input = page.getByLabel(name, { exact: true })
  await input.fill(value)
  await input.press('Enter')
}

/** Waits until some element of `locator` contains `text`. */
export async function waitForText(locator: Locator, text: string | RegExp, timeout?: number): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', ...(timeout === undefined ? {} : { timeout }) })
}

/** The value of a cookie the browser holds for `url`, or null. */
export async function cookieValue(context: BrowserContext, url: string, name: string): Promise<string | null> {
  return (await context.cookies(url)).find((c) => c.name === name)?.value ?? null
}

/** The Set-Cookie header a response sent for `name`, or null. */
export async function setCookieFor(response: Response | null, name: string): Promise<string | null> {
  if (!response) throw new Error('the navigation produced no response')
  const headers = await response.headersArray()
  return headers.find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith(`${name}=`))?.value ?? null
}

/** Visits a demo page through the proxy and returns its response. */
export async function visit(page: Page, proxyUrl: string, path: string): Promise<Response> {
  const response = await page.goto(proxyUrl + path)
  if (!response) throw new Error(`no response for ${path}`)
  return response
}

/** Waits for the page to be still: loading spinners gone, fonts in, two frames drawn. */
export async function settle(page: Page): Promise<void> {
  await page.locator('.app-main .loading').waitFor({ state: 'detached' })
  await page.locator('.app-main [aria-busy="true"]').first().waitFor({ state: 'detached' })
  // Page-side code as text: the node project has no DOM types.
  await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))')
}
