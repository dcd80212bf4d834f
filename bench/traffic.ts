// The traffic log benchmark (npm run bench:traffic). Two parts, figures only (never asserts):
//  huge:  a session of --session-mb MB set by the app through the built CLI, then read by
//         --requests - 1 more requests: the log's size on disk, GET /api/traffic (time, bytes),
//         one request's detail, and the Traffic screen in Chromium (navigation → first row).
//  scale: a log of each --sizes rows (written by TrafficLog itself), opened in this process:
//         open, first page, a rare and a common search (trigram index), a session's history,
//         and a trim of 90% of it in the background with the clients' saves (same file)
//         and new writes timed meanwhile.
//   node --import tsx bench/traffic.ts [--only huge,scale] [--session-mb 5] [--requests 30]
//        [--sizes 10000,100000,1000000]
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Engine } from '../src/main/engine/engine'
import { ClientRegistry } from '../src/main/proxy/clients'
import { DataDir } from '../src/main/service/data-dir'
import { DEFAULT_SETTINGS } from '../src/shared/settings'
import { StorageHealth } from '../src/main/proxy/storage-health'
import { TrafficLog } from '../src/main/proxy/traffic-log'
import type { TrafficEntry } from '../src/shared/api'
import { launchChromium } from '../test/support/chromium'
import { randomKeys } from './support/sessions'
import { assertBuilt, startInspector } from './support/ui-inspector'
import { measureFirstRender } from './support/ui-measure'

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string', default: 'huge,scale' },
    'session-mb': { type: 'string', default: '5' },
    requests: { type: 'string', default: '30' },
    sizes: { type: 'string', default: '10000,100000,1000000' }
  }
})
const only = new Set(opts.only.split(','))
const SESSION_MB = Number(opts['session-mb'])
const REQUESTS = Number(opts.requests)
const SIZES = opts.sizes.split(',').map(Number)

const say = (line: string) => process.stdout.write(`${line}\n`)
const progress = (text: string) => process.stderr.write(`${text}\n`)
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const fmt = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`)
const many = (n: number) => n.toLocaleString('en-US')
const sizeOf = (dir: string) => ['', '-wal'].reduce((n, s) => n + (statSync(join(dir, `inspector.sqlite3${s}`), { throwIfNoEntry: false })?.size ?? 0), 0)

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now()
  const value = await fn()
  return [performance.now() - t0, value]
}

/** The median of `runs` timings. */
async function median(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push((await time(fn))[0])
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number
}

// ------------------------------------------------------------------ huge sessions

async function huge(): Promise<void> {
  assertBuilt()
  const blob = 'x'.repeat(SESSION_MB * 1024 * 1024)
  // The session is written into the store beforehand (an update over the wire is limited
  // to 1 MiB, and so is the API's body): every request then carries it in X-Session.
  const app: Server = createServer({ maxHeaderSize: 64 * 1024 * 1024 }, (_req, res) => res.end('ok'))
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r))
  const dir = mkdtempSync(join(tmpdir(), 'si-bench-traffic-'))
  const key = randomKeys(1)[0] as string
  const engine = new Engine({ settings: { ...DEFAULT_SETTINGS, SECRET_KEY: new DataDir(dir).secretKey() }, databasePath: join(dir, 'sessions.sqlite3') })
  const store = engine.open()
  engine.db().insert(key, store.encode({ blob }), new Date(Date.now() + 86_400_000))
  await engine.close()
  const inspector = await startInspector(dir, ['--upstream', `http://127.0.0.1:${(app.address() as AddressInfo).port}`])
  const api = (path: string) => fetch(`${inspector.controlUrl}${path}`, { headers: { authorization: `Bearer ${inspector.token}` } })
  try {
    for (let n = 0; n < REQUESTS; n++) {
      const res = await fetch(new URL(`/read/${n}`, inspector.proxyUrl), { headers: { cookie: `sessionid=${key}` } })
      await res.arrayBuffer()
    }
    let list = (await (await api('/api/traffic?limit=1')).json()) as { total: number }
    while (list.total < REQUESTS) list = (await (await api('/api/traffic?limit=1')).json()) as { total: number }
    const [listMs, listBytes] = await time(async () => (await (await api('/api/traffic')).arrayBuffer()).byteLength)
    const { entries } = (await (await api('/api/traffic?limit=2')).json()) as { entries: { id: number }[] }
    const [detailMs, detailBytes] = await time(async () => (await (await api(`/api/traffic/${entries[1]?.id}`)).arrayBuffer()).byteLength)
    const browser = await launchChromium()
    let readyMs = NaN
    let fetched = ''
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      await context.addInitScript({ content: `sessionStorage.setItem('session-inspector.token', ${JSON.stringify(inspector.token)})` })
      const first = await measureFirstRender(context, `${inspector.controlUrl}/#/traffic`, '[role="grid"][aria-label="Requests"] [role="row"][aria-rowindex="2"]')
      readyMs = first.paintedMs
      fetched = first.api.map((a) => `${a.path} ${many(a.bytes)} B in ${fmt(a.endMs - a.sentMs)}`).join(', ')
      await context.close()
    } finally {
      await browser.close()
    }
    say(`huge session: ${SESSION_MB} MB, ${REQUESTS} requests (the app reads it, in X-Session, and answers at once)`)
    const live = sizeOf(dir)
    await inspector.stop()
    say(`  traffic log on disk       ${mb(sizeOf(dir))} (${mb(live)} with its WAL while running)`)
    say(`  GET /api/traffic          ${fmt(listMs)}, ${many(listBytes)} bytes`)
    say(`  GET /api/traffic/:id      ${fmt(detailMs)}, ${mb(detailBytes)} (the session's data before and after, and X-Session's)`)
    say(`  Traffic screen ready      ${fmt(readyMs)} (navigation start → first row painted, Chromium; fetched ${fetched})`)
  } finally {
    await inspector.stop()
    app.close()
    if (process.env.KEEP) say(dir); else rmSync(dir, { recursive: true, force: true })
  }
}

// ------------------------------------------------------------------ scale

function entryAt(id: number, key: string): TrafficEntry {
  const at = new Date(1_900_000_000_000 + id * 1000).toISOString()
  const i = id % 7
  return {
    id,
    time: at,
    realTime: at,
    method: i === 4 ? 'POST' : 'GET',
    url: i === 4 ? `/cart/add/?sku=SKU-${id}` : i === 5 ? `/api/items?page=${id % 50}` : `/p${i}/get/`,
    status: i === 5 ? 500 : 200,
    durationMs: 3,
    clientId: null,
    sessionBefore: { key, data: { cart: [id % 10], user: 'Sonam' } },
    sessionAfter: { key, data: { cart: [id % 10, 1], user: 'Sonam' } },
    setCookie: null,
    effect: i === 4 ? 'modified' : 'read',
    reasonCode: i === 4 ? 'modified' : 'read',
    reason: i === 4 ? 'Set-Cookie sent: the session was modified' : 'No Set-Cookie: the session was read but not modified (Vary: Cookie added)',
    requestHeaders: [['host', '127.0.0.1:8080'], ['cookie', `sessionid=${key}`]],
    responseHeaders: [['content-type', 'text/html']],
    xSession: null,
    xSessionUpdate: null,
    decision: null,
    droppedCookies: []
  }
}

async function scale(rows: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'si-bench-traffic-'))
  const file = join(dir, 'inspector.sqlite3')
  try {
    const keys = randomKeys(1000)
    const [fillMs] = await time(async () => {
      const log = new TrafficLog(file, rows, { thread: 'in-process' })
      for (let n = 0; n < rows; n++) {
        log.add(entryAt(log.nextId(), keys[n % keys.length] as string))
        if (n % 20_000 === 19_999) {
          await log.flush()
          progress(`  ${many(n + 1)} / ${many(rows)}`)
        }
      }
      await log.close()
    })
    const [openMs, log] = await time(() => new TrafficLog(file, rows))
    const firstPage = await median(5, () => log.list({ limit: 100 }))
    const [firstOpen] = await time(() => log.list({ limit: 100 }))
    const rare = await median(5, () => log.list({ search: `sku-${rows - 3}`, limit: 100 }))
    const common = await median(3, () => log.list({ search: 'cart/add', limit: 100 }))
    const short = await median(3, () => log.list({ search: 'p1', limit: 100 }))
    const history = await median(5, () => log.list({ sessionKey: keys[7], limit: 100 }))
    const deep = await median(5, () => log.list({ before: Math.floor(rows / 2), limit: 100 }))
    await log.close()

    // The trim: reopened with a tenth of the retention; clients saved and requests logged meanwhile.
    const problems: string[] = []
    const health = new StorageHealth((l) => problems.push(l))
    const trimmed = new TrafficLog(file, Math.floor(rows / 10), { health })
    const clients = new ClientRegistry(file, health)
    const t0 = performance.now()
    let flushMax = 0
    let writeMax = 0
    let total = rows
    while (total > rows / 10) {
      clients.identify(undefined, 'bench', Date.now())
      const [f] = await time(() => clients.flush())
      flushMax = Math.max(flushMax, f)
      trimmed.add(entryAt(trimmed.nextId(), keys[0] as string))
      const [w] = await time(() => trimmed.flush())
      writeMax = Math.max(writeMax, w)
      total = (await trimmed.list({ limit: 1 })).total
      await new Promise((r) => setTimeout(r, 20))
    }
    const trimMs = performance.now() - t0
    clients.close()
    await trimmed.close()
    say(`traffic log of ${many(rows)} rows (${mb(sizeOf(dir))} on disk; written in ${(fillMs / 1000).toFixed(0)} s)`)
    say(`  open                      ${fmt(openMs)} (first list after: ${fmt(firstOpen)})`)
    say(`  first page (100)          ${fmt(firstPage)}`)
    say(`  page at the middle        ${fmt(deep)}`)
    say(`  search, one match         ${fmt(rare)}`)
    say(`  search, 1 row in 7        ${fmt(common)} (with its count)`)
    say(`  search, 2 letters (scan)  ${fmt(short)}`)
    say(`  a session's history       ${fmt(history)}`)
    say(`  trim 90% in the background ${fmt(trimMs)}; meanwhile a clients' save took at most ${fmt(flushMax)}, a logged request at most ${fmt(writeMax)}; ${problems.length ? problems.join('; ') : 'no failure'}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  say(`bench:traffic on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`)
  if (only.has('huge')) await huge()
  if (only.has('scale')) for (const rows of SIZES) await scale(rows)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
