// Observe mode (issue 7): the fixture project keeps Django's own SessionMiddleware and db
// sessions, and Session Inspector shares its SQLite file (--database). The proxy only
// watches and mirrors cookies; the inspector lists, decodes, edits, expires and deletes
// the app's own sessions, and its clock ages them in the app's database.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/main/cli'
import { Inspector } from '../../src/main/inspector'
import type { ApiEvent, SessionInfo } from '../../src/shared/api'
import { CookieClient } from './cookie-client'
import { startDjangoServer, type DjangoServer } from './django-server'
import { describeObservedStore, OBSERVED_SETTINGS } from './observe-contract'

/** The fixture's SECRET_KEY (fixture_site/settings.py). */
const APP_SECRET_KEY = 'django-insecure-@^236mkp)-7q(!w(ql)iaseo!f_ax--^a-^*ijo177t^^o72kv'
/** The app's session settings: the seeds' page session, cookies that end with the browser. */
const APP_SETTINGS = { SESSION_COOKIE_AGE: 20, SESSION_EXPIRE_AT_BROWSER_CLOSE: true }
const EXPIRED = 'Your session has Expired...'

interface Row {
  session_key: string
  session_data: string
  expire_date: string
}

describe("a Django app with its own SessionMiddleware, observed on its database", () => {
  let app: DjangoServer
  let inspector: Inspector
  let raw: Database.Database
  const dataDir = mkdtempSync(join(tmpdir(), 'si-observe-'))

  beforeAll(async () => {
    app = await startDjangoServer({ middleware: 'django', settings: APP_SETTINGS })
    inspector = await Inspector.start({
      dataDir,
      upstream: app.url,
      listen: { host: '127.0.0.1', port: 0 },
      observeDjango: true,
      databasePath: app.dbPath,
      settings: { SECRET_KEY: APP_SECRET_KEY, ...APP_SETTINGS },
      log: () => undefined
    })
    raw = new Database(app.dbPath, { readonly: true })
  })
  afterEach(async () => {
    await inspector.api.resetClock({})
  })
  afterAll(async () => {
    raw?.close()
    await inspector?.close()
    await app?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const browser = () => new CookieClient(inspector.proxyUrl)
  const row = (key: string) => raw.prepare('SELECT * FROM django_session WHERE session_key = ?').get(key) as Row | undefined
  const rows = () => raw.prepare('SELECT * FROM django_session ORDER BY session_key').all() as Row[]
  /** An expire_date as a moment (Django's SQLite backend writes naive UTC). */
  const moment = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`)
  const lastTraffic = async (url: string) => {
    const entries = (await inspector.api.listTraffic({ search: url, limit: 50 })).entries
    const summary = entries.find((e) => e.url === url)
    if (!summary) throw new Error(`no traffic entry for ${url}`)
    // The detail: with the session data (the list names the sessions only).
    return inspector.api.getTraffic({ id: summary.id })
  }

  it('runs on the db engine with the settings owned by the app, and cannot freeze the clock', async () => {
    const status = await inspector.api.getStatus({})
    expect(status).toMatchObject({ mode: 'observe-django', settingsOwnedByApp: true, databasePath: app.dbPath })
    expect((await inspector.api.getSettings({})).SESSION_ENGINE).toBe('db')
    await expect(inspector.api.updateSettings({ settings: { SESSION_ENGINE: 'file' } })).rejects.toMatchObject({ code: 'invalid_setting' })
    await expect(inspector.api.freezeClock({ frozen: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/cannot be frozen/) })
    expect((await inspector.api.getClock({})).frozen).toBe(false)
    const notes = (await inspector.api.previewCookie({})).notes.join('\n')
    expect(notes).toMatch(/Observe mode: the app's own SessionMiddleware/)
    expect(notes).toMatch(/cannot be frozen/)
  })

  it("passes the app's own cookie through and lists its session, decoded", async () => {
    const b = browser()
    const set = await b.get('/p1/set/')
    expect(set.headers.get('x-session-update')).toBeNull()
    const line = set.setCookies.find((l) => l.startsWith('sessionid='))
    // The app's own cookie: EXPIRE_AT_BROWSER_CLOSE, so no Max-Age.
    expect(line).toMatch(/^sessionid=[a-z0-9]{32}; HttpOnly; Path=\/; SameSite=Lax$/)
    const key = (await b.cookie('sessionid'))!
    expect(row(key)).toBeDefined()

    const { sessions } = await inspector.api.listSessions({ search: key })
    expect(sessions).toHaveLength(1)
    const session = sessions[0] as SessionInfo
    expect(session).toMatchObject({ key, data: { name: 'Sonam', lname: 'rathore' }, engine: 'db', expired: false, expireAtBrowserClose: true })
    expect(session.decodeError).toBeUndefined()
    // The app's own expire_date, read back exactly (no lag: the clock was not moved).
    expect(Date.parse(session.expireDate!)).toBe(moment(row(key)!.expire_date))
    // Django saved it SESSION_COOKIE_AGE after its now, just before it stamped Date (whole seconds).
    const age = Date.parse(session.expireDate!) - Date.parse(set.headers.get('date')!)
    expect(age).toBeGreaterThan(19_000)
    expect(age).toBeLessThan(21_000)
    expect(session.clientId).toBe(await b.cookie('si_client'))
  })

  it('tells from the traffic what the app did to its session', async () => {
    const events: ApiEvent[] = []
    const unsubscribe = inspector.subscribe((e) => events.push(e))
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    unsubscribe()
    expect(events).toContainEqual({ type: 'session', payload: { key, change: 'saved', session: expect.objectContaining({ key, data: { name: 'Sonam', lname: 'rathore' } }) } })
    expect(await lastTraffic('/p1/set/')).toMatchObject({
      effect: 'created',
      reasonCode: 'observed',
      reason: 'Observed: the app saved a new session and set its cookie',
      sessionBefore: null,
      sessionAfter: { key, data: { name: 'Sonam', lname: 'rathore' } }
    })
    await b.get('/p1/get/')
    expect(await lastTraffic('/p1/get/')).toMatchObject({
      effect: 'read',
      sessionBefore: { key, data: { name: 'Sonam', lname: 'rathore' } },
      sessionAfter: { key, data: { name: 'Sonam', lname: 'rathore' } }
    })
    await b.get('/whoami/')
    expect((await lastTraffic('/whoami/')).effect).toBe('read') // AuthenticationMiddleware reads it

    await b.login()
    const loggedIn = (await b.cookie('sessionid'))!
    expect(loggedIn).not.toBe(key)
    const posted = (await inspector.api.listTraffic({ search: '/login/' })).entries.find((e) => e.method === 'POST')!
    const login = await inspector.api.getTraffic({ id: posted.id })
    expect(login).toMatchObject({ effect: 'cycled', sessionBefore: { key }, sessionAfter: { key: loggedIn, data: { name: 'Sonam', _auth_user_id: expect.any(String) } } })
    expect(row(key)).toBeUndefined()

    await b.get('/logout/')
    expect(await lastTraffic('/logout/')).toMatchObject({ effect: 'deleted', sessionBefore: { key: loggedIn }, sessionAfter: null })
    expect(row(loggedIn)).toBeUndefined()
    const clientId = await b.cookie('si_client')
    expect((await inspector.api.listClients({})).clients.find((c) => c.id === clientId)?.sessionKey).toBeNull()
  })

  it('changes what the page shows when the session is edited in the inspector', async () => {
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    const edited = await inspector.api.updateSessionData({ key, data: { name: 'Pema', lname: 'Lhamo' } })
    expect(edited.data).toEqual({ name: 'Pema', lname: 'Lhamo' })
    expect((await b.get('/p1/get/')).body).toMatch(/Pema\s+Lhamo/)
    await inspector.api.setSessionExpiry({ key, value: 600 })
    expect((await b.get('/page/get/')).body).toMatch(/Pema <br>\s+20 seconds <br>\s+600 seconds <br>/)
  })

  it('takes the save time from Django again once Django saves a session edited here (issue 21.4)', async () => {
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    await inspector.api.updateSessionData({ key, data: { name: 'Pema', lname: 'Lhamo' } })
    const editedAt = Date.parse((await inspector.api.getSession({ key })).savedAt!)
    await new Promise((r) => setTimeout(r, 2100))
    await b.get('/p1/set/') // Django modifies and saves it: a new expiry, SESSION_COOKIE_AGE from now
    const after = await inspector.api.getSession({ key })
    const expire = Date.parse(after.expireDate!)
    // Django's save, worked out from its expiry (whole seconds in the Date header aside), not the edit's.
    expect(Date.parse(after.savedAt!)).toBeGreaterThanOrEqual(editedAt + 1500)
    expect(Math.abs(expire - 20_000 - Date.parse(after.savedAt!))).toBeLessThan(1000)
  })

  it('ages the app’s sessions with the clock, so Django itself sees them expire', async () => {
    const b = browser()
    await b.get('/page/set/')
    const key = (await b.cookie('sessionid'))!
    const saved = moment(row(key)!.expire_date)

    await inspector.api.advanceClock({ seconds: 15 })
    expect(moment(row(key)!.expire_date)).toBe(saved - 15_000)
    const info = await inspector.api.getSession({ key })
    expect(info.expired).toBe(false)
    expect(Date.parse(info.expireDate!)).toBe(saved) // the same moment on the engine's clock
    expect((await b.get('/page/get/')).body).toContain('Sonam') // and Django saves it again (modified)

    await inspector.api.advanceClock({ seconds: 21 })
    expect((await inspector.api.getSession({ key })).expired).toBe(true)
    expect(await b.cookie('sessionid')).toBe(key) // a browser-close cookie: still sent
    expect((await b.get('/page/get/')).body).toBe(EXPIRED)
    expect(await lastTraffic('/page/get/')).toMatchObject({ sessionBefore: { key, data: {} } })

    // Reset gives the journal's values back: Django's own save (made at +15 s) is what it
    // wrote, so the row returns to that, not to the expiry from before the first advance.
    const before = moment(row(key)!.expire_date)
    await inspector.api.resetClock({})
    expect(moment(row(key)!.expire_date)).toBe(before + 21_000)
  })

  it('keeps the same ages whether the clock is advanced or set', async () => {
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    const saved = moment(row(key)!.expire_date)
    const clock = await inspector.api.getClock({})
    const set = await inspector.api.setClock({ now: new Date(Date.parse(clock.now) + 3_600_000).toISOString() })
    // Moved back by exactly the clock's new offset (an hour, less the real time the call took).
    expect(set.offsetSeconds).toBeGreaterThan(3000)
    expect(saved - moment(row(key)!.expire_date)).toBe(Math.round(set.offsetSeconds * 1000))
    // Another browser with the same cookie: Django finds the session expired and drops the cookie.
    const other = await new CookieClient(inspector.proxyUrl).get('/p1/get/', { cookie: `sessionid=${key}` })
    expect(other.body).toMatch(/Guest\s+Guest/)
    expect(other.setCookies.find((l) => l.startsWith('sessionid='))).toMatch(/^sessionid=""; expires=Thu, 01 Jan 1970/)
    await inspector.api.resetClock({})
    expect(moment(row(key)!.expire_date)).toBe(saved)
    expect((await b.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/)
  })

  it('gives the rows back their time when it closes, since its clock offset ends with it', async () => {
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    const saved = moment(row(key)!.expire_date)
    const second = await Inspector.start({
      dataDir: join(dataDir, 'second'),
      upstream: app.url,
      listen: { host: '127.0.0.1', port: 0 },
      observeDjango: true,
      databasePath: app.dbPath,
      settings: { SECRET_KEY: APP_SECRET_KEY, ...APP_SETTINGS },
      log: () => undefined
    })
    try {
      await second.api.advanceClock({ seconds: 3600 })
      expect(moment(row(key)!.expire_date)).toBe(saved - 3_600_000)
    } finally {
      await second.close()
    }
    expect(moment(row(key)!.expire_date)).toBe(saved)
    expect((await inspector.api.getSession({ key })).expired).toBe(false)
    expect((await b.get('/p1/get/')).body).toMatch(/Sonam\s+rathore/)
  })

  it('drops an EXPIRE_AT_BROWSER_CLOSE session when the browser is closed', async () => {
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    const client = (await b.cookie('si_client'))!
    expect((await inspector.api.closeBrowser({ client })).closed).toBeGreaterThanOrEqual(1)
    const after = await b.get('/p1/get/')
    expect(after.body).toMatch(/Guest\s+Guest/)
    expect(await b.cookie('sessionid')).toBeUndefined()
    const entry = await inspector.api.getTraffic({ id: (await lastTraffic('/p1/get/')).id })
    expect(entry.droppedCookies).toContain('sessionid')
    expect(entry.sessionBefore).toBeNull()
    expect(row(key)).toBeDefined() // the app's row stays until it expires, as in Django
  })

  it('expires, clears and deletes the app’s sessions', async () => {
    const [b, c] = [browser(), browser()]
    await b.get('/p1/set/')
    await c.get('/p1/set/')
    const [key, other] = [(await b.cookie('sessionid'))!, (await c.cookie('sessionid'))!]
    const expired = await inspector.api.expireSession({ key })
    expect(expired.expired).toBe(true)
    expect(moment(row(key)!.expire_date)).toBeLessThanOrEqual(Date.now())
    expect((await b.get('/p1/get/')).body).toMatch(/Guest\s+Guest/)
    expect((await inspector.api.clearExpired({})).removed).toBeGreaterThanOrEqual(1)
    expect(row(key)).toBeUndefined()
    expect(row(other)).toBeDefined()

    await inspector.api.deleteSession({ key: other })
    expect(row(other)).toBeUndefined()
    await expect(inspector.api.getSession({ key: other })).rejects.toMatchObject({ code: 'not_found' })
    expect((await c.get('/p1/get/')).body).toMatch(/Guest\s+Guest/)
  })

  it("starts with a SECRET_KEY that decodes none of the app's sessions: one line, an error state, nothing written", async () => {
    const b = browser()
    await b.get('/p1/set/')
    const before = rows()
    const lines: string[] = []
    const wrong = await Inspector.start({ dataDir: join(dataDir, 'wrong-key'), upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, observeDjango: true, databasePath: app.dbPath, settings: { SECRET_KEY: 'not-the-apps-key', ...APP_SETTINGS }, log: (l) => lines.push(l) })
    try {
      expect(lines).toEqual([expect.stringMatching(/^observe-django: cannot use the app's sessions in SQLite .*: SECRET_KEY does not match the app's: none of its \d+ session\(s\) can be decoded/)])
      expect((await wrong.api.getStatus({})).observe).toMatchObject({ state: 'error', error: expect.stringMatching(/SECRET_KEY does not match/) })
      await expect(wrong.api.advanceClock({ seconds: 100 })).rejects.toMatchObject({ code: 'unsupported' })
      await expect(wrong.api.deleteSession({ key: (await b.cookie('sessionid'))! })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/nothing was written/) })
      expect(rows()).toEqual(before)
      // Given the right key, it reads them and the state clears.
      await wrong.api.updateSettings({ settings: { SECRET_KEY: APP_SECRET_KEY } })
      await vi.waitFor(async () => expect((await wrong.api.getStatus({})).observe?.state).toBe('ok'))
    } finally {
      await wrong.close()
    }
  })

  it('says "wrong SECRET_KEY?" on every session and writes nothing with the wrong key', async () => {
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid'))!
    await inspector.api.updateSettings({ settings: { SECRET_KEY: 'not-the-apps-secret-key' } })
    try {
      const { sessions } = await inspector.api.listSessions({})
      expect(sessions.length).toBeGreaterThan(0)
      for (const s of sessions) {
        expect(s.decodeError).toMatch(/^cannot decode: wrong SECRET_KEY\?/)
        expect(s.data).toEqual({})
      }
      const before = rows()
      for (const attempt of [
        () => inspector.api.updateSessionData({ key, data: { name: 'x' } }),
        () => inspector.api.setSessionExpiry({ key, value: 5 }),
        () => inspector.api.expireSession({ key })
      ]) {
        await expect(attempt()).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/wrong SECRET_KEY\?.*nothing was written/) })
      }
      expect(rows()).toEqual(before)
      await b.get('/p1/get/')
      expect((await lastTraffic('/p1/get/')).reason).toMatch(/wrong SECRET_KEY\?/)
    } finally {
      await inspector.api.updateSettings({ settings: { SECRET_KEY: APP_SECRET_KEY } })
    }
    expect((await inspector.api.getSession({ key })).data).toEqual({ name: 'Sonam', lname: 'rathore' })
  })
})

describe('starting observe mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-observe-start-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const start = (options: { databasePath?: string; settings?: Record<string, unknown>; log?: (line: string) => void }) =>
    Inspector.start({ dataDir: join(dir, 'data'), upstream: 'http://127.0.0.1:9', listen: { host: '127.0.0.1', port: 0 }, observeDjango: true, log: () => undefined, ...options })

  it('refuses to start without a Django database or on another engine', async () => {
    await expect(start({})).rejects.toThrow(/^observe-django needs the Django project's SQLite database \(--database FILE\)$/)
    const empty = join(dir, 'empty.sqlite3')
    new Database(empty).close()
    await expect(start({ databasePath: empty, settings: { SESSION_ENGINE: 'file' } })).rejects.toThrow(/SESSION_ENGINE="file": observe-django reads the app's db sessions/)
  })

  it('starts on a file that is not a migrated Django database, says why in one line and in the status, and writes nothing', async () => {
    const empty = join(dir, 'unmigrated.sqlite3')
    new Database(empty).close()
    const lines: string[] = []
    const inspector = await start({ databasePath: empty, log: (l) => lines.push(l) })
    try {
      expect(lines).toEqual([expect.stringMatching(/^observe-django: cannot use the app's sessions in SQLite .*unmigrated\.sqlite3: .*has no django_session table: .*manage\.py migrate/)])
      const status = await inspector.api.getStatus({})
      expect(status.observe).toMatchObject({ engine: 'db', state: 'error', error: expect.stringMatching(/no django_session table/) })
      await expect(inspector.api.advanceClock({ seconds: 60 })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/cannot move the clock: .*nothing was written/) })
      expect((await inspector.api.getClock({})).offsetSeconds).toBe(0)
      await expect(inspector.api.clearExpired({})).rejects.toMatchObject({ code: 'unsupported' })
    } finally {
      await inspector.close()
    }
    const check = new Database(empty, { readonly: true })
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([]) // nothing created
    check.close()
    const missing: string[] = []
    const second = await start({ databasePath: join(dir, 'missing.sqlite3'), log: (l) => missing.push(l) })
    await second.close()
    expect(missing[0]).toMatch(/cannot open the Django database .*missing\.sqlite3/)
    expect(missing[0]).not.toContain('\n')
  })

  it('fails on the command line with one line: --observe-django without --database', async () => {
    const errors: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')))
    try {
      expect(await main(['--observe-django', '--data-dir', join(dir, 'cli')])).toBe(2)
      expect(errors).toEqual([expect.stringMatching(/^session-inspector: --observe-django needs /)])
    } finally {
      spy.mockRestore()
    }
  })
})

describeObservedStore('db sessions in SQLite', async () => {
  const app = await startDjangoServer({ middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'db' } })
  const stored = async (key: string) => {
    const db = new Database(app.dbPath, { readonly: true })
    try {
      return db.prepare('SELECT * FROM django_session WHERE session_key = ?').get(key) ?? null
    } finally {
      db.close()
    }
  }
  return { app, observe: { engine: 'db', database: { kind: 'sqlite', path: app.dbPath } }, stored }
})
