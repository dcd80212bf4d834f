// Observe mode on the engines without a database or cache: the fixture project's file
// sessions (SESSION_FILE_PATH, files aged by the clock) and its signed_cookies sessions
// (decoded from the cookies in traffic; edits, deletions and the clock reach Django through
// the cookie the proxy hands it).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeObservedStore, OBSERVED_SETTINGS } from './observe-contract'
import { startDjangoServer } from './django-server'

describeObservedStore('file sessions (SESSION_FILE_PATH)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-observe-files-'))
  const app = await startDjangoServer({ middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'file', SESSION_FILE_PATH: dir } })
  const file = (key: string) => join(dir, `sessionid${key}`)
  return {
    app,
    observe: { engine: 'file', filePath: dir },
    stored: async (key) => (existsSync(file(key)) ? readFileSync(file(key), 'ascii') : null),
    cleanup: async () => rmSync(dir, { recursive: true, force: true })
  }
}, (ctx) => {
  it("ages the session file's mtime by the clock, and gives it back", async () => {
    const { inspector, setup, browser } = ctx()
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid')) as string
    const dir = (setup.observe.filePath as string)
    const mtime = () => statSync(join(dir, `sessionid${key}`)).mtimeMs
    const before = mtime()
    await inspector.api.advanceClock({ seconds: 42 })
    expect(Math.round(before - mtime())).toBe(42_000)
    await inspector.api.resetClock({})
    expect(Math.round(mtime())).toBe(Math.round(before))
  })
})

describeObservedStore('signed_cookies sessions (no server store)', async () => {
  const app = await startDjangoServer({ middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'signed_cookies' } })
  return { app, observe: { engine: 'signed_cookies' } }
}, (ctx) => {
  it('lists the sessions seen in traffic, and says that is all it can list', async () => {
    const { inspector, browser } = ctx()
    const b = browser()
    await b.get('/p2/set/')
    const key = (await b.cookie('sessionid')) as string
    const list = await inspector.api.listSessions({})
    expect(list.note).toMatch(/^signed_cookies keeps each session in its browser's cookie/)
    expect(list.sessions.find((s) => s.key === key)?.data).toMatchObject({ name: 'Sonam' })
  })

  it('hands Django the cookie re-signed in its own time while the clock runs ahead, and keeps engine time in the browser', async () => {
    const { inspector, browser } = ctx()
    const b = browser()
    await inspector.api.advanceClock({ seconds: 600 })
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid')) as string
    const session = await inspector.api.getSession({ key })
    // Signed by Django at its real now; the browser's copy says engine time.
    expect(Math.abs(Date.parse(session.savedAt as string) - (Date.now() + 600_000))).toBeLessThan(2000)
    expect(session.expired).toBe(false)
    expect((await b.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/)
  })
})
