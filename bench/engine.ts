// Engine benchmark (npm run bench:engine [-- --sizes=10000,100000 --rounds=7 --round-ms=200
// --warmup-ms=200 --only=db,file]): load and save rates of every session store, next to
// raw better-sqlite3 on the same table in the same run. Prints figures; asserts nothing.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { Engine } from '../src/main/engine'
import { openSessionSqlite, toDjangoDate } from '../src/main/engine/database'
import { CACHE_KEY_PREFIX } from '../src/main/engine/stores/cache'
import { CACHED_DB_KEY_PREFIX } from '../src/main/engine/stores/cached-db'
import type { SessionData } from '../src/shared/json'
import { forgetVerifiedPayloads } from '../src/main/engine/signing'
import { DEFAULT_SETTINGS, type EngineName, type Settings } from '../src/shared/settings'
import { breathe, formatPercent, formatRate, formatTable, Interrupted, measurePaired, sampleOf, type MeasureOptions, type Sample, type Side } from './support/measure'
import { startRedis, type RedisServer } from './support/redis-server'
import { randomKeys, sessionData } from './support/sessions'

const SECRET = 'django-insecure-bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz'

interface Variant {
  name: string
  engine: EngineName
  cache?: 'locmem' | 'redis'
}

const VARIANTS: Variant[] = [
  { name: 'db', engine: 'db' },
  { name: 'file', engine: 'file' },
  { name: 'cache (locmem)', engine: 'cache', cache: 'locmem' },
  { name: 'cache (redis)', engine: 'cache', cache: 'redis' },
  { name: 'cached_db (locmem)', engine: 'cached_db', cache: 'locmem' },
  { name: 'signed_cookies', engine: 'signed_cookies' }
]

type OpName = 'load' | 'load (cold)' | 'save (new)' | 'save (update)'
type RawOpName = 'point-select' | 'insert' | 'select+update'
/** What each store operation is compared with. */
const BASELINE: Record<OpName, RawOpName> = { load: 'point-select', 'load (cold)': 'point-select', 'save (new)': 'insert', 'save (update)': 'select+update' }

interface Row {
  store: string
  sessions: number
  op: OpName | RawOpName
  sample: Sample
  /** Median over paired rounds of store rate / raw rate of the baseline op (store rows only). */
  ratio?: number
}

// ------------------------------------------------------------------ options

const OPTIONS = ['sizes', 'rounds', 'round-ms', 'warmup-ms', 'only']
const USAGE = 'usage: npm run bench:engine [-- --sizes=10000,100000 --rounds=7 --round-ms=200 --warmup-ms=200 --only=db,file]'
for (const arg of process.argv.slice(2)) {
  if (!OPTIONS.some((o) => arg.startsWith(`--${o}=`))) {
    console.error(arg === '--help' || arg === '-h' ? USAGE : `unknown argument ${JSON.stringify(arg)}\n${USAGE}`)
    process.exit(arg === '--help' || arg === '-h' ? 0 : 2)
  }
}

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix))
  return arg === undefined ? fallback : arg.slice(prefix.length)
}

function positiveInt(name: string, text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name}: ${JSON.stringify(text)} is not a positive integer`)
    process.exit(2)
  }
  return n
}

const SIZES = option('sizes', '10000,100000').split(',').map((s) => positiveInt('sizes', s))
let interrupted = false
const TIMING: MeasureOptions = {
  interrupted: () => interrupted,
  rounds: positiveInt('rounds', option('rounds', '7')),
  roundMs: positiveInt('round-ms', option('round-ms', '200')),
  warmupMs: positiveInt('warmup-ms', option('warmup-ms', '200'))
}
const ONLY = option('only', '')
  .split(',')
  .filter(Boolean)
const SELECTED = VARIANTS.filter((v) => ONLY.length === 0 || ONLY.some((o) => v.name.startsWith(o)))
if (SELECTED.length === 0) {
  console.error(`--only=${ONLY.join(',')} names no store; stores: ${VARIANTS.map((v) => v.name).join(', ')}`)
  process.exit(2)
}

/** New sessions cycle through this many data objects (each differs from every seeded one). */
const NEW_DATA = 1024
/** Fresh keys for the raw inserts of one round (they are deleted after each round). */
const RAW_KEY_POOL = 100_000

// ------------------------------------------------------------------ fixtures and cleanup

const cleanups: (() => void | Promise<void>)[] = []

async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!()
    } catch (e) {
      console.error(`cleanup failed: ${(e as Error).message}`)
    }
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'si-bench-engine-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const progress = (text: string) => process.stderr.write(`${text}\n`)

interface Fixture {
  size: number
  keys: string[]
  /** encoded[i] is sessionData(i) as the stores encode it (session_data / file contents). */
  encoded: string[]
  expireDate: Date
  newData: SessionData[]
  newEncoded: string[]
}

function settingsFor(variant: Variant, filesDir: string, redisUrl: string): Settings {
  return {
    ...DEFAULT_SETTINGS,
    SECRET_KEY: SECRET,
    SESSION_ENGINE: variant.engine,
    SESSION_FILE_PATH: filesDir,
    // Large enough that the LRU never evicts during the run: loads must find what was seeded.
    CACHES: { default: variant.cache === 'redis' ? `${redisUrl}/1` : 'locmem://?max_entries=1000000' }
  }
}

function makeFixture(size: number): Fixture {
  const dir = tempDir()
  const engine = new Engine({ settings: settingsFor(VARIANTS[0]!, dir, ''), databasePath: join(dir, 'unused.sqlite3') })
  const encoder = engine.open()
  const keys = randomKeys(size)
  const encoded = keys.map((_, i) => encoder.encode(sessionData(i)))
  const newData = Array.from({ length: NEW_DATA }, (_, m) => sessionData(size + m))
  const newEncoded = newData.map((d) => encoder.encode(d))
  const expireDate = new Date(engine.clock.nowMs() + DEFAULT_SETTINGS.SESSION_COOKIE_AGE * 1000)
  void engine.close()
  return { size, keys, encoded, expireDate, newData, newEncoded }
}

const pick = (keys: string[]) => keys[(Math.random() * keys.length) | 0]!

async function inBatches(n: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < n; start += batch) {
    const pending: Promise<unknown>[] = []
    for (let i = start; i < Math.min(n, start + batch); i++) pending.push(fn(i))
    await Promise.all(pending)
  }
}

// ------------------------------------------------------------------ raw better-sqlite3

interface RawBaseline {
  sides: Record<RawOpName, Side>
  /** Every round's rate per op, pooled over all the stores it was paired with. */
  rates: Record<RawOpName, number[]>
  close(): void
}

/** The same table (same opener, schema and pragmas) with the same rows, driven by bare prepared statements. */
function openRaw(fixture: Fixture, rawKeys: string[]): RawBaseline {
  const dir = tempDir()
  const db = openSessionSqlite(join(dir, 'raw.sqlite3'))
  const close = () => {
    if (db.open) db.close()
  }
  cleanups.push(close)
  const expire = toDjangoDate(fixture.expireDate)
  const insert = db.prepare('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)')
  const select = db.prepare('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ?')
  const update = db.prepare('UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ?')
  const remove = db.prepare('DELETE FROM django_session WHERE session_key = ?')
  db.transaction(() => fixture.keys.forEach((k, i) => insert.run(k, fixture.encoded[i]!, expire)))()
  const { keys, newEncoded } = fixture
  // What a save writes (Django's save() sets expire_date to now + the age on every save):
  // a new date each time, so the UPDATE moves the row in the expire_date index as the store's does.
  const age = DEFAULT_SETTINGS.SESSION_COOKIE_AGE * 1000
  const expireNow = () => toDjangoDate(new Date(Date.now() + age))
  let used = 0
  const sides: Record<RawOpName, Side> = {
    'point-select': {
      op: () => {
        if (select.get(pick(keys)) === undefined) throw new Error('raw point-select found no row')
      }
    },
    insert: {
      op: (i) => {
        const key = rawKeys[used++]
        if (key === undefined) throw new Error(`raw insert: more than ${RAW_KEY_POOL} inserts in one round; lower --round-ms`)
        insert.run(key, newEncoded[i % NEW_DATA]!, expireNow())
      },
      afterRound: () => {
        db.transaction(() => rawKeys.slice(0, used).forEach((k) => remove.run(k)))()
        used = 0
      }
    },
    'select+update': {
      op: (i) => {
        const key = pick(keys)
        if (select.get(key) === undefined) throw new Error('raw select+update found no row')
        update.run(newEncoded[i % NEW_DATA]!, expireNow(), key)
      }
    }
  }
  return { sides, rates: { 'point-select': [], insert: [], 'select+update': [] }, close }
}

// ------------------------------------------------------------------ stores

async function seed(variant: Variant, engine: Engine, fixture: Fixture, filesDir: string): Promise<string[]> {
  const { keys, encoded, expireDate } = fixture
  const age = DEFAULT_SETTINGS.SESSION_COOKIE_AGE
  switch (variant.engine) {
    case 'db':
    case 'cached_db': {
      const db = engine.db()
      db.transaction(() => keys.forEach((k, i) => db.insert(k, encoded[i]!, expireDate)))
      if (variant.engine === 'cached_db') {
        // A warm cache: cached_db's loads are cache hits, as after a first visit.
        const cache = engine.cache()
        await inBatches(keys.length, 1000, (i) => cache.set(CACHED_DB_KEY_PREFIX + keys[i]!, sessionData(i), age))
      }
      return keys
    }
    case 'cache': {
      const cache = engine.cache()
      await inBatches(keys.length, 1000, (i) => cache.set(CACHE_KEY_PREFIX + keys[i]!, sessionData(i), age))
      return keys
    }
    case 'file': {
      const prefix = engine.settings().SESSION_COOKIE_NAME
      keys.forEach((k, i) => writeFileSync(join(filesDir, prefix + k), encoded[i]!, 'ascii'))
      return keys
    }
    case 'signed_cookies': {
      // The "sessions" are cookie values, each made by the store itself.
      const cookies: string[] = []
      for (let i = 0; i < keys.length; i++) {
        if (i % 1000 === 0) await breathe(TIMING)
        const s = engine.open()
        await s.update(sessionData(i))
        await s.save()
        cookies.push(s.sessionKey!)
      }
      return cookies
    }
  }
}

/** Deletes the sessions a save (new) round created, so every round sees the same table size. */
async function forget(variant: Variant, engine: Engine, created: string[], filesDir: string): Promise<void> {
  if (variant.engine === 'db' || variant.engine === 'cached_db') {
    const db = engine.db()
    db.transaction(() => created.forEach((k) => db.remove(k)))
  }
  if (variant.engine === 'cache' || variant.engine === 'cached_db') {
    const prefix = variant.engine === 'cache' ? CACHE_KEY_PREFIX : CACHED_DB_KEY_PREFIX
    const cache = engine.cache()
    await inBatches(created.length, 1000, (i) => cache.delete(prefix + created[i]!))
  }
  if (variant.engine === 'file') {
    const prefix = engine.settings().SESSION_COOKIE_NAME
    for (const k of created) unlinkSync(join(filesDir, prefix + k))
  }
  created.length = 0
}

async function benchStore(variant: Variant, fixture: Fixture, raw: RawBaseline, redisUrl: string): Promise<Row[]> {
  const dir = tempDir()
  const filesDir = join(dir, 'files')
  mkdirSync(filesDir)
  if (variant.cache === 'redis') {
    const client = new Redis(`${redisUrl}/1`)
    await client.flushdb()
    client.disconnect()
  }
  const engine = new Engine({ settings: settingsFor(variant, filesDir, redisUrl), databasePath: join(dir, 'sessions.sqlite3') })
  cleanups.push(() => engine.close())
  const seeded = Date.now()
  const keys = await seed(variant, engine, fixture, filesDir)
  progress(`  ${variant.name}: seeded ${fixture.size.toLocaleString('en-US')} sessions in ${((Date.now() - seeded) / 1000).toFixed(1)} s`)
  const checkKey = variant.engine !== 'signed_cookies'
  const created: string[] = []
  const sides: Record<OpName, Side> = {
    load: {
      op: async () => {
        const s = engine.open(pick(keys))
        if ((await s.items()).length === 0) throw new Error(`${variant.name}: a seeded session did not load`)
      }
    },
    // Every load checks the signature and inflates again: what a session read by no request before costs.
    'load (cold)': {
      op: async () => {
        forgetVerifiedPayloads()
        const s = engine.open(pick(keys))
        if ((await s.items()).length === 0) throw new Error(`${variant.name}: a seeded session did not load`)
      }
    },
    'save (new)': {
      op: async (i) => {
        const s = engine.open()
        // A counter makes every payload new, as a real app's new sessions are: the signing
        // memo must not turn this into a replay of 1,024 payloads it has seen.
        await s.update({ ...fixture.newData[i % NEW_DATA]!, n: i })
        await s.save()
        created.push(s.sessionKey!)
      },
      afterRound: () => forget(variant, engine, created, filesDir)
    },
    'save (update)': {
      op: async (i) => {
        const key = pick(keys)
        const s = engine.open(key)
        await s.set('last_seen', i)
        await s.save()
        // A load that missed would make save() create a new session instead: not an update.
        if (checkKey && s.sessionKey !== key) throw new Error(`${variant.name}: a seeded session did not load for update`)
      }
    }
  }
  const rows: Row[] = []
  for (const op of Object.keys(sides) as OpName[]) {
    const base = BASELINE[op]
    const result = await measurePaired(sides[op], raw.sides[base], TIMING)
    raw.rates[base].push(...result.baselineRates)
    rows.push({ store: variant.name, sessions: fixture.size, op, sample: result.subject, ratio: result.ratio })
    progress(`  ${variant.name}  ${op}: ${formatRate(result.subject.median)} ops/s, ${formatPercent(result.ratio)} of raw ${base} (${formatRate(result.baseline.median)} ops/s)`)
  }
  await engine.close()
  rmSync(dir, { recursive: true, force: true }) // now, not at exit: 100k session files or cache entries add up
  return rows
}

// ------------------------------------------------------------------ report

function environment(): string {
  const probe = openSessionSqlite(':memory:')
  const { v } = probe.prepare('SELECT sqlite_version() AS v').get() as { v: string }
  probe.close()
  const dir = tempDir()
  const file = openSessionSqlite(join(dir, 'probe.sqlite3'))
  const journal = file.pragma('journal_mode', { simple: true })
  const synchronous = file.pragma('synchronous', { simple: true })
  file.close()
  const cpu = cpus()
  return [
    `node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown cpu'}, ${busy()}`,
    `SQLite ${v} via better-sqlite3 (both sides opened by openSessionSqlite: journal_mode=${journal}, synchronous=${synchronous}), files in ${tmpdir()}`,
    `timing: per store op, ${TIMING.warmupMs} ms warm-up each side, then ${TIMING.rounds} rounds of ${TIMING.roundMs} ms of the store alternating with ${TIMING.rounds} of raw; median ops/s, spread = ±(max - min) / 2 / median`
  ].join('\n')
}

/** The load average, flagged when other work competes for the cores (figures are then rough). */
function busy(): string {
  const load = loadavg()[0]!
  const cores = cpus().length
  const flag = load > cores * 0.75 ? ' (busy machine: figures are rough; the paired ratios suffer least)' : ''
  return `load average ${load.toFixed(1)}${flag}`
}

/** The db store against its target: at least half of raw better-sqlite3 for load and save. */
function dbSummary(rows: Row[]): string {
  return SIZES.map((size) => {
    const db = rows.filter((r) => r.store === 'db' && r.sessions === size)
    if (db.length === 0) return ''
    const parts = db.map((r) => `${r.op} ${formatPercent(r.ratio!)}`)
    return `db store vs raw better-sqlite3 at ${size.toLocaleString('en-US')} sessions (target >= 50%): ${parts.join(', ')}`
  })
    .filter(Boolean)
    .join('\n')
}

function report(rows: Row[]): string {
  const header = ['store', 'sessions', 'op', 'ops/s', 'us/op', 'spread', 'vs raw']
  const body = rows.map((r) => [
    r.store,
    r.sessions.toLocaleString('en-US'),
    r.op,
    formatRate(r.sample.median),
    (1e6 / r.sample.median).toFixed(1),
    `±${formatPercent(r.sample.spread / 2)}`,
    r.ratio === undefined ? '' : formatPercent(r.ratio)
  ])
  return formatTable([header, ...body])
}

const NOTES = `
vs raw: median over paired rounds (raw and store alternate, same table size) of store ops/s / raw ops/s;
the raw rows pool every raw round of that size:
  load          = engine.open(random existing key) + await s.items()   vs  point-select: prepared SELECT of the row by primary key
                  (a payload whose signature was checked before is not checked again: the same text under the same key)
  load (cold)   = the same with that memory emptied before each load: the HMAC check, inflate and JSON.parse every time
  save (new)    = open() + update(data) + save(): a new key, Django's exists() check, one INSERT   vs  insert: one autocommit INSERT of a row of the same size
  save (update) = open(random existing key) + set() + save(): load, then UPDATE   vs  select+update: the raw SELECT then UPDATE by primary key
                  (both raw writes set a new expire_date, now + SESSION_COOKIE_AGE, as every save does)
Rows inserted by a round are deleted after it (untimed), so every round sees the same table size.
cached_db loads hit a warm cache; signed_cookies "sessions" are that many distinct cookie values.`

async function main(): Promise<void> {
  const started = Date.now()
  console.log(environment())
  let redis: RedisServer | null = null
  if (SELECTED.some((v) => v.cache === 'redis')) {
    redis = await startRedis()
    cleanups.push(() => redis?.stop())
  }
  const rawKeys = randomKeys(RAW_KEY_POOL)
  const rows: Row[] = []
  for (const size of SIZES) {
    progress(`\n${size.toLocaleString('en-US')} sessions: encoding the fixture`)
    const fixture = makeFixture(size)
    const raw = openRaw(fixture, rawKeys)
    const stores: Row[] = []
    for (const variant of SELECTED) stores.push(...(await benchStore(variant, fixture, raw, redis?.url ?? '')))
    raw.close()
    for (const op of Object.keys(raw.rates) as RawOpName[]) rows.push({ store: 'raw better-sqlite3', sessions: size, op, sample: sampleOf(raw.rates[op]) })
    rows.push(...stores)
  }
  console.log(`\n${report(rows)}\n${NOTES}\n\n${dbSummary(rows)}\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s, ${busy()}`)
}

// First signal: stop at the next round and clean up (temp files, redis-server); second: leave now.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130)
    interrupted = true
    progress(`\n${signal}: stopping after this round, then cleaning up`)
  })
}

main()
  .catch((e: unknown) => {
    if (e instanceof Interrupted) process.exitCode = 130
    else {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e)
      process.exitCode = 1
    }
  })
  .finally(() => cleanUp())
