// Program 4: set_test_cookie(), test_cookie_worked(), delete_test_cookie().
import { expect, test } from 'session-inspector/playwright'

test('the test cookie worked on the next request, until deleted', async ({ page }) => {
  await page.goto('/p4/set/')
  await page.goto('/p4/check/')
  await expect(page.locator('#worked')).toHaveText('True')
  await page.goto('/p4/del/')
  await page.goto('/p4/check/')
  await expect(page.locator('#worked')).toHaveText('False')
})

test('the test cookie lives in the session: two weeks (SESSION_COOKIE_AGE), then it is gone', async ({ page, inspector }) => {
  await page.goto('/p4/set/')
  expect((await inspector.session())?.data).toEqual({ testcookie: 'worked' })
  await inspector.clock.advance('13d')
  await page.goto('/p4/check/')
  await expect(page.locator('#worked')).toHaveText('True')
  await inspector.clock.advance('1d 1s')
  await page.goto('/p4/check/')
  await expect(page.locator('#worked')).toHaveText('False')
})
