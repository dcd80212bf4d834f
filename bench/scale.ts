// Scale benchmark (npm run bench:scale [-- --sizes=10000,100000,1000000 --only=engine,sqlite,pg,redis
// --search-up-to=100000]):
// fills each store to each size (the observe stores with rows encoded by real Django 5.2, the
// engine's own SQLite store by the engine), starts the real CLI on it, and times over the
// control API: start until ready, first page, a deep page, a key-prefix search, the count and
// a data search over every session, each next to the raw query on the same data; then the
// process's memory (RSS idle, and its peak), and the growth from the smallest size to the
// largest. Prints figures; asserts nothing.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import Redis from 'ioredis'
import pg from 'pg'
import { DEFAULT_SETTINGS, type Settings } from '../src/shared/settings'
import { Engine } from '../src/main/engine'
import type { DbSessionStore } from '../src/main/engine/stores/db'
import { randomSessionKey } from '../src/main/engine/session-store'
import { encodeCursor } from '../src/main/engine/inspection/inspection'
import { formatTable, median } from './support/measure'
import { startRedis } from './support/redis-server'
import { ensureDjango5Python } from '../test/support/django-venv'
import { startPostgres } from './support/postgres-server'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const CLI = join(ROOT, 'out', 'main', 'cli.js')
const FILL = join(ROOT, 'bench', 'support', 'fill_django_sessions.py')
const SECRET = 'django-insecure-bench-scale-secret-0123456789abcdefghijklmnopqrstuvwxyz'
const PAGE = 100
const ROUNDS = 5
const NEEDLE = 'needle-in-the-store'

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const SIZES = arg('sizes', '10000,100000').split(',').map(Number)
const ONLY = arg('only', 'engine,sqlite,pg,redis').split(',')
/** Above this size the data search (which reads every session) is left out, to keep a run short. */
const SEARCH_UP_TO = Number(arg('search-up-to', '1000000'))

type Target = 'engine' | 'sqlite' | 'pg' | 'redis'

interface Figures {
  start: number
  first: [number, number]
  deep: [number, number]
  prefix: [number, number]
  count: [number, number]
  search: [number, number]
  rssIdle: number
  rssPeak: number
  matched: number
}

function run(file: string, args: string[], timeoutMs = 3_600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (e, out, err) => (e ? reject(new Error(`${file} ${args.slice(0, 3).join(' ')}: ${e.message}\n${err}`)) : resolve(out)))
  })
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now()
  const v = await fn()
  return [performance.now() - t, v]
}

/** Median ms of ROUNDS runs (after one warm-up). */
async function med(fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number> {
  await fn()
  const ms: number[] = []
  for (let i = 0; i < rounds; i++) ms.push((await timed(fn))[0])
  return median(ms)
}

function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024
  return { now: kb('VmRSS'), peak: kb('VmHWM') }
}

interface Cli {
  child: ChildProcess
  control: string
  token: string
  startMs: number
  stop(): Promise<void>
}

async function startCli(args: string[]): Promise<Cli> {
  const dir = mkdtempSync(join(tmpdir(), 'si-scale-cli-'))
  const ready = join(dir, 'ready.json')
  const t0 = performance.now()
  const child = spawn(process.execPath, [CLI, '--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--ready-json', ready, '--stop-on-stdin-close', '--set', `SECRET_KEY=${SECRET}`, ...args], {
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  for (;;) {
    if (existsSync(ready)) {
      try {
        const info = JSON.parse(readFileSync(ready, 'utf8')) as { controlUrl: string; token: string }
        const startMs = performance.now() - t0
        return {
          child,
          control: info.controlUrl,
          token: info.token,
          startMs,
          stop: async () => {
            child.stdin?.end()
            if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r))
            rmSync(dir, { recursive: true, force: true })
          }
        }
      } catch {
        // written halfway: read again
      }
    }
    if (child.exitCode !== null) throw new Error(`the CLI exited: ${output}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

async function api<T>(cli: Cli, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(cli.control + path, {
    method,
    headers: { Authorization: `Bearer ${cli.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {})
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return (text ? JSON.parse(text) : null) as T
}

/** A data search through the API, from start to done; returns its matches. */
async function searchAll(cli: Cli): Promise<number> {
  const s = await api<{ id: string }>(cli, 'POST', '/api/sessions/searches', { query: NEEDLE })
  for (;;) {
    const state = await api<{ done: boolean; matched: number; error?: string }>(cli, 'GET', `/api/sessions/searches/${s.id}`)
    if (state.done) {
      if (state.error) throw new Error(state.error)
      return state.matched
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** What the raw side of one store answers: the same questions without Session Inspector. */
interface Raw {
  first(): Promise<unknown>
  deep(): Promise<unknown>
  prefix(p: string): Promise<unknown>
  count(): Promise<unknown>
  /** Every row (or value) read once: what a data search must at least do. */
  scan(): Promise<unknown>
  /** The deep page's cursor as the API takes it. */
  deepCursor(): Promise<string>
  close(): Promise<void>
}

function sqliteRaw(path: string, size: number): Raw {
  const db = new Database(path, { readonly: true })
  const cols = 'session_key, session_data, expire_date'
  const mid = db.prepare(`SELECT expire_date AS e, session_key AS k FROM django_session ORDER BY expire_date DESC, session_key LIMIT 1 OFFSET ?`).get(Math.floor(size / 2)) as { e: string; k: string }
  return {
    first: async () => db.prepare(`SELECT ${cols} FROM django_session ORDER BY expire_date DESC, session_key LIMIT ?`).all(PAGE),
    deep: async () => db.prepare(`SELECT ${cols} FROM django_session WHERE expire_date <= ? AND (expire_date < ? OR session_key > ?) ORDER BY expire_date DESC, session_key LIMIT ?`).all(mid.e, mid.e, mid.k, PAGE),
    prefix: async (p) => db.prepare(`SELECT ${cols} FROM django_session WHERE session_key >= ? AND session_key < ? ORDER BY session_key LIMIT ?`).all(p, `${p}\uffff`, PAGE),
    count: async () => db.prepare('SELECT COUNT(*) FROM django_session').get(),
    scan: async () => {
      let n = 0
      for (const _ of db.prepare(`SELECT ${cols} FROM django_session`).iterate()) n++
      return n
    },
    deepCursor: async () => encodeCursor({ e: mid.e, k: mid.k }),
    close: async () => {
      db.close()
    }
  }
}

async function pgRaw(url: string, size: number): Promise<Raw> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const cols = 'session_key, session_data, expire_date'
  const mid = (await client.query<{ e: string; k: string }>('SELECT expire_date::text AS e, session_key AS k FROM django_session ORDER BY expire_date DESC, session_key LIMIT 1 OFFSET $1', [Math.floor(size / 2)])).rows[0] as { e: string; k: string }
  return {
    first: () => client.query(`SELECT ${cols} FROM django_session ORDER BY expire_date DESC, session_key LIMIT $1`, [PAGE]),
    deep: () => client.query(`SELECT ${cols} FROM django_session WHERE expire_date <= $1::timestamptz AND (expire_date < $1::timestamptz OR session_key > $2) ORDER BY expire_date DESC, session_key LIMIT $3`, [mid.e, mid.k, PAGE]),
    prefix: (p) => client.query(`SELECT ${cols} FROM django_session WHERE session_key LIKE $1 ORDER BY session_key USING ~<~ LIMIT $2`, [`${p}%`, PAGE]),
    count: () => client.query('SELECT COUNT(*) FROM django_session'),
    scan: () => client.query(`SELECT ${cols} FROM django_session`),
    deepCursor: async () => encodeCursor({ e: mid.e, k: mid.k }),
    close: () => client.end()
  }
}

async function redisRaw(url: string, size: number): Promise<Raw> {
  const r = new Redis(url)
  const match = ':1:django.contrib.sessions.cache*'
  const scanPage = async (cursor: string, prefix = '') => {
    const keys: string[] = []
    let at = cursor
    do {
      const [next, batch] = await r.scan(at, 'MATCH', prefix ? `:1:django.contrib.sessions.cache${prefix}*` : match, 'COUNT', PAGE)
      at = next
      keys.push(...batch)
    } while (at !== '0' && keys.length < PAGE)
    const values = keys.length ? await r.mgetBuffer(...keys) : []
    return { at, values }
  }
  // The SCAN cursor about half way through.
  let mid = '0'
  let seen = 0
  do {
    const [next, batch] = await r.scan(mid, 'MATCH', match, 'COUNT', 1000)
    mid = next
    seen += batch.length
  } while (mid !== '0' && seen < size / 4)
  return {
    first: () => scanPage('0'),
    deep: () => scanPage(mid),
    prefix: (p) => scanPage('0', p),
    count: () => r.dbsize(),
    scan: async () => {
      let at = '0'
      let n = 0
      do {
        const [next, batch] = await r.scan(at, 'MATCH', match, 'COUNT', 1000)
        at = next
        if (batch.length) n += (await r.mgetBuffer(...batch)).length
      } while (at !== '0')
      return n
    },
    deepCursor: async () => encodeCursor(mid),
    close: async () => r.disconnect()
  }
}

/** The engine's own db store filled by the engine: its encode() and its database's inserts. */
function fillEngine(path: string, size: number): string[] {
  const settings: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: SECRET }
  const engine = new Engine({ settings, databasePath: path })
  const store = engine.open() as DbSessionStore
  const db = engine.db()
  const keys: string[] = []
  const now = Date.now()
  for (let start = 0; start < size; start += 10_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(size, start + 10_000); i++) {
        const key = randomSessionKey()
        const data = { _auth_user_id: String(i), user: `user${i}`, cart: [i % 7, i % 11], theme: i % 2 ? 'dark' : 'light', ...(i === Math.floor(size / 3) ? { note: NEEDLE } : {}) }
        if (!db.insert(key, store.encode(data), new Date(now + Math.floor((Math.random() * 28 - 14) * 86_400_000)))) throw new Error(`key ${key} drawn twice`)
        if ([0, Math.floor(size / 3), Math.floor(size / 2), size - 1].includes(i)) keys.push(key)
      }
    })
  }
  void engine.close()
  return keys
}

async function measure(target: Target, size: number, cliArgs: string[], raw: Raw, key: string): Promise<Figures> {
  const cli = await startCli(cliArgs)
  cli.child.once('exit', (code, signal) => {
    if (code !== 0) console.error(`  the CLI exited (${code ?? signal}) while measured`)
  })
  try {
    const idle = rss(cli.child.pid as number).now
    const prefix = key.slice(0, 3)
    const deepCursor = await raw.deepCursor()
    const first = await med(() => api(cli, 'GET', `/api/sessions?limit=${PAGE}`))
    const deep = await med(() => api(cli, 'GET', `/api/sessions?limit=${PAGE}&cursor=${encodeURIComponent(deepCursor)}`))
    const byKey = await med(() => api(cli, 'GET', `/api/sessions?limit=${PAGE}&key=${prefix}`))
    const count = await med(() => api(cli, 'GET', '/api/sessions/count'))
    const [search, matched] = size <= SEARCH_UP_TO ? await timed(() => searchAll(cli)) : [NaN, NaN]
    const figures: Figures = {
      start: cli.startMs,
      first: [first, await med(() => raw.first())],
      deep: [deep, await med(() => raw.deep())],
      prefix: [byKey, await med(() => raw.prefix(prefix))],
      count: [count, await med(() => raw.count())],
      search: [search, size <= SEARCH_UP_TO ? (await timed(() => raw.scan()))[0] : NaN],
      rssIdle: idle,
      rssPeak: rss(cli.child.pid as number).peak,
      matched
    }
    void target
    return figures
  } finally {
    await cli.stop()
  }
}

const ms = (n: number) => (Number.isNaN(n) ? '—' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 1)} ms`)
const pair = ([a, b]: [number, number]) => `${ms(a)} (raw ${ms(b)})`

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('out/main/cli.js is missing: run npx electron-vite build first')
  console.log(`bench:scale on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; sizes ${SIZES.join(', ')}; page ${PAGE}; medians of ${ROUNDS}`)
  const python = ONLY.some((t) => t !== 'engine') ? await ensureDjango5Python() : ''
  const postgres = ONLY.includes('pg') ? await startPostgres() : null
  const redis = ONLY.includes('redis') ? await startRedis() : null
  const results = new Map<string, Map<number, Figures>>()
  const note = (name: string, size: number, f: Figures) => {
    if (!results.has(name)) results.set(name, new Map())
    results.get(name)?.set(size, f)
    console.log(`  ${name} @ ${size.toLocaleString('en-US')}: start ${ms(f.start)}, first page ${pair(f.first)}, deep page ${pair(f.deep)}, key prefix ${pair(f.prefix)}, count ${pair(f.count)}, data search ${pair(f.search)} (${f.matched} match), RSS ${f.rssIdle.toFixed(0)} MB idle, ${f.rssPeak.toFixed(0)} MB peak`)
  }
  try {
    for (const size of SIZES) {
      const dir = mkdtempSync(join(tmpdir(), 'si-scale-'))
      try {
        if (ONLY.includes('engine')) {
          const path = join(dir, 'engine.sqlite3')
          const [fillMs, keys] = await timed(async () => fillEngine(path, size))
          console.log(`engine db store: ${size.toLocaleString('en-US')} sessions written by the engine in ${ms(fillMs)}`)
          const raw = sqliteRaw(path, size)
          note('engine db (SQLite)', size, await measure('engine', size, ['--database', path], raw, keys[2] as string))
          await raw.close()
        }
        const fill = async (kind: string, where: string) => {
          const [fillMs, out] = await timed(() => run(python, [FILL, String(size), SECRET, kind, where]))
          console.log(`${kind}: ${size.toLocaleString('en-US')} sessions written by Django 5.2 in ${ms(fillMs)}`)
          return (JSON.parse(out.trim().split('\n').at(-1) as string) as { keys: string[] }).keys
        }
        if (ONLY.includes('sqlite')) {
          const path = join(dir, 'app.sqlite3')
          const keys = await fill('sqlite', path)
          const raw = sqliteRaw(path, size)
          note('observe SQLite', size, await measure('sqlite', size, ['--observe-django', '--database', path, '--engine', 'db'], raw, keys[2] as string))
          await raw.close()
        }
        if (postgres) {
          const url = await postgres.createDatabase(`scale${size}`)
          const keys = await fill('postgresql', url)
          const raw = await pgRaw(url, size)
          note('observe PostgreSQL', size, await measure('pg', size, ['--observe-django', '--database', url, '--engine', 'db'], raw, keys[2] as string))
          await raw.close()
        }
        if (redis) {
          const url = `${redis.url.replace(/\/\d*$/, '')}/${SIZES.indexOf(size) + 1}`
          const keys = await fill('redis', url)
          const raw = await redisRaw(url, size)
          note('observe Redis (cache)', size, await measure('redis', size, ['--observe-django', '--cache', url, '--engine', 'cache'], raw, keys[2] as string))
          await raw.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  } finally {
    await postgres?.stop()
    await redis?.stop()
  }

  const rows: string[][] = [['store', 'size', 'start', 'first page', 'deep page', 'key prefix', 'count', 'data search', 'RSS idle / peak']]
  for (const [name, bySize] of results) {
    for (const [size, f] of bySize) {
      rows.push([name, size.toLocaleString('en-US'), ms(f.start), pair(f.first), pair(f.deep), pair(f.prefix), pair(f.count), pair(f.search), `${f.rssIdle.toFixed(0)} / ${f.rssPeak.toFixed(0)} MB`])
    }
  }
  console.log(`\n${formatTable(rows, 1)}`)
  const [small, large] = [SIZES[0] as number, SIZES.at(-1) as number]
  if (small !== large) {
    console.log(`\nGrowth ${small.toLocaleString('en-US')} → ${large.toLocaleString('en-US')} (×${large / small} sessions):`)
    for (const [name, bySize] of results) {
      const a = bySize.get(small)
      const b = bySize.get(large)
      if (!a || !b) continue
      const g = (x: number, y: number) => `×${(y / x).toFixed(1)}`
      console.log(`  ${name}: start ${g(a.start, b.start)}, first page ${g(a.first[0], b.first[0])}, deep page ${g(a.deep[0], b.deep[0])}, key prefix ${g(a.prefix[0], b.prefix[0])}, data search ${g(a.search[0], b.search[0])}, RSS idle ${g(a.rssIdle, b.rssIdle)}`)
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
