// The traffic log: kept in SQLite in the data dir, trimmed to its retention limit, and still
// there (with ids that go on counting) after a restart; then the same through the proxy.
import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiEvent, TrafficEntry } from '../../src/shared/api'
import { TrafficLog } from '../../src/main/proxy/traffic-log'
import { Browser, send } from './support/browser'
import { Inspector } from '../../src/main/inspector'
import { serve } from './support/servers'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'si-traffic-test-'))
  dirs.push(d)
  return d
}

function entry(id: number, url: string): TrafficEntry {
  return {
    id,
    time: '2030-01-01T00:00:00.000Z',
    realTime: '2030-01-01T00:00:00.000Z',
    method: 'GET',
    url,
    status: 200,
    durationMs: 1,
    clientId: null,
    sessionBefore: null,
    sessionAfter: { key: 'k'.repeat(32), data: { name: 'Sonam' } },
    setCookie: null,
    effect: 'read',
    reasonCode: 'read',
    reason: 'No Set-Cookie: the session was read but not modified (Vary: Cookie added)',
    requestHeaders: [['Host', 'x']],
    responseHeaders: [['Vary', 'Cookie']],
    xSession: null,
    xSessionUpdate: { accessed: true },
    decision: null,
    droppedCookies: []
  }
}

for (const thread of ['worker', 'in-process'] as const) {
  describe(`TrafficLog, written ${thread === 'worker' ? 'by its writer thread' : 'in-process'}`, () => {
    it('keeps only the newest entries up to its retention limit', async () => {
      const log = new TrafficLog(join(tempDir(), 'inspector.sqlite3'), 5, { thread })
      for (let n = 1; n <= 12; n++) log.add(entry(log.nextId(), `/r/${n}`))
      const { entries, total } = await log.list({})
      expect(total).toBe(5)
      expect(entries.map((e) => e.url)).toEqual(['/r/12', '/r/11', '/r/10', '/r/9', '/r/8'])
      expect(await log.get(7)).toBeNull()
      expect((await log.get(8))?.responseHeaders).toEqual([['Vary', 'Cookie']])
      await log.close()
    })

    it('survives a restart: the entries are read back whole, and new ids follow the old ones', async () => {
      const file = join(tempDir(), 'inspector.sqlite3')
      const first = new TrafficLog(file, 100_000, { thread })
      const ids = [first.nextId(), first.nextId(), first.nextId()]
      for (const id of ids) first.add(entry(id, `/before/${id}`))
      // close() writes what is still queued.
      await first.close()
      const second = new TrafficLog(file, 100_000, { thread })
      expect((await second.list({})).entries.map((e) => e.url)).toEqual(['/before/3', '/before/2', '/before/1'])
      expect(await second.get(2)).toEqual(entry(2, '/before/2'))
      expect(second.nextId()).toBe(4)
      await second.close()
    })

    it('reads see every entry added before them, across batches; clear() counts and empties', async () => {
      const log = new TrafficLog(join(tempDir(), 'inspector.sqlite3'), 100_000, { thread })
      // More than one batch (500 rows) without waiting: a read right after sees them all.
      for (let n = 1; n <= 1234; n++) log.add(entry(log.nextId(), `/burst/${n}`))
      expect((await log.list({ limit: 1 })).total).toBe(1234)
      expect((await log.list({ search: '/burst/1233' })).entries.map((e) => e.url)).toEqual(['/burst/1233'])
      expect((await log.getMany([3, 1, 2])).map((e) => e.url)).toEqual(['/burst/1', '/burst/2', '/burst/3'])
      log.add(entry(log.nextId(), '/last'))
      expect(await log.clear()).toBe(1235)
      expect((await log.list({})).total).toBe(0)
      // The worker really did the writing (a writer that failed to start would hand over to this thread).
      expect(log.writer()).toBe(thread)
      expect(log.lastWriteError()).toBeNull()
      await log.close()
      await log.close()
    })
  })
}

describe('TrafficLog when its writer thread dies', () => {
  it('says so once, and goes on writing in this thread', async () => {
    const log = new TrafficLog(join(tempDir(), 'inspector.sqlite3'), 100_000, { thread: 'worker' })
    log.add(entry(log.nextId(), '/before'))
    await log.flush()
    const worker = (log as unknown as { worker: Worker }).worker
    const stopped = new Promise((r) => worker.once('exit', r))
    worker.emit('error', new Error('simulated crash'))
    await worker.terminate()
    await stopped
    expect(log.writer()).toBe('in-process')
    expect(log.lastWriteError()).toMatch(/simulated crash/)
    log.add(entry(log.nextId(), '/after'))
    expect((await log.list({})).entries.map((e) => e.url)).toEqual(['/after', '/before'])
    expect(log.lastWriteError()).toBeNull()
    await log.close()
  })
})

describe('the traffic log through the proxy', () => {
  it('reads back what the proxy had: the live summary, X-Session as the app got it, the update as it sent it, the headers as they came', async () => {
    const wire = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const received: string[] = []
    const app = await serve((req, res) => {
      received.push(String(req.headers['x-session']))
      res.setHeader('X-Session-Update', wire(req.url === '/save' ? { data: { name: 'Sönam', n: [1, { deep: true }] } } : { accessed: true }))
      res.setHeader('X-App', 'one')
      res.end('ok')
    })
    const dataDir = tempDir()
    const inspector = await Inspector.start({ dataDir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    const live: ApiEvent[] = []
    const unsubscribe = inspector.subscribe((e) => live.push(e), ['traffic'])
    try {
      const b = new Browser(inspector.proxyUrl)
      await b.get('/save', { 'X-Mixed-Case': 'A b' })
      await b.get('/read')
      while ((await inspector.api.listTraffic({})).total < 2 || live.length < 2) await new Promise((r) => setImmediate(r))
      const { entries } = await inspector.api.listTraffic({})
      expect(entries).toEqual(live.map((e) => e.payload).reverse())
      const [save, read] = await Promise.all([inspector.api.getTraffic({ id: entries[1]!.id }), inspector.api.getTraffic({ id: entries[0]!.id })])
      expect(save.xSession).toEqual(JSON.parse(Buffer.from(received[0]!, 'base64url').toString()))
      expect(read.xSession).toEqual(JSON.parse(Buffer.from(received[1]!, 'base64url').toString()))
      expect(save.xSessionUpdate).toEqual({ data: { name: 'Sönam', n: [1, { deep: true }] } })
      expect(read.xSessionUpdate).toEqual({ accessed: true })
      expect(save.sessionBefore).toBeNull()
      expect(save.sessionAfter).toEqual({ key: read.sessionBefore?.key, data: { name: 'Sönam', n: [1, { deep: true }] } })
      expect(read.sessionBefore).toEqual(read.sessionAfter)
      expect(save.requestHeaders.find(([n]) => n === 'X-Mixed-Case')).toEqual(['X-Mixed-Case', 'A b'])
      expect(save.responseHeaders.find(([n]) => n === 'X-App')).toEqual(['X-App', 'one'])
      expect(Date.parse(save.time)).toBeGreaterThan(0)
      expect(save.realTime).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    } finally {
      unsubscribe()
      await inspector.close()
      await app.close()
    }
  })

  it('is trimmed to trafficRetention and read back after the inspector restarts in the same data dir', async () => {
    const app = await serve((_req, res) => res.end('ok'))
    const dataDir = tempDir()
    try {
      const start = () => Inspector.start({ dataDir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, trafficRetention: 3, log: () => undefined })
      const one = await start()
      for (let n = 1; n <= 5; n++) expect((await send(new URL(`/page/${n}`, one.proxyUrl))).status).toBe(200)
      // The last entry is logged when its response has finished: wait for it to be listed.
      while ((await one.api.listTraffic({})).entries[0]?.url !== '/page/5') await new Promise((r) => setImmediate(r))
      await one.close()
      const two = await start()
      try {
        expect((await two.api.listTraffic({})).entries.map((e) => e.url)).toEqual(['/page/5', '/page/4', '/page/3'])
        await send(new URL('/after', two.proxyUrl))
        while ((await two.api.listTraffic({})).entries[0]?.url !== '/after') await new Promise((r) => setImmediate(r))
        const after = await two.api.listTraffic({})
        expect(after.entries.map((e) => e.url)).toEqual(['/after', '/page/5', '/page/4'])
        expect(after.entries[0]?.id).toBeGreaterThan(after.entries[1]?.id ?? Infinity)
      } finally {
        await two.close()
      }
    } finally {
      await app.close()
    }
  })
})

describe('the traffic log is bounded by size too', () => {
  // Each its own data: the same data is stored once, however many entries name it.
  const big = (id: number, size: number): TrafficEntry => ({ ...entry(id, `/big/${id}`), sessionAfter: { key: 'k'.repeat(32), data: { blob: 'x'.repeat(size), id } } })

  for (const thread of ['worker', 'in-process'] as const) {
    it(`keeps its stored bytes within maxBytes, dropping the oldest entries first (${thread})`, async () => {
      const file = join(tempDir(), 'inspector.sqlite3')
      const log = new TrafficLog(file, 100_000, { thread, maxBytes: 100_000 })
      for (let n = 1; n <= 40; n++) log.add(big(log.nextId(), 10_000))
      const { entries, total } = await log.list({})
      // Each entry stores ~10.4 kB: nine fit in 100 kB, and they are the newest.
      expect(total).toBe(9)
      expect(entries.map((e) => e.id)).toEqual([40, 39, 38, 37, 36, 35, 34, 33, 32])
      await log.close()
      const db = new Database(file, { readonly: true })
      const stored = (db.prepare('SELECT (SELECT SUM(length(entry)) FROM traffic) + (SELECT SUM(length(data)) FROM session_data_text) AS n').get() as { n: number }).n
      db.close()
      expect(stored).toBeLessThanOrEqual(100_000)
      // After a restart the budget goes on from what is stored.
      const again = new TrafficLog(file, 100_000, { thread, maxBytes: 100_000 })
      again.add(big(again.nextId(), 10_000))
      expect((await again.list({})).entries.map((e) => e.id)).toEqual([41, 40, 39, 38, 37, 36, 35, 34, 33])
      // An entry bigger than the whole budget is still kept, alone.
      again.add(big(again.nextId(), 200_000))
      expect((await again.list({})).entries.map((e) => e.id)).toEqual([42])
      await again.close()
    })
  }

  it('a log written before the byte budget is measured when opened, then trimmed by it', async () => {
    const file = join(tempDir(), 'inspector.sqlite3')
    const old = new Database(file)
    old.exec('CREATE TABLE traffic (id INTEGER PRIMARY KEY, time TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, status INTEGER, effect TEXT NOT NULL, key_before TEXT, key_after TEXT, search TEXT NOT NULL, summary TEXT NOT NULL, detail TEXT NOT NULL)')
    const insert = old.prepare("INSERT INTO traffic VALUES (?, '2030-01-01T00:00:00.000Z', 'GET', ?, 200, 'read', NULL, NULL, '', ?, '{}')")
    for (let id = 1; id <= 10; id++) {
      const { requestHeaders: _q, responseHeaders: _r, xSession: _x, xSessionUpdate: _u, decision: _d, droppedCookies: _c, ...summary } = big(id, 10_000)
      insert.run(id, `/big/${id}`, JSON.stringify(summary))
    }
    old.close()
    const log = new TrafficLog(file, 100_000, { maxBytes: 50_000 })
    log.add(entry(log.nextId(), '/new'))
    expect(log.nextId()).toBe(12)
    // Its rows are upgraded in the background, then trimmed by the budget like any other.
    const expected = ['/new', '/big/10', '/big/9', '/big/8', '/big/7']
    let urls: string[] = []
    for (let tries = 0; tries < 500 && urls.join() !== expected.join(); tries++) {
      await new Promise((r) => setTimeout(r, 10))
      log.add(entry(log.nextId(), '/new'))
      await log.flush()
      urls = (await log.list({})).entries.map((e) => e.url).filter((u, i) => i === 0 || u !== '/new')
    }
    expect(urls).toEqual(expected)
    expect((await log.get(10))?.sessionAfter?.data).toEqual({ blob: 'x'.repeat(10_000), id: 10 })
    await log.close()
    const db = new Database(file, { readonly: true })
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'traffic_v1'").all()).toEqual([])
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    db.close()
  })

  it('cuts what can be huge (a refused update, a header) to 16 KiB with a marker of the full size; session data stays whole', async () => {
    const log = new TrafficLog(join(tempDir(), 'inspector.sqlite3'), 100_000)
    const id = log.nextId()
    const rejected = 'A'.repeat(1024 * 1024)
    log.add({ ...big(id, 50_000), rejectedUpdate: rejected, error: 'X-Session-Update refused: X-Session-Update is not JSON', responseHeaders: [['X-Huge', 'v'.repeat(100_000)], ['Vary', 'Cookie']] })
    const stored = (await log.get(id)) as TrafficEntry
    expect(stored.rejectedUpdate).toBe(`${'A'.repeat(16 * 1024)}… [truncated, 1048576 bytes]`)
    expect(stored.responseHeaders).toEqual([['X-Huge', `${'v'.repeat(16 * 1024)}… [truncated, 100000 bytes]`], ['Vary', 'Cookie']])
    expect(stored.error).toBe('X-Session-Update refused: X-Session-Update is not JSON')
    expect((stored.sessionAfter?.data.blob as string).length).toBe(50_000)
    await log.close()
  })
})

describe('refused 1 MiB updates through the proxy', () => {
  it('are stored cut short: 200 of them leave inspector.sqlite3 a few MB, not 200 MB; trafficMaxBytes bounds the rest', async () => {
    const junk = 'A'.repeat(1024 * 1024 - 8) // base64url that is no JSON
    const app = await serve((_req, res) => {
      res.setHeader('X-Session-Update', junk)
      res.end('ok')
    })
    const dataDir = tempDir()
    const inspector = await Inspector.start({ dataDir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, trafficMaxBytes: 1024 * 1024, log: () => undefined })
    try {
      for (let n = 1; n <= 200; n++) expect((await send(new URL(`/bad/${n}`, inspector.proxyUrl))).status).toBe(200)
      while ((await inspector.api.listTraffic({})).entries[0]?.url !== '/bad/200') await new Promise((r) => setImmediate(r))
      const { entries, total } = await inspector.api.listTraffic({})
      const last = await inspector.api.getTraffic({ id: entries[0]?.id as number })
      expect(last.effect).toBe('rejected')
      expect(last.rejectedUpdate).toMatch(/^A{16384}… \[truncated, 1048568 bytes\]$/)
      // ~17 kB an entry within a 1 MiB budget: the newest ~60 are kept.
      expect(total).toBeGreaterThan(30)
      expect(total).toBeLessThan(70)
      const size = ['', '-wal', '-shm'].map((s) => join(dataDir, `inspector.sqlite3${s}`)).filter(existsSync).reduce((n, f) => n + statSync(f).size, 0)
      expect(size).toBeLessThan(12 * 1024 * 1024)
    } finally {
      await inspector.close()
      await app.close()
    }
  })
})
