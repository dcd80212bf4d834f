// The Playwright fixture's own behaviour, against the built-in demo app (the proxy's own
// session engine, so settings change live): run by ../playwright-fixture.test.ts, which
// reads the JSON report and what each test recorded (SI_FIXTURE_RECORD).
import { defineConfig } from '@playwright/test'
import type { InspectorWorkerOptions } from 'session-inspector/playwright'

export default defineConfig<object, InspectorWorkerOptions>({
  testDir: '.',
  workers: 2,
  retries: 0,
  reporter: [['json', { outputFile: process.env.SI_FIXTURE_REPORT ?? 'report.json' }]],
  outputDir: process.env.SI_FIXTURE_OUTPUT ?? 'test-results',
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] },
    inspectorOptions: { upstream: 'demo', settings: { SESSION_COOKIE_AGE: 3600 } }
  }
})
