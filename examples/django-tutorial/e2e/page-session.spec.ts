// The tutorial's page session: SESSION_COOKIE_AGE = 20, and getsession sets
// session.modified = True, so every visit gives the session another 20 seconds.
import { expect, test } from 'session-inspector/playwright'

test('a visit within 20 seconds keeps the session; 20 seconds without one ends it', async ({ page, inspector }) => {
  await page.goto('/page/set/')
  await page.goto('/page/get/')
  await expect(page.locator('#name')).toHaveText('Sonam')
  await expect(page.locator('#cookie-age')).toHaveText('20')

  await inspector.clock.advance('15s')
  await page.goto('/page/get/') // modified = True: saved again, 20 s from now
  await inspector.clock.advance('15s') // 30 s after set/, 15 s after the last visit
  await page.goto('/page/get/')
  await expect(page.locator('#name')).toHaveText('Sonam')

  await inspector.clock.advance('21s')
  await page.goto('/page/get/')
  await expect(page.locator('body')).toHaveText('Your session has Expired...')
})

test('the session Django saved: 20 seconds, a cookie with Max-Age 20', async ({ page, context, inspector }) => {
  await page.goto('/page/set/')
  const session = await inspector.session()
  expect(session?.data).toEqual({ name: 'Sonam' })
  expect(session?.expiryAge).toBe(20)
  expect(session?.expireAtBrowserClose).toBe(false)
  const cookie = (await context.cookies()).find((c) => c.name === 'sessionid')
  expect(cookie?.value).toBe(session?.key)
  expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000)

  // 21 seconds later the browser's cookie has run out on the same clock: it is gone from the
  // context too, and Django's row has expired.
  await inspector.clock.advance('21s')
  expect((await context.cookies()).map((c) => c.name)).not.toContain('sessionid')
  expect(await inspector.session()).toBeNull()
  expect((await inspector.sessions()).find((s) => s.key === session?.key)?.expired).toBe(true)
})
