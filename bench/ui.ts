// The UI benchmark (npm run bench:ui): the web UI in Chromium against the built CLI.
// Sessions, with 10,000 in the store: first render (navigation start → first row painted)
// against an empty store, and the frames of a steady scroll through the whole grid against
// the same scroll of a plain static list. Traffic, with 100,000 requests in the log: first
// render against an empty log, frames while scrolling (the grid loads older pages as it
// goes), and frames while a 1,000 requests/second burst goes through the proxy against the
// same page sitting idle, with how soon after the burst the list has every request.
// Prints, never asserts. A scenario is one entry in SCENARIOS.
//   node --import tsx bench/ui.ts [--sessions 10000] [--traffic 100000] [--runs 5]
//        [--scroll-seconds 5] [--burst-seconds 5] [--burst-rate 1000]
//        [--only sessions-first-render,sessions-scroll,traffic-first-render,traffic-scroll,traffic-burst]
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from '../test/support/chromium'
import { runLoad } from './support/load'
import { sessionData } from './support/sessions'
import { assertBuilt, seedSessions, startInspector, type RunningInspector } from './support/ui-inspector'
import { measureFirstRender, measureScroll, spread, staticListHtml, type FrameStats } from './support/ui-measure'
import { sampleFrames, seedTraffic } from './support/ui-traffic'

const { values: opts } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    traffic: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    'scroll-seconds': { type: 'string', default: '5' },
    'burst-seconds': { type: 'string', default: '5' },
    'burst-rate': { type: 'string', default: '1000' },
    only: { type: 'string', default: '' }
  }
})

function positive(name: string, text: string): number {
  const n = Number(text)
  if (!(n > 0) || !Number.isFinite(n)) {
    console.error(`--${name}: ${JSON.stringify(text)} is not a positive number`)
    process.exit(2)
  }
  return n
}

const SESSIONS = Math.round(positive('sessions', opts.sessions))
const TRAFFIC = Math.round(positive('traffic', opts.traffic))
const RUNS = Math.round(positive('runs', opts.runs))
const SCROLL_SECONDS = positive('scroll-seconds', opts['scroll-seconds'])
const BURST_SECONDS = positive('burst-seconds', opts['burst-seconds'])
const BURST_RATE = positive('burst-rate', opts['burst-rate'])
/** A reading pace: 100 rows of 30 px a second. */
const READING_PX_PER_SECOND = 3000
const VIEWPORT = { width: 1440, height: 900 }
const FIRST_ROW = '[role="grid"][aria-label="Sessions"] [role="row"][aria-rowindex="2"]'
const EMPTY_STATE = '.sessions-screen .empty-state'
const GRID = '[role="grid"][aria-label="Sessions"]'
const TRAFFIC_GRID = '[role="grid"][aria-label="Requests"]'
const TRAFFIC_FIRST_ROW = `${TRAFFIC_GRID} [role="row"][aria-rowindex="2"]`
const TRAFFIC_EMPTY = '.traffic-screen .empty-state'
const TRAFFIC_COUNT = '.traffic-screen .toolbar-count'
/** A fling: 1,000 rows a second. */
const FLING_PX_PER_SECOND = 30_000
const ROW_PX = 30

// ------------------------------------------------------------------ shared fixtures

/** What scenarios share: one browser, inspectors started on demand and stopped at the end. */
class Bench {
  private readonly inspectors = new Map<string, Promise<RunningInspector>>()
  private readonly dirs: string[] = []

  constructor(readonly browser: Browser) {}

  /** An inspector on a data dir prepared by `seed` (once per name). */
  inspector(name: string, seed: (dataDir: string) => Promise<void>): Promise<RunningInspector> {
    let running = this.inspectors.get(name)
    if (!running) {
      const dir = mkdtempSync(join(tmpdir(), `si-bench-ui-${name}-`))
      this.dirs.push(dir)
      running = (async () => {
        const started = Date.now()
        await seed(dir)
        progress(`  ${name}: seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        return startInspector(dir)
      })()
      this.inspectors.set(name, running)
    }
    return running
  }

  /**
   * A fresh 1440x900 context: cold HTTP cache, empty sessionStorage; with `token`, the tab
   * already holds it (as after opening the printed URL once), so any route opens directly.
   */
  async context(token?: string): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport: VIEWPORT })
    if (token) await context.addInitScript({ content: `sessionStorage.setItem('session-inspector.token', ${JSON.stringify(token)})` })
    return context
  }

  async close(): Promise<void> {
    for (const running of this.inspectors.values()) await (await running.catch(() => null))?.stop()
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true })
  }
}

const progress = (text: string) => process.stderr.write(`${text}\n`)
const ms = (n: number) => `${n.toFixed(0)} ms`
const many = (n: number) => n.toLocaleString('en-US')

const seededStore = (dir: string) => seedSessions(dir, SESSIONS)
const seededLog = (dir: string) => seedTraffic(dir, TRAFFIC)
const emptyStore = async () => undefined
const trafficUrl = (inspector: RunningInspector) => `${inspector.controlUrl}/#/traffic`

// ------------------------------------------------------------------ scenarios

interface Scenario {
  name: string
  run(bench: Bench): Promise<string[]>
}

/** One first render in a fresh context (cold HTTP cache, new sessionStorage). */
async function firstRender(bench: Bench, inspector: RunningInspector, selector: string, route?: (i: RunningInspector) => string) {
  const context = await bench.context(route ? inspector.token : undefined)
  try {
    return await measureFirstRender(context, route ? route(inspector) : inspector.uiUrl, selector)
  } finally {
    await context.close()
  }
}

const sessionsFirstRender: Scenario = {
  name: 'sessions-first-render',
  async run(bench) {
    const [full, empty] = await Promise.all([bench.inspector('sessions', seededStore), bench.inspector('empty', emptyStore)])
    // Alternate the two so that both see the same machine.
    const fullRuns = []
    const emptyRuns = []
    for (let i = 0; i < RUNS; i++) {
      emptyRuns.push(await firstRender(bench, empty, EMPTY_STATE))
      fullRuns.push(await firstRender(bench, full, FIRST_ROW))
    }
    const painted = spread(fullRuns.map((r) => r.paintedMs))
    const baseline = spread(emptyRuns.map((r) => r.paintedMs))
    const list = fullRuns.map((r) => r.api.find((a) => a.path === '/api/sessions')).filter((a) => a !== undefined)
    const listEnd = spread(list.map((a) => a.endMs))
    const listServer = spread(list.map((a) => a.firstByteMs - a.sentMs))
    const bytes = list[0]?.bytes ?? 0
    return [
      `Sessions screen, first render: navigation start → first row painted, median of ${RUNS} fresh browser contexts [min–max]`,
      `  ${`${many(SESSIONS)} sessions`.padEnd(24)}${ms(painted.median).padStart(8)}  [${ms(painted.min)}–${ms(painted.max)}]` +
        `   (/api/sessions: ${(bytes / 1e6).toFixed(1)} MB, first byte after ${ms(listServer.median)}, done at ${ms(listEnd.median)})`,
      `  ${'empty store (baseline)'.padEnd(24)}${ms(baseline.median).padStart(8)}  [${ms(baseline.min)}–${ms(baseline.max)}]   (to "No sessions yet")`,
      `  ratio ${(painted.median / baseline.median).toFixed(2)}×, ${ms(painted.median - baseline.median)} more for ${many(SESSIONS)} sessions`
    ]
  }
}

function frameLine(label: string, s: FrameStats): string {
  return (
    `  ${label.padEnd(40)}${s.fps.toFixed(1).padStart(7)} fps   p50 ${s.p50Ms.toFixed(1).padStart(5)} ms   p95 ${s.p95Ms.toFixed(1).padStart(5)} ms` +
    `   max ${s.maxMs.toFixed(0).padStart(4)} ms   long frames (>50 ms) ${s.longFrames}/${s.frames}`
  )
}

/** The static list shows what the grid shows, so the baseline paints comparable text. */
function staticRow(i: number): string[] {
  const expired = i % 10 === 9
  return [expired ? 'expired' : 'active', `k${String(i).padStart(31, '0')}`, '—', JSON.stringify(sessionData(i)).slice(0, 160), `${i % 59} min ago`, expired ? 'expired 3 min ago' : 'in 13 d 23 h']
}

const sessionsScroll: Scenario = {
  name: 'sessions-scroll',
  async run(bench) {
    const inspector = await bench.inspector('sessions', seededStore)
    const context = await bench.context()
    try {
      const app = await context.newPage()
      await app.goto(inspector.uiUrl)
      await app.locator(FIRST_ROW).waitFor({ timeout: 60_000 })
      const list = await context.newPage()
      await list.setContent(staticListHtml(SESSIONS, staticRow))
      const lines: string[] = []
      const passes: [string, number | undefined][] = [
        [`the whole list in ${SCROLL_SECONDS} s`, undefined],
        [`${many(READING_PX_PER_SECOND)} px/s (100 rows/s) for ${SCROLL_SECONDS} s`, READING_PX_PER_SECOND]
      ]
      for (const [label, speed] of passes) {
        await app.bringToFront()
        const grid = await measureScroll(app, GRID, SCROLL_SECONDS, speed)
        await list.bringToFront()
        const plain = await measureScroll(list, '.list', SCROLL_SECONDS, speed)
        lines.push(
          `Scroll, ${label}: scrollTop moved every animation frame (${many(Math.round(grid.distance / SCROLL_SECONDS))} px/s)`,
          frameLine(`Sessions grid, ${many(SESSIONS)} (virtualised)`, grid),
          frameLine(`static ${many(SESSIONS)}-row list (baseline)`, plain),
          `  ratio: fps ${(grid.fps / plain.fps).toFixed(2)}×, p95 frame time ${(grid.p95Ms / plain.p95Ms).toFixed(2)}×`,
          ''
        )
      }
      return lines.slice(0, -1)
    } finally {
      await context.close()
    }
  }
}

const trafficFirstRender: Scenario = {
  name: 'traffic-first-render',
  async run(bench) {
    const [full, empty] = await Promise.all([bench.inspector('traffic', seededLog), bench.inspector('empty', emptyStore)])
    const fullRuns = []
    const emptyRuns = []
    for (let i = 0; i < RUNS; i++) {
      emptyRuns.push(await firstRender(bench, empty, TRAFFIC_EMPTY, trafficUrl))
      fullRuns.push(await firstRender(bench, full, TRAFFIC_FIRST_ROW, trafficUrl))
    }
    const painted = spread(fullRuns.map((r) => r.paintedMs))
    const baseline = spread(emptyRuns.map((r) => r.paintedMs))
    const page = spread(fullRuns.map((r) => r.api.find((a) => a.path === '/api/traffic')).filter((a) => a !== undefined).map((a) => a.endMs - a.sentMs))
    return [
      `Traffic screen, first render: navigation start → first row painted, median of ${RUNS} fresh browser contexts [min–max]`,
      `  ${`${many(TRAFFIC)} requests`.padEnd(24)}${ms(painted.median).padStart(8)}  [${ms(painted.min)}–${ms(painted.max)}]   (first page of /api/traffic in ${ms(page.median)})`,
      `  ${'empty log (baseline)'.padEnd(24)}${ms(baseline.median).padStart(8)}  [${ms(baseline.min)}–${ms(baseline.max)}]   (to "No requests yet")`,
      `  ratio ${(painted.median / baseline.median).toFixed(2)}×, ${ms(painted.median - baseline.median)} more for ${many(TRAFFIC)} requests`
    ]
  }
}

function trafficStaticRow(i: number): string[] {
  return [i % 7 === 0 ? 'created' : 'read', `00:${String(i % 60).padStart(2, '0')}:12.345`, 'GET', `/p${1 + (i % 5)}/get/`, '200 · 4 ms', 'yes · 14 d']
}

const trafficScroll: Scenario = {
  name: 'traffic-scroll',
  async run(bench) {
    const inspector = await bench.inspector('traffic', seededLog)
    const context = await bench.context(inspector.token)
    try {
      const lines: string[] = []
      const list = await context.newPage()
      const baselineRows = Math.min(TRAFFIC, 10_000)
      await list.setContent(staticListHtml(baselineRows, trafficStaticRow))
      const passes: [string, number, number][] = [
        [`${many(READING_PX_PER_SECOND)} px/s (100 rows/s) for ${SCROLL_SECONDS} s`, READING_PX_PER_SECOND, SCROLL_SECONDS],
        [`a fling, ${many(FLING_PX_PER_SECOND)} px/s (1,000 rows/s) for ${SCROLL_SECONDS * 2} s, loading older pages as it goes`, FLING_PX_PER_SECOND, SCROLL_SECONDS * 2]
      ]
      for (const [label, speed, seconds] of passes) {
        // A fresh page each pass: the fling starts from the first page again.
        const app = await context.newPage()
        await app.goto(trafficUrl(inspector))
        await app.locator(TRAFFIC_FIRST_ROW).waitFor({ timeout: 60_000 })
        const grid = await measureScroll(app, TRAFFIC_GRID, seconds, speed, true)
        await app.close()
        await list.bringToFront()
        const plain = await measureScroll(list, '.list', seconds, Math.min(speed, (baselineRows * ROW_PX) / seconds))
        lines.push(
          `Scroll, ${label}: reached row ${many(Math.round(grid.distance / ROW_PX))} of ${many(TRAFFIC)}`,
          frameLine(`Traffic grid, ${many(TRAFFIC)} in the log`, grid),
          frameLine(`static ${many(baselineRows)}-row list (baseline)`, plain),
          `  ratio: fps ${(grid.fps / plain.fps).toFixed(2)}×, p95 frame time ${(grid.p95Ms / plain.p95Ms).toFixed(2)}×`,
          ''
        )
      }
      return lines.slice(0, -1)
    } finally {
      await context.close()
    }
  }
}

/** The Traffic screen's request count, as it shows it. */
async function shownCount(page: Page): Promise<number> {
  const text = await page.locator(TRAFFIC_COUNT).innerText()
  return Number(/([\d,]+) requests?/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN)
}

const trafficBurst: Scenario = {
  name: 'traffic-burst',
  async run(bench) {
    const inspector = await bench.inspector('traffic', seededLog)
    // One browser with a session, as the burst's client: every request reads the session.
    const first = await fetch(`${inspector.proxyUrl}/p1/set/`)
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const context = await bench.context(inspector.token)
    try {
      const app = await context.newPage()
      await app.goto(trafficUrl(inspector))
      await app.locator(TRAFFIC_FIRST_ROW).waitFor({ timeout: 60_000 })
      const idle = await sampleFrames(app, BURST_SECONDS)
      const before = await shownCount(app)
      const [load, busy] = await Promise.all([
        runLoad('autocannon', { url: `${inspector.proxyUrl}/p1/get/`, connections: 32, durationSeconds: BURST_SECONDS, headers: { cookie }, rate: BURST_RATE }),
        sampleFrames(app, BURST_SECONDS)
      ])
      // How long after the last response the list shows every request of the burst.
      const ended = Date.now()
      const expected = before + load.requests + load.failures
      let caughtUpMs = NaN
      while (Date.now() - ended < 30_000) {
        if ((await shownCount(app)) >= expected) {
          caughtUpMs = Date.now() - ended
          break
        }
        await new Promise((r) => setTimeout(r, 20))
      }
      return [
        `Traffic screen during a burst: ${many(Math.round(load.requestsPerSecond))} req/s achieved (asked ${many(BURST_RATE)}) for ${BURST_SECONDS} s through the proxy, ` +
          `${many(load.requests)} answered, ${load.failures} failed, p99 ${load.p99.toFixed(1)} ms; ${many(TRAFFIC)} requests in the log before`,
        frameLine('Traffic screen, live, during the burst', busy),
        frameLine('the same page, idle (baseline)', idle),
        `  ratio: fps ${(busy.fps / idle.fps).toFixed(2)}×, p95 frame time ${(busy.p95Ms / idle.p95Ms).toFixed(2)}×; ` +
          (Number.isFinite(caughtUpMs) ? `the list showed every request ${ms(caughtUpMs)} after the burst` : 'the list had not caught up 30 s after the burst')
      ]
    } finally {
      await context.close()
    }
  }
}

/** In order. */
const SCENARIOS: Scenario[] = [sessionsFirstRender, sessionsScroll, trafficFirstRender, trafficScroll, trafficBurst]

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  assertBuilt()
  const only = opts.only.split(',').filter(Boolean)
  const selected = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))
  if (selected.length === 0) {
    console.error(`--only=${opts.only} names no scenario; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`)
    process.exit(2)
  }
  const browser = await launchChromium()
  const bench = new Bench(browser)
  const started = Date.now()
  try {
    const cpu = cpus()
    console.log(
      `UI benchmark: Chromium ${browser.version()} headless, ${VIEWPORT.width}x${VIEWPORT.height}; node ${process.version}; ` +
        `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}; Linux ${release()}; load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`
    )
    for (const scenario of selected) {
      progress(`${scenario.name}…`)
      const lines = await scenario.run(bench)
      console.log(`\n${lines.join('\n')}`)
    }
  } finally {
    await bench.close()
    await browser.close()
  }
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s. Figures only: headless Chromium without a GPU; compare ratios, not absolute times.`)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e)
  process.exit(1)
})
