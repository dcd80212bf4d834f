// Runs beside state.spec.ts, in the other worker: its own Session Inspector.
import { expect, test } from 'session-inspector/playwright'
import { record } from './record'

test('each worker has its own Session Inspector, and baseURL goes through it', async ({ page, inspector, inspectorServer, baseURL }, testInfo) => {
  record(inspectorServer, testInfo.workerIndex, testInfo.title)
  expect(baseURL).toBe(`${inspector.proxyUrl}/`)
  await page.goto('/p1/set/')
  expect((await inspector.sessions()).map((s) => s.data)).toContainEqual({ name: 'Sonam', lname: 'rathore' })
})
