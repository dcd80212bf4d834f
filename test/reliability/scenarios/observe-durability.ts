// Observe mode never harms the app's data (issue 18): on every real store observe mode writes
// to (SQLite, PostgreSQL, MariaDB, Redis in both key formats, memcached, session files), the
// built CLI advances and sets the clock and edits sessions while it gets kill -9 at a random
// moment (during a clock change or after), N rounds; each restart gives back what the journal
// holds before it serves, and the app's sessions must then be as they were before the first
// advance: expiries of untouched sessions exactly as stored (memcached: to its second), edited
// ones as edited. Then a clean SIGTERM, compared once more.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { httpApi } from '../../support/http-api'
import { assertBuilt, startInspectorCli, type RunningInspector } from '../support/durability-cli'
import { compareDumps, fileApp, mariadbApp, memcachedApp, postgresApp, redisApp, SECRET_KEY, sqliteApp, type ObservedApp } from '../support/observe-stores'
import { atLeast, zero, type Figure, type Scenario, type ScenarioOptions, type ScenarioResult } from './types'

const TOKEN = 'observe-durability-token-0123456789'
/** Marks an edit the kill cut: written or not. */
const MAYBE = '?'

export const OBSERVED_APPS: { name: string; open: (dir: string) => Promise<ObservedApp> }[] = [
  { name: 'sqlite', open: sqliteApp },
  { name: 'postgresql', open: () => postgresApp() },
  { name: 'mariadb', open: () => mariadbApp() },
  { name: 'redis', open: () => redisApp('django-redis-cache') },
  { name: 'django-redis', open: () => redisApp('django-redis') },
  { name: 'memcached', open: () => memcachedApp() },
  { name: 'file', open: fileApp }
]

export function observeArgs(app: ObservedApp, dataDir: string): string[] {
  return ['--observe-django', ...app.args, '--set', `SECRET_KEY=${SECRET_KEY}`, '--upstream', 'http://127.0.0.1:9', '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', dataDir, '--token', TOKEN]
}

export interface ObserveTally {
  rounds: number
  differences: number
  editedWrong: number
  killsDuringChange: number
  changes: number
  /** Sessions seen aged in the store after each round's first advance (the compare does see aging). */
  agedSeen: number
  examples: string[]
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T

/** Rounds of clock changes and edits cut by kill -9, each followed by a restart and a compare. */
export async function runObserved(open: (dir: string) => Promise<ObservedApp>, rounds: number, sessions: number, log: (line: string) => void): Promise<ObserveTally> {
  const dir = mkdtempSync(join(tmpdir(), 'si-observe-kill-'))
  const app = await open(dir)
  const tally: ObserveTally = { rounds: 0, differences: 0, editedWrong: 0, killsDuringChange: 0, changes: 0, agedSeen: 0, examples: [] }
  const edited = new Map<string, string>()
  /** Edits the kill cut before their answer: the value sent, and the one before it. */
  const cut = new Map<string, { value: string; prev: string | undefined }>()
  let cli: RunningInspector | null = null
  try {
    const keys = await app.seed(sessions)
    const before = await app.dump()
    const args = observeArgs(app, join(dir, 'data'))
    cli = await startInspectorCli(args)
    const check = async (when: string) => {
      const diffs = compareDumps(before, await app.dump(), edited, app.toleranceMs)
      let wrong = 0
      const api = cli && httpApi(cli.controlUrl, TOKEN)
      if (api) for (const [key, value] of edited) {
        const s = await api.getSession({ key }).catch(() => null)
        const c = cut.get(key)
        if (value.startsWith(MAYBE) && c) {
          cut.delete(key)
          // Written: edited from here on. Not written: as it was before (edited earlier, or untouched).
          if (s?.data.edited === c.value) edited.set(key, c.value)
          else if (c.prev !== undefined) edited.set(key, c.prev)
          else edited.delete(key)
          if (s?.data.edited === c.value || c.prev === undefined || s?.data.edited === c.prev) continue
          wrong++
          continue
        }
        if (s?.data.edited !== value) wrong++
      }
      tally.differences += diffs.length
      tally.editedWrong += wrong
      if (diffs.length && tally.examples.length < 3) tally.examples.push(`${app.name} ${when}: ${diffs.slice(0, 2).join('; ')}`)
      return { diffs: diffs.length, wrong }
    }
    for (let round = 1; round <= rounds; round++) {
      const api = httpApi(cli.controlUrl, TOKEN)
      // A first advance, seen in the app's store: the compare after the restart can see aging.
      await api.advanceClock({ seconds: Math.round(3600 + Math.random() * 86_400) })
      tally.changes++
      tally.agedSeen += compareDumps(before, await app.dump(), edited, app.toleranceMs).length
      const killAt = Date.now() + 50 + Math.random() * 1500
      let inChange = false
      const work = (async () => {
        while (Date.now() < killAt + 2000) {
          const op = Math.random()
          inChange = true
          try {
            if (op < 0.5) await api.advanceClock({ seconds: Math.round(60 + Math.random() * 1_209_600) })
            else if (op < 0.7) await api.setClock({ now: new Date(Date.now() + Math.random() * 30 * 86_400_000).toISOString() })
            else if (op < 0.8) await api.resetClock({})
            else {
              const key = pick(keys)
              const value = `r${round}-${Math.random().toString(36).slice(2, 8)}`
              inChange = false
              // An edit is the user's intent: it stands once the answer came back. One cut by
              // the kill may or may not have been written: either is right.
              cut.set(key, { value, prev: edited.get(key) })
              edited.set(key, `${MAYBE}${value}`)
              await api.updateSessionData({ key, data: { n: -1, edited: value } })
              edited.set(key, value)
              cut.delete(key)
              continue
            }
            tally.changes++
          } catch {
            return // killed
          } finally {
            inChange = false
          }
        }
      })()
      while (Date.now() < killAt) await new Promise((r) => setTimeout(r, 5))
      if (inChange) tally.killsDuringChange++
      await cli.kill9()
      await work
      // The restart gives back what the journal holds before it serves anything.
      cli = await startInspectorCli(args)
      const { diffs, wrong } = await check(`round ${round}`)
      tally.rounds++
      log(`${app.name} round ${round}: ${diffs} difference(s), ${wrong} edited session(s) not as edited${diffs ? ` (${tally.examples.at(-1) ?? ''})` : ''}`)
    }
    await cli.stop()
    cli = null
    await check('after SIGTERM')
  } finally {
    if (cli) await cli.kill9()
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return tally
}

async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  assertBuilt()
  const log = options.log ?? (() => undefined)
  const bench = options.scale === 'bench'
  const rounds = bench ? 20 : 2
  const sessions = bench ? 200 : 40
  const started = performance.now()
  const figures: Figure[] = []
  const notes: string[] = []
  for (const store of OBSERVED_APPS) {
    const t = await runObserved(store.open, rounds, sessions, log)
    figures.push(
      atLeast(`${store.name}: kill -9 rounds`, t.rounds, rounds),
      atLeast(`${store.name}: sessions seen aged before a kill`, t.agedSeen, rounds),
      zero(`${store.name}: sessions not as before the first advance`, t.differences),
      zero(`${store.name}: edited sessions not as edited`, t.editedWrong)
    )
    notes.push(`${store.name}: ${t.changes} clock changes, ${t.killsDuringChange} kill(s) during one${t.examples.length ? `; ${t.examples.join('; ')}` : ''}`)
  }
  const seconds = (performance.now() - started) / 1000
  return {
    ran: `${rounds} kill -9 round(s) × ${OBSERVED_APPS.length} observed stores of ${sessions} sessions, in ${seconds.toFixed(0)} s`,
    figures,
    notes
  }
}

export const scenarios: Scenario[] = [{ id: 'observe-durability', title: "Observe mode: kill -9 during clock changes and edits, on every store observe mode writes to", run }]
