// Two requests of one browser racing: the session is deleted (flush in another tab, or the
// inspector's delete) while a slow request still holds it; when the slow one tries to save,
// Django raises SessionInterrupted: the browser gets a clear 400 and nothing is resurrected.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeWireUpdate, parseWireSession } from '../../src/shared/wire'
import { Browser, decodeEntities, setCookiesNamed } from './support/browser'
import { useInspector, withEntry } from './support/inspector'
import { deferred, serve, type Deferred, type Upstream } from './support/servers'

let app: Upstream
/** /slow has arrived at the app, and is held until released. */
let arrived: Deferred<void>
let release: Deferred<void>

async function startApp(): Promise<Upstream> {
  app ??= await serve((req, res) => {
    const session = parseWireSession(String(req.headers['x-session']))
    if (req.url === '/login') {
      res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true, data: { user: 'alice', visits: 0 } }))
      res.end('logged in')
    } else if (req.url === '/logout') {
      res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true, flush: true, data: {} }))
      res.end('logged out')
    } else if (req.url === '/slow') {
      arrived.resolve()
      void release.promise.then(() => {
        const visits = Number(session.data.visits) + 1
        res.setHeader('X-Session-Update', encodeWireUpdate({ accessed: true, modified: true, data: { ...session.data, visits } }))
        res.end(`the app's page, visit ${visits}`)
      })
    } else {
      res.end('ok')
    }
  })
  return app
}

afterAll(async () => {
  await app?.close()
})

const fileDir = mkdtempSync(join(tmpdir(), 'si-concurrency-files-'))
afterAll(() => rmSync(fileDir, { recursive: true, force: true }))

describe.each([
  ['db', {}],
  ['file', { SESSION_FILE_PATH: fileDir }],
  ['cache', {}],
  ['cached_db', {}]
])('SESSION_ENGINE=%s', (engine, extra) => {
  const started = useInspector(async () => ({ upstream: (await startApp()).url, settings: { SESSION_ENGINE: engine, ...extra } }))
  const inspector = () => started().inspector

  async function race(deleteIt: (b: Browser, key: string) => Promise<void>): Promise<void> {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    arrived = deferred()
    release = deferred()
    const slow = withEntry(inspector(), '/slow', () => b.get('/slow'))
    await arrived.promise
    await deleteIt(b, key)
    release.resolve()
    const { result: r, entry } = await slow

    expect(r.status).toBe(400)
    expect(decodeEntities(r.body)).toContain("SessionInterrupted</code>: The request's session was deleted before the request completed.")
    expect(r.body).not.toContain("the app's page")
    expect(setCookiesNamed(r, 'sessionid')).toEqual([])
    expect(entry.status).toBe(400)
    expect(entry.error).toBe("SessionInterrupted: The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.")
    expect(entry.reasonCode).toBe('interrupted')
    expect(entry.reason).toBe('400 Bad Request: the session was deleted by a concurrent request before this one could save it (SessionInterrupted)')
    expect(entry.effect).toBe('rejected')
    expect(entry.decision).toMatchObject({ reason: 'interrupted', saved: false, keyBefore: key })
    // Nothing resurrected: neither the old key nor a new session holding the slow request's data.
    await expect(inspector().api.getSession({ key })).rejects.toMatchObject({ code: 'not_found' })
    if (engine !== 'cache') {
      const all = await inspector().api.listSessions({})
      expect(all.sessions.filter((s) => s.data.visits === 1)).toEqual([])
    }
    // The browser goes on without a session.
    const next = await b.get('/ok')
    expect(next.status).toBe(200)
  }

  it('flushed by another tab while a slow request holds it: 400, nothing resurrected', async () => {
    await race(async (b) => {
      const out = await b.get('/logout')
      expect(setCookiesNamed(out, 'sessionid')).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'])
    })
  })

  it('deleted from the inspector while a slow request holds it: 400, nothing resurrected', async () => {
    await race(async (_b, key) => {
      await inspector().api.deleteSession({ key })
    })
  })
})
