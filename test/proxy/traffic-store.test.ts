// The traffic log's storage (format 2): session data once per version, lists without it,
// substring search through the trigram index, an older log's rows upgraded, and a big
// trim that never holds the file's write lock long enough to fail the clients' saves.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TrafficEntry } from '../../src/shared/api'
import type { SessionData } from '../../src/shared/json'
import { ClientRegistry } from '../../src/main/proxy/clients'
import { StorageHealth } from '../../src/main/proxy/storage-health'
import { TrafficLog } from '../../src/main/proxy/traffic-log'
import { BUSY_TIMEOUT_MS } from '../../src/main/proxy/traffic-schema'
import { Inspector } from '../../src/main/inspector'
import { Browser } from './support/browser'
import { serve } from './support/servers'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'si-traffic-store-'))
  dirs.push(d)
  return d
}
const fileSize = (dir: string) => ['', '-wal'].reduce((n, s) => n + (statSync(join(dir, `inspector.sqlite3${s}`), { throwIfNoEntry: false })?.size ?? 0), 0)

function entry(id: number, url: string, data: SessionData | null = null, effect: TrafficEntry['effect'] = 'read'): TrafficEntry {
  return {
    id,
    time: '2030-01-01T00:00:00.000Z',
    realTime: '2030-01-01T00:00:00.000Z',
    method: 'GET',
    url,
    status: 200,
    durationMs: 1,
    clientId: null,
    sessionBefore: data && { key: 'k'.repeat(32), data },
    sessionAfter: data && { key: 'k'.repeat(32), data },
    setCookie: null,
    effect,
    reasonCode: 'read',
    reason: 'read',
    requestHeaders: [],
    responseHeaders: [],
    xSession: null,
    xSessionUpdate: null,
    decision: null,
    droppedCookies: []
  }
}

describe('a huge session through the proxy', () => {
  it('is stored once per version, listed without its data, and loaded whole by the detail', async () => {
    const big = { blob: 'x'.repeat(512 * 1024) }
    const wire = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const app = await serve((req, res) => {
      // The first request saves 512 KiB; the next 39 only read it; the last changes one key.
      if (req.url === '/save') res.setHeader('X-Session-Update', wire({ data: big }))
      else if (req.url === '/change') res.setHeader('X-Session-Update', wire({ data: { ...big, n: 1 } }))
      else res.setHeader('X-Session-Update', wire({ accessed: true }))
      res.end('ok')
    })
    const dataDir = tempDir()
    const inspector = await Inspector.start({ dataDir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    try {
      const b = new Browser(inspector.proxyUrl)
      await b.get('/save')
      for (let n = 0; n < 39; n++) await b.get(`/read/${n}`)
      await b.get('/change')
      await inspector.api.listTraffic({ limit: 1 })
      // Two versions of 512 KiB (each request's X-Session naming the first): about 1 MiB, not 40.
      expect(fileSize(dataDir)).toBeLessThan(4 * 1024 * 1024)
      const list = await inspector.api.listTraffic({})
      expect(list.total).toBe(41)
      expect(JSON.stringify(list).length).toBeLessThan(41 * 2048)
      expect(list.entries[1]?.sessionBefore).toEqual({ key: expect.any(String) })
      const read = await inspector.api.getTraffic({ id: list.entries[1]!.id })
      expect(read.sessionBefore?.data).toEqual(big)
      expect(read.xSession?.data).toEqual(big)
      const change = await inspector.api.getTraffic({ id: list.entries[0]!.id })
      expect(change.sessionAfter?.data).toEqual({ ...big, n: 1 })
      expect(change.xSessionUpdate).toEqual({ data: { ...big, n: 1 } })
    } finally {
      await inspector.close()
      await app.close()
    }
  })
})

describe('search', () => {
  it('finds substrings through the trigram index, and short or odd ones by a scan, with the other filters', async () => {
    const log = new TrafficLog(join(tempDir(), 'inspector.sqlite3'), 100_000, { thread: 'in-process' })
    const urls = ['/cart/add?item=42', '/Checkout', '/api/v1/"quoted"', '/100%_done', '/a']
    for (const url of urls) log.add(entry(log.nextId(), url, null, url === '/Checkout' ? 'modified' : 'read'))
    const found = async (search: string, more = {}) => (await log.list({ search, ...more })).entries.map((e) => e.url)
    expect(await found('cart/ad')).toEqual(['/cart/add?item=42'])
    expect(await found('CHECKOUT')).toEqual(['/Checkout'])
    expect(await found('"quoted"')).toEqual(['/api/v1/"quoted"'])
    expect(await found('%_d')).toEqual(['/100%_done'])
    expect(await found('/a')).toEqual(['/api/v1/"quoted"', '/cart/add?item=42', '/a'].sort((x, y) => urls.indexOf(y) - urls.indexOf(x)))
    expect(await found('get /', { effect: 'modified' })).toEqual(['/Checkout'])
    expect((await log.list({ search: 'get /', limit: 2 })).total).toBe(5)
    expect(await found('get /', { before: 3, limit: 1 })).toEqual(['/Checkout'])
    expect(await found('nowhere')).toEqual([])
    await log.close()
  })
})

describe('an older log (format 1: positional arrays)', () => {
  it('is upgraded in the background, its entries whole, then its old table dropped', { timeout: 60_000 }, async () => {
    const file = join(tempDir(), 'inspector.sqlite3')
    const old = new Database(file)
    old.exec('CREATE TABLE traffic (id INTEGER PRIMARY KEY, time TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, status INTEGER, effect TEXT NOT NULL, key_before TEXT, key_after TEXT, bytes INTEGER NOT NULL DEFAULT 0, search TEXT NOT NULL, summary TEXT NOT NULL, detail TEXT NOT NULL); CREATE INDEX traffic_key_before ON traffic (key_before)')
    const key = 'k'.repeat(32)
    const xSession = Buffer.from(JSON.stringify({ v: 1, key, data: { a: 1 }, expiryAge: 60, expiryDate: '2030-01-01T00:01:00.000Z', expireAtBrowserClose: false, cookieAge: 60 })).toString('base64url')
    const insert = old.prepare("INSERT INTO traffic VALUES (?, '', 'GET', ?, 200, 'modified', ?, ?, 0, '', '', ?)")
    for (let id = 1; id <= 700; id++) {
      const packed = [1, 1893456000000, 1893456000000, 'GET', `/old/${id}`, 200, 3, null, [key], [key, { a: 2 }], null, 'modified', 'modified', 'saved', null, ['Host', 'x'], [], xSession, Buffer.from('{"data":{"a":2}}').toString('base64url'), null, null, []]
      insert.run(id, `/old/${id}`, key, key, JSON.stringify(packed))
    }
    old.close()
    const log = new TrafficLog(file, 100_000)
    expect(log.nextId()).toBe(701)
    let total = 0
    for (let tries = 0; tries < 2000 && total < 700; tries++) {
      await new Promise((r) => setTimeout(r, 10))
      total = (await log.list({ limit: 1 })).total
    }
    expect(total).toBe(700)
    const e = (await log.get(7)) as TrafficEntry
    expect(e).toMatchObject({ url: '/old/7', time: '2030-01-01T00:00:00.000Z', sessionBefore: { key, data: { a: 1 } }, sessionAfter: { key, data: { a: 2 } }, requestHeaders: [['Host', 'x']], xSessionUpdate: { data: { a: 2 } } })
    expect(e.xSession?.data).toEqual({ a: 1 })
    expect(e.xSession?.expiryAge).toBe(60)
    expect((await log.list({ sessionKey: key, limit: 1 })).total).toBe(700)
    await log.close()
    const db = new Database(file, { readonly: true })
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'traffic_v1'").all()).toEqual([])
    db.close()
  })
})

describe('trimming a large log', () => {
  it('goes in batches: the clients saved on the same file meanwhile never fail, and nothing is thrown', { timeout: 60_000 }, async () => {
    const file = join(tempDir(), 'inspector.sqlite3')
    const first = new TrafficLog(file, 1_000_000, { thread: 'in-process' })
    for (let n = 0; n < 12_000; n++) first.add(entry(first.nextId(), `/fill/${n}`, { n }))
    await first.close()
    const problems: string[] = []
    const health = new StorageHealth((l) => problems.push(l))
    const log = new TrafficLog(file, 100, { health })
    const clients = new ClientRegistry(file, health)
    log.add(entry(log.nextId(), '/new'))
    await log.flush()
    // The trim goes on in the background: clients are saved between its batches.
    for (let n = 0; n < 50; n++) {
      clients.identify(undefined, 'ua', Date.now())
      clients.flush()
      await new Promise((r) => setTimeout(r, 5))
    }
    for (let tries = 0; tries < 1000 && (await log.list({ limit: 1 })).total > 100; tries++) {
      log.add(entry(log.nextId(), '/more'))
      await new Promise((r) => setTimeout(r, 10))
    }
    expect((await log.list({ limit: 1 })).total).toBe(100)
    expect(problems).toEqual([])
    clients.close()
    await log.close()
  })

  it("a write lock held for seconds: the clients' save never blocks or throws, is tried again, and said once it has lasted", async () => {
    const file = join(tempDir(), 'inspector.sqlite3')
    const problems: string[] = []
    const health = new StorageHealth((l) => problems.push(l))
    const clients = new ClientRegistry(file, health)
    const other = new Database(file)
    other.exec('BEGIN IMMEDIATE')
    clients.identify(undefined, 'ua', Date.now())
    const [waited] = await (async () => {
      const t0 = performance.now()
      clients.flush()
      return [performance.now() - t0]
    })()
    // This thread proxies: it waited a moment for the lock, not the whole busy timeout.
    expect(waited).toBeLessThan(BUSY_TIMEOUT_MS / 2)
    expect(problems).toEqual([])
    await new Promise((r) => setTimeout(r, 5500))
    expect(problems).toEqual([expect.stringMatching(/^database busy: browser clients not saved since /)])
    other.exec('COMMIT')
    other.close()
    for (let tries = 0; tries < 100 && problems.length < 2; tries++) await new Promise((r) => setTimeout(r, 50))
    expect(problems[1]).toMatch(/^browser clients saved again/)
    clients.close()
    const db = new Database(file, { readonly: true })
    expect((db.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n).toBe(1)
    db.close()
  }, BUSY_TIMEOUT_MS + 20_000)
})
