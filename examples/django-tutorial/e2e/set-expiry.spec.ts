// Program 3: set_expiry(600). Reading a session is not activity: it ends 10 minutes after
// set/, however often get/ reads it; and get/ then fails, as the tutorial's view is written
// (request.session['name'] without a default raises KeyError).
import { expect, test } from 'session-inspector/playwright'

test('set_expiry(600) ends the session ten minutes after it was set, reads or not', async ({ page, inspector }) => {
  await page.goto('/p3/set/')
  const session = await inspector.session()
  expect(session?.customExpiry).toBe(600)
  expect(session?.expiryAge).toBe(600)

  await inspector.clock.advance('9m')
  await page.goto('/p3/get/')
  await expect(page.locator('#name')).toHaveText('Sonam')
  await expect(page.locator('#expiry-age')).toHaveText('600')

  await inspector.clock.advance('61s')
  const response = await page.goto('/p3/get/')
  expect(response?.status()).toBe(500) // KeyError: 'name', the tutorial's view has no default
  expect(await inspector.session()).toBeNull()
})

test('the clock can be put at a moment, and back to real time', async ({ page, inspector }) => {
  await page.goto('/p3/set/')
  const inTwentyMinutes = new Date(Date.now() + 20 * 60_000)
  await inspector.clock.set(inTwentyMinutes)
  expect(Math.abs((await inspector.clock.now()).getTime() - inTwentyMinutes.getTime())).toBeLessThan(5_000)
  expect((await page.goto('/p3/get/'))?.status()).toBe(500)
  await inspector.clock.reset()
  expect(Math.abs((await inspector.clock.now()).getTime() - Date.now())).toBeLessThan(5_000)
})
