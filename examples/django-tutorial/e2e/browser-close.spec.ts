// Program 5's SESSION_EXPIRE_AT_BROWSER_CLOSE = True: the session cookie has no Max-Age, and
// closing the browser ends the session. A view that calls set_expiry(600) makes it outlive
// the close: the cookie then has a Max-Age, and a closed browser keeps it.
import { expect, test } from 'session-inspector/playwright'

test('closing the browser ends the session', async ({ page, context, inspector }) => {
  await page.goto('/page/set/')
  expect((await inspector.session())?.expireAtBrowserClose).toBe(true)
  expect((await context.cookies()).find((c) => c.name === 'sessionid')?.expires).toBe(-1) // a browser-session cookie

  const closed = await inspector.closeBrowser()
  expect(closed.discarded).toContain('sessionid')
  expect((await context.cookies()).map((c) => c.name)).not.toContain('sessionid')

  await page.goto('/page/get/')
  await expect(page.locator('body')).toHaveText('Your session has Expired...')
})

test('set_expiry(600) outlives a browser close', async ({ page, inspector }) => {
  await page.goto('/p3/set/')
  expect((await inspector.session())?.expireAtBrowserClose).toBe(false)
  const closed = await inspector.closeBrowser()
  expect(closed.kept).toContain('sessionid')
  await page.goto('/p3/get/')
  await expect(page.locator('#name')).toHaveText('Sonam')
})
