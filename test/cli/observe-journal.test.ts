// Observe mode's journal through the built CLI (issue 18), on a real SQLite Django table:
// SIGHUP gives the time back; SIGTERM while another process holds the database's write lock
// for longer than SQLite's busy timeout retries until it is released; `restore` gives back
// what a killed run left and says so; a clock value past what Django can hold is a 400 with
// nothing written. Needs the build (npm run build).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { httpApi } from '../support/http-api'
import { observeArgs } from '../reliability/scenarios/observe-durability'
import { compareDumps, sqliteApp, type Dumped, type ObservedApp } from '../reliability/support/observe-stores'
import { runCli, startCli, type RunningCli } from './support'

const TOKEN = 'observe-durability-token-0123456789'

let dir: string
let app: ObservedApp
let before: Map<string, Dumped>
let cli: RunningCli | null = null
const none = new Map<string, string>()

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-observe-journal-'))
  app = await sqliteApp(dir)
  await app.seed(30)
  before = await app.dump()
})
afterEach(async () => {
  cli?.kill()
  cli = null
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

const args = () => observeArgs(app, join(dir, 'data'))
const aged = async () => compareDumps(before, await app.dump(), none, 0).length

describe('observe mode gives the time back', () => {
  it('on SIGHUP (the terminal closed)', { timeout: 60_000 }, async () => {
    cli = await startCli(args())
    await httpApi(cli.controlUrl, TOKEN).advanceClock({ seconds: 1_209_600 })
    expect(await aged()).toBe(30)
    const end = await cli.stop('SIGHUP')
    cli = null
    expect(end.code).toBe(0)
    expect(await aged()).toBe(0)
  })

  it('on SIGTERM while another process holds the database locked for 8 s, once it is released', { timeout: 90_000 }, async () => {
    cli = await startCli(args())
    await httpApi(cli.controlUrl, TOKEN).advanceClock({ seconds: 86_400 })
    expect(await aged()).toBe(30)
    const lock = await app.lock!(8000)
    const running = cli
    cli = null
    const stopping = running.stop('SIGTERM').catch(() => null)
    await lock.released
    const end = await stopping
    expect(running.stderr).toMatch(/cannot give the app's sessions in SQLite .* back their time yet .*trying again/)
    expect(end?.code).toBe(0)
    expect(await aged()).toBe(0)
  })

  it('after kill -9: `restore` gives it back and says so; the next start finds nothing left', { timeout: 60_000 }, async () => {
    cli = await startCli(args())
    await httpApi(cli.controlUrl, TOKEN).advanceClock({ seconds: 3600 })
    cli.kill()
    cli = null
    await new Promise((r) => setTimeout(r, 300))
    expect(await aged()).toBe(30)
    const restore = await runCli(['restore', ...app.args, '--data-dir', join(dir, 'data')])
    expect(restore.stderr).toBe('')
    expect(restore.stdout).toMatch(/SQLite .*: gave back: 30 value\(s\) restored/)
    expect(restore.code).toBe(0)
    expect(await aged()).toBe(0)
    const again = await runCli(['restore', ...app.args, '--data-dir', join(dir, 'data')])
    expect(again.stdout).toMatch(/nothing to give back/)
  })

  it('restore exits 1 and keeps the journal when the store cannot be reached', { timeout: 60_000 }, async () => {
    cli = await startCli(args())
    await httpApi(cli.controlUrl, TOKEN).advanceClock({ seconds: 3600 })
    cli.kill()
    cli = null
    await new Promise((r) => setTimeout(r, 300))
    const moved = join(dir, 'elsewhere.sqlite3')
    const { renameSync } = await import('node:fs')
    renameSync(join(dir, 'db.sqlite3'), moved)
    const failed = await runCli(['restore', ...app.args, '--data-dir', join(dir, 'data')])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/cannot be reached .*30 change\(s\) stay in the journal/)
    renameSync(moved, join(dir, 'db.sqlite3'))
    // The next start gives it back before it serves.
    cli = await startCli(args())
    expect(await aged()).toBe(0)
  })
})

describe('clock bounds', () => {
  it('refuses a clock past what Django can hold with a 400 naming the limit, and writes nothing', { timeout: 60_000 }, async () => {
    cli = await startCli(args())
    const res = await fetch(`${cli.controlUrl}/api/clock/set`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: '9999-12-31T00:00:00Z' })
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: string }
    // Advancing moves every expire_date back by as much: about 2,000 years puts the earliest before year 1.
    expect(body.error).toMatch(/^the clock cannot go past 40\d\d-.*: the app's earliest expire_date \(.*\) would move before 0001-01-01 00:00:00, the earliest Django's datetime holds \(nothing was written\)$/)
    const over = await fetch(`${cli.controlUrl}/api/clock/advance`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ seconds: 3e11 })
    })
    expect(over.status).toBe(400)
    expect(await aged()).toBe(0)
    const clock = await httpApi(cli.controlUrl, TOKEN).getClock({})
    expect(clock.offsetSeconds).toBe(0)
    expect(Date.parse(clock.bounds!.latest)).toBeLessThan(Date.parse('4100-01-01T00:00:00Z'))
    expect(clock.bounds!.earliest.startsWith('0001-01-01')).toBe(true)
  })
})
