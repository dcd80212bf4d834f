// The tutorial's programs under Playwright Test, each behind its own Session Inspector.
// Three Django servers, one per settings module (the tutorial's programs have their own
// settings.py), started by Playwright; each project's workers observe theirs (observe mode:
// Django's own SessionMiddleware and database, read with the project's own Python).
//
//   PYTHON=path/to/venv/bin/python npx playwright test -c examples/django-tutorial
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'
import type { InspectorWorkerOptions } from 'session-inspector/playwright'

const python = process.env.PYTHON ?? 'python3'
const dbDir = process.env.TUTORIAL_DB_DIR ?? __dirname
const port = Number(process.env.TUTORIAL_PORT ?? 8000)

// The tutorial's settings modules, each on its own port and database file.
const servers = [
  { name: 'programs', settings: 'tutorial.settings', port, specs: ['set-expiry.spec.ts', 'test-cookie.spec.ts'] },
  { name: 'page-session', settings: 'tutorial.settings_pagesession', port: port + 1, specs: ['page-session.spec.ts'] },
  { name: 'browser-close', settings: 'tutorial.settings_browserclose', port: port + 2, specs: ['browser-close.spec.ts'] }
].map((s) => ({ ...s, url: `http://127.0.0.1:${s.port}`, env: { DJANGO_SETTINGS_MODULE: s.settings, TUTORIAL_DB: join(dbDir, `${s.name}.sqlite3`) } }))

export default defineConfig<object, InspectorWorkerOptions>({
  testDir: 'e2e',
  fullyParallel: true,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    // Debian's Chromium (or any): Playwright's own browser download is not needed.
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] }
  },
  webServer: servers.map((s) => ({
    command: `${python} manage.py migrate --noinput && ${python} manage.py runserver 127.0.0.1:${s.port} --noreload`,
    url: `${s.url}/page/get/`,
    env: s.env,
    reuseExistingServer: !process.env.CI
  })),
  projects: servers.map((s) => ({
    name: s.name,
    testMatch: s.specs,
    // Observing, the clock moves the app's own store: every session in its database ages.
    // Two workers on one app would age each other's sessions, so each app gets one worker
    // at a time; the three apps run side by side.
    workers: 1,
    use: {
      baseURL: s.url,
      // Observe the project: its SESSION_* settings, SECRET_KEY and database, read with its Python.
      inspectorOptions: { djangoProject: __dirname, djangoSettings: s.settings, python, env: s.env }
    }
  }))
})
