// session-inspector/playwright as a user's Playwright Test run uses it (the built package, by
// its name): `npx playwright test` on test/runners/playwright-fixture with two workers, then
// the JSON report and what each test recorded. Needs the build (`npm test` builds first).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gone, ROOT, runToEnd } from './support'

interface ReportTest {
  title: string
  status: string
  attachments: { name: string; contentType: string; body?: string; path?: string }[]
}
interface ReportSuite {
  specs?: { title: string; tests: { results: { status: string; attachments: ReportTest['attachments'] }[] }[] }[]
  suites?: ReportSuite[]
}

function results(suite: ReportSuite): ReportTest[] {
  const own = (suite.specs ?? []).flatMap((s) => s.tests.flatMap((t) => t.results.map((r) => ({ title: s.title, status: r.status, attachments: r.attachments }))))
  return [...own, ...(suite.suites ?? []).flatMap(results)]
}

describe('session-inspector/playwright', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-pw-fixture-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('runs each worker with its own inspector, undoes what a test changed, attaches a failure\'s traffic, and stops', async () => {
    const env = {
      ...process.env,
      SI_FIXTURE_REPORT: join(dir, 'report.json'),
      SI_FIXTURE_RECORD: join(dir, 'record.jsonl'),
      SI_FIXTURE_OUTPUT: join(dir, 'output')
    }
    const run = await runToEnd(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'test/runners/playwright-fixture'], { env })
    console.log(`playwright-fixture: ${run.seconds.toFixed(1)} s`)
    expect(run.code, run.output).toBe(1) // the one test that fails on purpose

    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportSuite & { errors: unknown[] }
    expect(report.errors).toEqual([])
    const all = results(report)
    expect(Object.fromEntries(all.map((t) => [t.title, t.status]))).toEqual({
      'settings.set and clock.advance: the page session expires, and its cookie leaves the context': 'passed',
      'the next test starts on real time with the configured settings': 'passed',
      'closeBrowser: session cookies leave the context and the mirror; persistent ones stay': 'passed',
      'closeBrowser names what the context held, though a request still on its way loses the discarded cookie meanwhile': 'passed',
      'each worker has its own Session Inspector, and baseURL goes through it': 'passed',
      'fails after two requests': 'failed'
    })
    for (const t of all.filter((t) => t.status === 'passed')) expect(t.attachments.map((a) => a.name)).not.toContain('session-inspector.har')
    const failed = all.find((t) => t.status === 'failed')
    const har = failed?.attachments.find((a) => a.name === 'session-inspector.har')
    expect(har?.contentType).toBe('application/json')
    const text = har?.body ? Buffer.from(har.body, 'base64').toString('utf8') : readFileSync(String(har?.path), 'utf8')
    const entries = (JSON.parse(text) as { log: { entries: { request: { url: string }; _session: unknown }[] } }).log.entries
    // That test's traffic only: the worker's earlier tests were cleared away.
    const pages = entries.map((e) => new URL(e.request.url).pathname).filter((p) => !['/favicon.ico', '/demo.css'].includes(p))
    expect(pages.sort()).toEqual(['/p3/get/', '/p3/set/'])
    expect(entries[0]?._session).toBeTruthy()

    const records = readFileSync(join(dir, 'record.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { workerIndex: number; pid: number; proxyUrl: string; dataDir: string })
    const byWorker = new Map(records.map((r) => [r.workerIndex, r]))
    expect(byWorker.size).toBeGreaterThanOrEqual(2)
    const instances = [...byWorker.values()]
    expect(new Set(instances.map((r) => r.pid)).size).toBe(instances.length)
    expect(new Set(instances.map((r) => r.proxyUrl)).size).toBe(instances.length)
    for (const r of instances) {
      expect(gone(r.pid), `inspector ${r.pid} still running`).toBe(true)
      expect(existsSync(dirname(r.dataDir)), `${dirname(r.dataDir)} left behind`).toBe(false)
    }
  }, 240_000)
})
