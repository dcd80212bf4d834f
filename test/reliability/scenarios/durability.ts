// kill -9 under load on every store that persists (issue 13): the built CLI proxies a small app
// that writes the session on every request while many clients log in at once; mid-load the
// inspector gets SIGKILL, restarts on the same data folder (and the same Redis), and every
// session whose Set-Cookie a client had read must be there, whole, holding at least the last
// write the client saw answered. Rounds add up: each restart checks every earlier round's too.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRedis, type RedisServer } from '../../../bench/support/redis-server'
import { startDurabilityApp } from '../support/durability-app'
import { assertBuilt, startInspectorCli } from '../support/durability-cli'
import { startLoad, type Ledger } from '../support/durability-load'
import { verifyLedger } from '../support/durability-verify'
import { atLeast, zero, type Figure, type Scenario, type ScenarioOptions, type ScenarioResult } from './types'

type StoreName = 'db' | 'file' | 'cached_db' | 'cache (Redis)'
const STORES: StoreName[] = ['db', 'file', 'cached_db', 'cache (Redis)']
const TOKEN = 'durability-token-0123456789abcdef'

function storeArgs(store: StoreName | 'cache (locmem)', dataDir: string, redis: RedisServer | null): string[] {
  if (store === 'file') {
    const dir = join(dataDir, 'session-files')
    mkdirSync(dir, { recursive: true })
    return ['--engine', 'file', '--set', `SESSION_FILE_PATH=${dir}`]
  }
  if (store === 'cache (locmem)') return ['--engine', 'cache']
  if (store === 'cache (Redis)') return ['--engine', 'cache', '--set', `CACHES=${JSON.stringify({ default: `${redis?.url}/0` })}`]
  return ['--engine', store]
}

export interface StoreTally {
  received: number
  inFlightAtKill: number[]
  missing: number
  corrupt: number
  stale: number
  /** Sampled sessions the proxy could not hand the app, with their cookie, after the restart. */
  unusable: number
  sampled: number
  unexpected: number
}

export interface KillPlan {
  rounds: number
  clients: number
  /** Each kill lands at a random time in this window after the load starts... */
  killAfterMs: [number, number]
  /** ...and not before the round has this many sessions received (on a busy machine: later). */
  leastSessions: number
}

const GIVE_UP_MS = 30_000

/** Rounds of load, kill -9 and restart on one store; every restart checks the whole ledger. */
export async function runStore(store: StoreName | 'cache (locmem)', plan: KillPlan, appUrl: string, redis: RedisServer | null, log: (line: string) => void): Promise<StoreTally> {
  const { rounds, clients, killAfterMs } = plan
  const dataDir = mkdtempSync(join(tmpdir(), 'si-rel-kill-'))
  const tally: StoreTally = { received: 0, inFlightAtKill: [], missing: 0, corrupt: 0, stale: 0, unusable: 0, sampled: 0, unexpected: 0 }
  const ledger: Ledger = new Map()
  const args = ['--upstream', appUrl, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', dataDir, '--token', TOKEN, ...storeArgs(store, dataDir, redis)]
  let cli = await startInspectorCli(args)
  try {
    for (let round = 1; round <= rounds; round++) {
      const load = startLoad(cli.proxyUrl, ledger, clients, `${store.replace(/\W+/g, '')}-r${round}`)
      const [min, max] = killAfterMs
      const before = ledger.size
      const start = Date.now()
      const at = min + Math.random() * (max - min)
      while ((Date.now() - start < at || ledger.size - before < plan.leastSessions) && Date.now() - start < GIVE_UP_MS) {
        await new Promise((r) => setTimeout(r, 10))
      }
      const inFlight = load.inFlight()
      const killed = cli.kill9()
      load.halt()
      await killed
      const stats = await load.done
      tally.inFlightAtKill.push(inFlight)
      tally.unexpected += stats.unexpected
      cli = await startInspectorCli(args)
      const check = await verifyLedger(cli.controlUrl, cli.proxyUrl, TOKEN, ledger)
      tally.missing += check.missing
      tally.corrupt += check.corrupt
      tally.stale += check.stale
      tally.unusable += check.unusable
      tally.sampled += check.sampled
      tally.received += ledger.size - before
      log(`${store} round ${round}: ${ledger.size - before} sessions received, ${inFlight} requests in flight at the kill; after restart ${check.missing} missing, ${check.corrupt} corrupt, ${check.stale} stale of ${ledger.size}, ${check.unusable} of ${check.sampled} unusable through the proxy${check.examples.length ? `: ${check.examples.join('; ')}` : ''}`)
    }
  } finally {
    await cli.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return tally
}

async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  assertBuilt()
  const log = options.log ?? (() => undefined)
  const bench = options.scale === 'bench'
  const rounds = bench ? 3 : 1
  const clients = bench ? 64 : 24
  const killAfterMs: [number, number] = bench ? [3000, 6000] : [1000, 1800]
  const leastPerRound = bench ? 100 : 20
  const started = performance.now()
  const app = await startDurabilityApp()
  const redis = await startRedis()
  const figures: Figure[] = []
  const notes: string[] = []
  let total = 0
  try {
    for (const store of STORES) {
      const t = await runStore(store, { rounds, clients, killAfterMs, leastSessions: leastPerRound }, app.url, redis, log)
      total += t.received
      figures.push(
        atLeast(`${store}: sessions received`, t.received, rounds * leastPerRound),
        atLeast(`${store}: least in flight at a kill`, Math.min(...t.inFlightAtKill), 1),
        zero(`${store}: missing after restart`, t.missing),
        zero(`${store}: corrupt after restart`, t.corrupt),
        zero(`${store}: acknowledged writes lost`, t.stale),
        zero(`${store}: sample unusable via the proxy`, t.unusable),
        zero(`${store}: unexpected answers before the kill`, t.unexpected)
      )
      notes.push(`${store}: in flight at each kill ${t.inFlightAtKill.join(', ')}; ${t.sampled} sessions also read back through the proxy with their cookie`)
    }
  } finally {
    await redis.stop()
    await app.close()
  }
  const seconds = (performance.now() - started) / 1000
  return {
    ran: `${rounds} kill -9 round(s) per store × ${STORES.length} stores, ${clients} clients, ${total.toLocaleString('en-US')} sessions received, in ${seconds.toFixed(0)} s`,
    figures,
    notes
  }
}

export const scenarios: Scenario[] = [{ id: 'durability', title: 'Durability: kill -9 under load on every persisting store', run }]
