/**
 * Session Inspector for Playwright Test: `import { test, expect } from 'session-inspector/playwright'`.
 *
 * Each worker starts its own Session Inspector on free ports, with a temporary data folder,
 * in front of the app under test (the project's `use.baseURL`, or `inspectorOptions.upstream`),
 * and the tests' `baseURL` goes through its proxy. The `inspector` fixture moves the clock
 * that sessions and cookies expire on, closes the test's browser as a real close would,
 * reads the sessions, and changes Django's session settings:
 *
 * ```ts
 * test('the session ends 20 minutes after the last visit', async ({ page, inspector }) => {
 *   await page.goto('/page/set/')
 *   await inspector.clock.advance('21m')
 *   await page.goto('/page/get/')
 *   await expect(page.getByText('Your session has Expired...')).toBeVisible()
 * })
 * ```
 *
 * After each test the clock is reset and settings the test changed are put back; a failed
 * test gets the inspector's traffic attached as `session-inspector.har`. Observe a Django
 * project that keeps Django's own SessionMiddleware with
 * `test.use({ inspectorOptions: { djangoProject: 'path/to/project' } })` (a worker option).
 */
import { test as base, type BrowserContext } from '@playwright/test'
import type { Api, ClockState, SessionInfo } from '../../shared/api'
import { parseDurationInput } from '../../shared/duration'
import { ApiError } from '../../shared/errors'
import type { Settings } from '../../shared/settings'
import { applyMirror, closeContextBrowser } from './browser-jar'
import { controlClient } from './control-client'
import { launchInspector, type LaunchOptions, type ReadyInfo } from './launch'

export { expect } from '@playwright/test'
export type { Api, ClockState, SessionInfo, Settings }

/** `test.use({ inspectorOptions })`: how each worker's Session Inspector starts (a worker option). */
export interface InspectorOptions extends Partial<Omit<LaunchOptions, 'label'>> {
  /** Session settings (Django's names) for every test, e.g. `{ SESSION_COOKIE_AGE: 20 }`; not in observe mode, where the app owns them. */
  settings?: Partial<Settings>
}

/** The worker options this fixture adds, for typing a config: `defineConfig<InspectorWorkerOptions>({...})`. */
export interface InspectorWorkerOptions {
  inspectorOptions: InspectorOptions
}

/** One worker's running Session Inspector. */
export interface InspectorServer extends ReadyInfo {
  /** The control API, every method (src/shared/api.ts). */
  api: Api
  /** The app it fronts (the origin of the project's baseURL, or inspectorOptions.upstream). */
  upstreamUrl: string
}

export interface InspectorClock {
  /** Moves the engine clock forward: "20m", "90s", "1h30m", "2d", or a number of seconds. */
  advance(amount: string | number): Promise<ClockState>
  /** Puts the engine clock at a moment (a Date, an ISO string, or ms since the epoch). */
  set(moment: Date | string | number): Promise<ClockState>
  /** Back to real time. */
  reset(): Promise<ClockState>
  /** The engine's now. */
  now(): Promise<Date>
}

export interface InspectorSettings {
  get(): Promise<Settings>
  /** Changes settings from the next request; the test's changes are undone after it. */
  set(values: Partial<Settings>): Promise<Settings>
  /** Django's defaults (then the inspectorOptions.settings again after the test). */
  reset(): Promise<Settings>
}

export interface SessionInspector {
  readonly proxyUrl: string
  readonly controlUrl: string
  /** The web UI with its token: open it to watch a test (`await page.pause()`). */
  readonly uiUrl: string
  readonly token: string
  readonly mode: 'middleware' | 'observe-django'
  readonly api: Api
  readonly clock: InspectorClock
  readonly settings: InspectorSettings
  /**
   * Closes this test's browser as a real close does: its session cookies leave the context's
   * jar (every site; persistent ones stay) and the proxy discards them in its mirror of this
   * browser. Pages stay open; use them to come back, as a user reopening the browser would.
   */
  closeBrowser(): Promise<{ discarded: string[]; kept: string[] }>
  /** The store's sessions, latest expiry first: one page of up to `limit` (default and most 1000); with `search`, read until that many match. */
  sessions(options?: { search?: string; limit?: number }): Promise<SessionInfo[]>
  /** The session whose cookie this test's browser holds for the proxy, or null when it holds none or the store has none. */
  session(): Promise<SessionInfo | null>
  /** The traffic of this test so far, as HAR 1.2. */
  har(): Promise<unknown>
}

interface TestState {
  settingsChanged: boolean
}

function toSeconds(amount: string | number): number {
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount) || amount < 0) throw new Error(`clock.advance: expected seconds, 0 or more, got ${amount}`)
    return amount
  }
  const parsed = parseDurationInput(amount)
  if (!parsed.ok) throw new Error(`clock.advance: ${parsed.error}`)
  return parsed.seconds
}

function toIso(moment: Date | string | number): string {
  const date = moment instanceof Date ? moment : new Date(moment)
  if (Number.isNaN(date.getTime())) throw new Error(`clock.set: not a date: ${JSON.stringify(moment)}`)
  return date.toISOString()
}

const orNull = async <T>(p: Promise<T>): Promise<T | null> =>
  p.catch((e: unknown) => {
    if (e instanceof ApiError && e.code === 'not_found') return null
    throw e
  })

function makeInspector(server: InspectorServer, context: BrowserContext, state: TestState): SessionInspector {
  const { api, proxyUrl } = server
  const proxyOrigin = new URL(proxyUrl).origin
  const afterClockChange = async (clock: ClockState) => {
    await applyMirror(context, api, proxyUrl)
    return clock
  }
  return {
    proxyUrl,
    controlUrl: server.controlUrl,
    uiUrl: server.uiUrl,
    token: server.token,
    mode: server.mode,
    api,
    clock: {
      advance: async (amount) => afterClockChange(await api.advanceClock({ seconds: toSeconds(amount) })),
      set: async (moment) => afterClockChange(await api.setClock({ now: toIso(moment) })),
      reset: () => api.resetClock({}),
      now: async () => new Date((await api.getClock({})).now)
    },
    settings: {
      get: () => api.getSettings({}),
      set: async (values) => {
        const settings = await api.updateSettings({ settings: values })
        state.settingsChanged = true
        return settings
      },
      reset: async () => {
        const settings = await api.resetSettings({})
        state.settingsChanged = true
        return settings
      }
    },
    closeBrowser: () => closeContextBrowser(context, api, proxyUrl),
    sessions: async (options = {}) => (await api.listSessions({ limit: options.limit ?? 1000, ...(options.search ? { search: options.search } : {}) })).sessions,
    session: async () => {
      await applyMirror(context, api, proxyUrl)
      const { SESSION_COOKIE_NAME } = await api.getSettings({})
      const onProxy = context.pages().map((p) => p.url()).find((u) => u.startsWith(proxyOrigin))
      const cookie = (await context.cookies(onProxy ?? proxyUrl)).find((c) => c.name === SESSION_COOKIE_NAME)
      return cookie ? orNull(api.getSession({ key: cookie.value })) : null
    },
    har: async () => (await api.exportHar({})).har
  }
}

export const test = base.extend<
  { inspector: SessionInspector; _inspectorTest: TestState },
  { inspectorOptions: InspectorOptions; inspectorServer: InspectorServer }
>({
  inspectorOptions: [{}, { scope: 'worker', option: true }],

  inspectorServer: [
    async ({ inspectorOptions }, use, workerInfo) => {
      const { settings, upstream, ...launch } = inspectorOptions
      const baseURL = workerInfo.project.use.baseURL
      const target = upstream ?? (baseURL ? new URL(baseURL).origin : undefined)
      if (!target) {
        throw new Error('Session Inspector needs the app under test: set use.baseURL in playwright.config, or test.use({ inspectorOptions: { upstream } })')
      }
      const launched = await launchInspector({ ...launch, upstream: target, label: `w${workerInfo.workerIndex}` })
      try {
        const api = controlClient(launched.controlUrl, launched.token)
        if (settings && Object.keys(settings).length) await api.updateSettings({ settings })
        await use({ ...launched, api, upstreamUrl: target })
      } finally {
        await launched.stop()
      }
    },
    { scope: 'worker', timeout: 60_000 }
  ],

  // The page's baseURL goes through the proxy; its path and query stay.
  baseURL: async ({ baseURL, inspectorServer }, use) => {
    const proxied = new URL(inspectorServer.proxyUrl)
    if (baseURL) {
      const original = new URL(baseURL)
      if (inspectorServer.upstream !== 'demo' && original.origin !== new URL(inspectorServer.upstreamUrl).origin) {
        throw new Error(
          `baseURL ${baseURL} is not the app this worker's Session Inspector fronts (${inspectorServer.upstreamUrl}): ` +
            'set the same origin in the project\'s use.baseURL, or test.use({ inspectorOptions: { upstream } }) (a worker option)'
        )
      }
      proxied.pathname = original.pathname
      proxied.search = original.search
    }
    await use(proxied.toString())
  },

  _inspectorTest: [
    async ({ inspectorServer, inspectorOptions }, use, testInfo) => {
      const { api } = inspectorServer
      // Each test's traffic on its own: the HAR of a failure is that test's.
      await api.clearTraffic({})
      const state: TestState = { settingsChanged: false }
      await use(state)
      if (testInfo.status !== testInfo.expectedStatus) {
        // The test has failed already: an inspector that cannot answer must not hide why.
        const har = await api.exportHar({}).then((r) => r.har, () => null)
        if (har) await testInfo.attach('session-inspector.har', { body: JSON.stringify(har, null, 2), contentType: 'application/json' })
      }
      await api.resetClock({})
      if (state.settingsChanged) {
        await api.resetSettings({})
        const { settings } = inspectorOptions
        if (settings && Object.keys(settings).length) await api.updateSettings({ settings })
      }
    },
    { auto: true }
  ],

  inspector: async ({ inspectorServer, context, _inspectorTest }, use) => {
    await use(makeInspector(inspectorServer, context, _inspectorTest))
  }
})
