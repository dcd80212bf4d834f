// Django 4/5 behaviour with a real Django 5.2.17 server (the venv the test run builds), and
// Debian's 3.2 where the two differ: the drop-in adapter's settings.py taken as starting
// values, the async session API from an async view, SessionInterrupted, several Cookie
// headers on one request, SECRET_KEY_FALLBACKS (sessions and _auth_user_hash signed with an
// old key) and Django's own RedisCache sessions, observed.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Inspector, type InspectorOptions } from '../../src/main/inspector'
import { parseCacheTarget } from '../../src/main/engine/observe/targets'
import { CookieClient } from './cookie-client'
import { DJANGO_PYTHON, startDjangoServer, type DjangoServer, type DjangoServerOptions } from './django-server'
import { APP_SECRET_KEY, describeObservedStore, OBSERVED_SETTINGS } from './observe-contract'

const DJANGO5 = inject('django5Python')
const DJANGOS = [
  { name: 'Django 3.2', series: '3.2', python: DJANGO_PYTHON },
  { name: 'Django 5.2.17', series: '5.2', python: DJANGO5 }
] as const

const dirs: string[] = []
const servers: DjangoServer[] = []
const inspectors: Inspector[] = []
afterAll(async () => {
  await Promise.all(inspectors.map((i) => i.close()))
  await Promise.all(servers.map((s) => s.stop()))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function server(options: DjangoServerOptions): Promise<DjangoServer> {
  const s = await startDjangoServer(options)
  servers.push(s)
  return s
}

async function inspectorFor(upstream: string, options: Partial<InspectorOptions> = {}): Promise<Inspector> {
  const dataDir = mkdtempSync(join(tmpdir(), 'si-django-versions-'))
  dirs.push(dataDir)
  const inspector = await Inspector.start({ dataDir, upstream, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined, ...options })
  inspectors.push(inspector)
  return inspector
}

const maxAge = (setCookies: string[]) => /max-age=(\d+)/i.exec(setCookies.find((l) => l.startsWith('sessionid=')) ?? '')?.[1]

describe.each(DJANGOS)('drop-in mode on $name', (django) => {
  it("takes the project's settings.py as starting values, says so, and lets the command line and the UI override them", async () => {
    // The tutorial's case: SESSION_COOKIE_AGE = 20 in settings.py gave Max-Age=1209600.
    const app = await server({ python: django.python, middleware: 'inspector', settings: { SESSION_COOKIE_AGE: 20, SESSION_COOKIE_HTTPONLY: false } })
    const inspector = await inspectorFor(app.url)
    const b = new CookieClient(inspector.proxyUrl)
    const first = await b.get('/p1/set/')
    expect(first.status).toBe(200)
    expect(maxAge(first.setCookies)).toBe('20')
    expect(first.setCookies.find((l) => l.startsWith('sessionid='))).not.toMatch(/HttpOnly/i)
    const status = await inspector.api.getStatus({})
    expect(status.settingSources).toMatchObject({ SESSION_COOKIE_AGE: 'settings.py', SESSION_COOKIE_HTTPONLY: 'settings.py', SESSION_ENGINE: 'default', DJANGO_VERSION: 'settings.py' })
    expect(status.django).toMatchObject({ version: django.series, source: 'settings.py', release: expect.stringMatching(/^\d+\.\d+\.\d+$/) })
    // The UI overrides it for the run; the app's next report does not take it back.
    await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 30 } })
    expect(maxAge((await b.get('/p1/set/')).setCookies)).toBe('30')
    expect((await inspector.api.getStatus({})).settingSources?.SESSION_COOKIE_AGE).toBe('ui')
    // The command line wins over settings.py from the first request on.
    const given = await inspectorFor(app.url, { settings: { SESSION_COOKIE_AGE: 40 } })
    expect(maxAge((await new CookieClient(given.proxyUrl).get('/p1/set/')).setCookies)).toBe('40')
    expect((await given.api.getStatus({})).settingSources).toMatchObject({ SESSION_COOKIE_AGE: 'command line', SESSION_COOKIE_HTTPONLY: 'settings.py' })
  }, 60_000)

  it('answers SessionInterrupted (400) when the session is deleted while the view runs', async () => {
    const app = await server({ python: django.python, middleware: 'inspector' })
    const inspector = await inspectorFor(app.url)
    const b = new CookieClient(inspector.proxyUrl)
    await b.get('/cart/add/')
    const key = (await b.cookie('sessionid'))!
    const slow = b.get('/cart/slow/?ms=800')
    await new Promise((r) => setTimeout(r, 300))
    await inspector.api.deleteSession({ key })
    const answer = await slow
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('SessionInterrupted')
    const { entries } = await inspector.api.listTraffic({ limit: 1 })
    expect(entries[0]).toMatchObject({ reasonCode: 'interrupted' })
  }, 60_000)

  it('finds the session cookie in the second of two Cookie headers (merged, as Django 6.0 does)', async () => {
    const app = await server({ python: django.python, middleware: 'inspector' })
    const inspector = await inspectorFor(app.url)
    const b = new CookieClient(inspector.proxyUrl)
    await b.get('/cart/add/')
    const key = (await b.cookie('sessionid'))!
    const url = new URL(inspector.proxyUrl)
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`GET /cart/ HTTP/1.1\r\nHost: ${url.host}\r\nCookie: theme=dark\r\nCookie: sessionid=${key}\r\nConnection: close\r\n\r\n`)
      })
      let text = ''
      socket.on('data', (d: Buffer) => (text += d.toString()))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(raw).toMatch(/^HTTP\/1\.1 200/)
    expect(raw).toContain('cart: item 1')
  }, 60_000)
})

describe('drop-in mode on Django 5.2.17: the async session API from an async view', () => {
  it('aget, aset, asave, aset_expiry, aget_expiry_age, acycle_key and aflush reach the proxy', async () => {
    const app = await server({ python: DJANGO5, middleware: 'inspector' })
    const inspector = await inspectorFor(app.url)
    const b = new CookieClient(inspector.proxyUrl)
    const first = await b.get('/cart/async/')
    expect(first.body).toBe('visits: 1, age: 1209600, keys: visits')
    const key = (await b.cookie('sessionid'))!
    expect(await inspector.api.getSession({ key })).toMatchObject({ data: { visits: 1 } })
    const second = await b.get('/cart/async/?expiry=600')
    expect(second.body).toBe('visits: 2, age: 600, keys: _session_expiry,visits')
    expect(maxAge(second.setCookies)).toBe('600')
    expect(await b.cookie('sessionid')).toBe(key)
    // acycle_key: the same data under a new key; the old one is gone.
    await b.get('/cart/async/?cycle=1')
    const cycled = (await b.cookie('sessionid'))!
    expect(cycled).not.toBe(key)
    expect(await inspector.api.getSession({ key: cycled })).toMatchObject({ data: { visits: 3, _session_expiry: 600 } })
    await expect(inspector.api.getSession({ key })).rejects.toThrow()
    const flushed = await b.get('/cart/async/?flush=1')
    expect(flushed.body).toBe('flushed')
    expect(flushed.setCookies.find((l) => l.startsWith('sessionid='))).toMatch(/^sessionid="?"?;/)
  }, 60_000)
})

describe.each(DJANGOS)('SECRET_KEY_FALLBACKS observed on $name', (django) => {
  const OLD_KEY = 'django-insecure-the-key-before-rotation-0123456789abcdefghijklmnop'
  it('a session and its _auth_user_hash signed with the old key still work on 5.2 (the next save signs with the new key); 3.2 logs the user out', async () => {
    // Log in on the app while it runs with the old key.
    const before = await server({ python: django.python, middleware: 'django', env: { SECRET_KEY: OLD_KEY } })
    const login = new CookieClient(before.url)
    await login.login()
    expect((await login.get('/whoami/')).body).toBe('user: sonam')
    const oldKey = (await login.cookie('sessionid'))!
    // The key is rotated: the app now runs with the new key, the old one as a fallback, on the same
    // database (the first server keeps running: stopping it removes its folder, database included).
    const after = await server({ python: django.python, middleware: 'django', env: { SECRET_KEY: APP_SECRET_KEY, SECRET_KEY_FALLBACKS: JSON.stringify([OLD_KEY]), DJANGO_DB_PATH: before.dbPath } })
    const inspector = await inspectorFor(after.url, {
      observeDjango: true,
      observe: { engine: 'db', database: { kind: 'sqlite', path: before.dbPath } },
      secretKeyFallbacks: [OLD_KEY],
      settings: { SECRET_KEY: APP_SECRET_KEY }
    })
    // The inspector reads the old-key session with the fallback.
    expect(await inspector.api.getSession({ key: oldKey })).toMatchObject({ data: { _auth_user_id: expect.any(String) } })
    const b = new CookieClient(inspector.proxyUrl)
    await b.jar.setCookie(`sessionid=${oldKey}; Path=/`, inspector.proxyUrl)
    const whoami = await b.get('/whoami/')
    if (django.series === '3.2') {
      expect(whoami.body).toBe('user: anonymous')
      return
    }
    // Django 4.1.8+: the hash verified with the fallback; the session moved to a new key with a new hash.
    expect(whoami.body).toBe('user: sonam')
    const newKey = (await b.cookie('sessionid'))!
    expect(newKey).not.toBe(oldKey)
    const session = await inspector.api.getSession({ key: newKey })
    expect(session.data).toMatchObject({ _auth_user_id: expect.any(String), _auth_user_hash: expect.any(String) })
    expect(session.decodeError).toBeUndefined()
    // Signed with the new key: it decodes without the fallback.
    const strict = await inspectorFor(after.url, { observeDjango: true, observe: { engine: 'db', database: { kind: 'sqlite', path: before.dbPath } }, settings: { SECRET_KEY: APP_SECRET_KEY } })
    expect((await strict.api.getSession({ key: newKey })).decodeError).toBeUndefined()
    expect((await strict.api.getSession({ key: newKey })).data).toMatchObject({ _auth_user_id: expect.any(String) })
  }, 90_000)
})

// Django's own RedisCache (4.0+), which 3.2 does not have, in observe mode: the contract of every observed store.
const redisUrl = `${inject('redisUrl')}/9`
const redis = new Redis(redisUrl)
afterAll(() => redis.disconnect())

describeObservedStore("Django 5.2.17's RedisCache (cache sessions)", async () => {
  await redis.flushdb()
  const app = await startDjangoServer({ python: DJANGO5, middleware: 'django', settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'cache', CACHES: { default: redisUrl } } })
  return { app, observe: { engine: 'cache', cache: parseCacheTarget(redisUrl) }, stored: async (key) => redis.getBuffer(`:1:django.contrib.sessions.cache${key}`) }
})
