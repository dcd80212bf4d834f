// Issue 23.1: the data folder on a small tmpfs that fills up, an app answering 20 kB session
// updates. The proxy keeps serving; what cannot be written is refused with a clear answer
// and said once, in the log and in the status the header shows; it recovers by itself when
// space returns.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, closeSync, writeSync, rmSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import { Browser } from '../proxy/support/browser'
import { serve, type Upstream } from '../proxy/support/servers'

const mountPoint = mkdtempSync(join(tmpdir(), 'si-disk-full-'))
let mounted = false
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' })
  mounted = true
} catch {
  // not root: the test is skipped (and says why)
}

/** Fills the file system with one file until it is full; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler')
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(16 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  } finally {
    closeSync(fd)
  }
  return path
}

const until = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(!mounted)('a full disk under the data folder (tmpfs, 4 MiB)', () => {
  let app: Upstream
  let n = 0
  beforeAll(async () => {
    app = await serve((req, res) => {
      if (req.url?.startsWith('/read')) return res.end('read only')
      // A 20 kB update, different every time: every request has something to write.
      const update = { data: { n: ++n, pad: `${n}`.padEnd(20_000, 'x') } }
      res.setHeader('X-Session-Update', Buffer.from(JSON.stringify(update)).toString('base64url'))
      res.end('ok')
    })
  })
  afterAll(async () => {
    await app?.close()
    execFileSync('umount', [mountPoint])
    rmSync(mountPoint, { recursive: true, force: true })
  })

  it('keeps serving, refuses what it cannot write with a clear answer, says it once, and recovers when space returns', async () => {
    const lines: string[] = []
    const inspector = await Inspector.start({ dataDir: mountPoint, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, log: (l) => lines.push(l) })
    try {
      const browsers = [0, 1, 2, 3].map(() => new Browser(inspector.proxyUrl))
      for (const b of browsers) expect((await b.get('/start')).status).toBe(200)
      await until('the first entries', async () => (await inspector.api.listTraffic({})).total >= 4)

      const filler = fill(mountPoint)
      const statuses: number[] = []
      const bodies: string[] = []
      for (let round = 0; round < 10; round++) {
        // Known browsers and new ones (a new client, a new session): every request is answered.
        for (const b of [...browsers, new Browser(inspector.proxyUrl)]) {
          const r = await b.get(`/full/${round}`)
          statuses.push(r.status)
          if (r.status !== 200) bodies.push(r.body)
        }
      }
      expect(statuses.every((s) => s === 200 || s === 500)).toBe(true)
      // What needs no write goes through as ever.
      for (const b of browsers) expect(await b.get('/read/while-full')).toMatchObject({ status: 200, body: 'read only' })
      // A refused session save says why, in words.
      for (const body of bodies) expect(body).toMatch(/could not be saved: <code>database or disk is full<\/code>/)
      await until('the header to say so', async () => (await inspector.api.getStatus({})).storageProblems?.some((p) => p.area === 'traffic') === true)
      const status = await inspector.api.getStatus({})
      expect(status.storageProblems?.find((p) => p.area === 'traffic')?.problem).toBe('disk full: traffic not recorded')
      // Said once, however many writes failed.
      expect(lines.filter((l) => l.startsWith('disk full: traffic not recorded since')).length).toBe(1)
      expect(lines.filter((l) => l.startsWith('disk full: browser clients not saved')).length).toBeLessThanOrEqual(1)
      // What was written before is still there to read.
      expect((await inspector.api.listTraffic({ search: '/start' })).total).toBe(4)

      unlinkSync(filler)
      const again = new Browser(inspector.proxyUrl)
      await until('writing to work again', async () => {
        await again.get('/recovered')
        return (await inspector.api.getStatus({})).storageProblems === undefined
      })
      expect((await again.get('/after')).status).toBe(200)
      await until('the new entry', async () => (await inspector.api.listTraffic({ search: '/after' })).total === 1)
      expect(lines.filter((l) => l.startsWith('traffic recorded again')).length).toBe(1)
    } finally {
      await inspector.close()
    }
  })
})
