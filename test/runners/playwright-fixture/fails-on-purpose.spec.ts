// A test that fails, so that the wrapper sees its traffic attached to the report as HAR.
import { expect, test } from 'session-inspector/playwright'
import { record } from './record'

test('fails after two requests', async ({ page, inspectorServer }, testInfo) => {
  record(inspectorServer, testInfo.workerIndex, testInfo.title)
  await page.goto('/p3/set/')
  await page.goto('/p3/get/')
  expect('the session').toBe('what this test wrongly expects')
})
