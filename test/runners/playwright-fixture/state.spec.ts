// One worker, in order: what a test changes (clock, settings) is undone for the next; the
// context's cookie jar follows the clock and a browser close as the proxy's mirror does.
import { expect, test } from 'session-inspector/playwright'
import { record } from './record'

test.afterEach(({ inspectorServer }, testInfo) => record(inspectorServer, testInfo.workerIndex, testInfo.title))

test('settings.set and clock.advance: the page session expires, and its cookie leaves the context', async ({ page, context, inspector }) => {
  expect((await inspector.settings.get()).SESSION_COOKIE_AGE).toBe(3600) // inspectorOptions.settings
  await inspector.settings.set({ SESSION_COOKIE_AGE: 20 })
  await page.goto('/page/set/')
  expect((await inspector.session())?.expiryAge).toBe(20)
  await inspector.clock.advance(21)
  // Chromium's jar runs on real time: without the fixture it would still hold the cookie.
  expect((await context.cookies()).map((c) => c.name)).not.toContain('sessionid')
  expect((await context.cookies()).map((c) => c.name)).toContain('si_client')
  await page.goto('/page/get/')
  await expect(page.locator('.expired')).toHaveText('Your session has Expired...')
})

test('the next test starts on real time with the configured settings', async ({ inspector }) => {
  expect((await inspector.settings.get()).SESSION_COOKIE_AGE).toBe(3600)
  expect(Math.abs((await inspector.clock.now()).getTime() - Date.now())).toBeLessThan(5_000)
  await expect(inspector.clock.advance('soon')).rejects.toThrow(/clock\.advance: Cannot read "soon"/)
})

test('closeBrowser: session cookies leave the context and the mirror; persistent ones stay', async ({ page, context, inspector }) => {
  await inspector.settings.set({ SESSION_EXPIRE_AT_BROWSER_CLOSE: true })
  await page.goto('/page/set/')
  await context.addCookies([{ name: 'theme', value: 'dark', url: inspector.proxyUrl }]) // a session cookie the proxy never saw
  const closed = await inspector.closeBrowser()
  expect(closed.discarded.sort()).toEqual(['sessionid', 'theme'])
  expect(closed.kept).toEqual(['si_client'])
  expect((await context.cookies()).map((c) => c.name)).toEqual(['si_client'])
  const id = (await context.cookies()).find((c) => c.name === 'si_client')?.value
  const client = (await inspector.api.listClients({})).clients.find((c) => c.id === id)
  expect(client?.cookies.find((c) => c.name === 'sessionid')?.state).toBe('discarded')
  expect(await inspector.session()).toBeNull()
  await page.goto('/page/get/')
  await expect(page.locator('.expired')).toHaveText('Your session has Expired...')
})

test('closeBrowser names what the context held, though a request still on its way loses the discarded cookie meanwhile', async ({ page, context, inspector }) => {
  await inspector.settings.set({ SESSION_EXPIRE_AT_BROWSER_CLOSE: true })
  await page.goto('/page/set/')
  // A late request (as the favicon Chromium asks for after a page's load) reaching the proxy
  // after its close: the proxy tells the browser to forget the discarded cookie.
  const close = inspector.api.closeBrowser
  inspector.api.closeBrowser = async (input) => {
    const result = await close(input)
    await context.request.get(`${inspector.proxyUrl}/favicon.ico`) // the context's own cookies, both ways
    expect((await context.cookies()).map((c) => c.name)).toEqual(['si_client'])
    return result
  }
  try {
    expect(await inspector.closeBrowser()).toEqual({ discarded: ['sessionid'], kept: ['si_client'] })
  } finally {
    inspector.api.closeBrowser = close
  }
  await page.goto('/page/get/')
  await expect(page.locator('.expired')).toHaveText('Your session has Expired...')
})
