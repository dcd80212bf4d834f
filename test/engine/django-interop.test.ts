// Interop with real Django 3.2 (Debian's python3-django, /usr/bin/python3): sessions the
// engine saves load in Django with the same SECRET_KEY and files, and the other way round;
// Django's own Set-Cookie text equals ours.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { sessionDeleteCookie, sessionSetCookie } from '../../src/main/engine'
import { DEFAULT_SETTINGS, type EngineName } from '../../src/shared/settings'
import { makeEngine, TEST_SECRET, VARIANTS, type TestEngine } from './helpers'

const SCRIPT = join(__dirname, 'django', 'interop.py')

function django(t: TestEngine, ...args: string[]): Record<string, unknown> {
  const out = execFileSync('/usr/bin/python3', [SCRIPT, ...args], {
    env: { ...process.env, SECRET_KEY: TEST_SECRET, DB: join(t.dir, 'sessions.sqlite3'), FILES: join(t.dir, 'files') },
    encoding: 'utf8'
  })
  return JSON.parse(out) as Record<string, unknown>
}

const DATA = { name: 'Sonam', lname: 'rathore', unicode: 'नमस्ते — ✓', nested: { list: [1, 2.5, null, true], empty: {} } }

let t: TestEngine | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('interop with real Django', () => {
  it('runs against Django 3.2', async () => {
    t = await makeEngine(VARIANTS[0]!, inject('redisUrl'))
    expect(String(django(t, 'version').version)).toMatch(/^3\.2/)
  })

  for (const engineName of ['db', 'file', 'signed_cookies'] as EngineName[]) {
    it(`${engineName}: a session the engine saves loads in Django`, async () => {
      t = await makeEngine(VARIANTS.find((v) => v.engine === engineName)!, inject('redisUrl'))
      const s = t.engine.open()
      await s.update(DATA)
      await s.setExpiry(600)
      await s.save()
      const loaded = django(t, 'load', engineName, s.sessionKey!)
      expect(loaded.data).toEqual({ ...DATA, _session_expiry: 600 })
    })

    it(`${engineName}: a session Django saves loads in the engine`, async () => {
      t = await makeEngine(VARIANTS.find((v) => v.engine === engineName)!, inject('redisUrl'))
      if (engineName === 'db') django(t, 'migrate')
      const { key } = django(t, 'save', engineName, JSON.stringify(DATA), '600') as { key: string }
      const s = t.engine.open(key)
      expect(Object.fromEntries(await s.items())).toEqual({ ...DATA, _session_expiry: 600 })
      expect(await s.getExpiryAge()).toBe(600)
    })
  }

  it('a session saved with another SECRET_KEY does not load in Django', async () => {
    t = await makeEngine(VARIANTS[0]!, inject('redisUrl'))
    t.engine.updateSettings({ SECRET_KEY: 'not-the-same-key-at-all-0123456789' })
    const s = t.engine.open()
    await s.set('name', 'Sonam')
    await s.save()
    expect(django(t, 'load', 'db', s.sessionKey!).data).toEqual({})
  })

  it("Django's set_cookie and delete_cookie write exactly our Set-Cookie text", async () => {
    t = await makeEngine(VARIANTS[0]!, inject('redisUrl'))
    const settings = { ...DEFAULT_SETTINGS, SECRET_KEY: TEST_SECRET }
    const expiresTs = 1796551200 // 2026-12-06T10:00:00Z
    const expires = new Date(expiresTs * 1000)
    const cases = [
      { s: settings, maxAge: 1209600 },
      { s: { ...settings, SESSION_COOKIE_NAME: 'sessionname', SESSION_COOKIE_PATH: '/home', SESSION_COOKIE_SECURE: true }, maxAge: 400 },
      { s: { ...settings, SESSION_COOKIE_DOMAIN: 'example.com', SESSION_COOKIE_HTTPONLY: false, SESSION_COOKIE_SAMESITE: 'None' as const }, maxAge: 20 },
      { s: { ...settings, SESSION_COOKIE_SAMESITE: null }, maxAge: null }
    ]
    for (const { s, maxAge } of cases) {
      const theirs = django(t, 'set-cookie', s.SESSION_COOKIE_NAME, 'abc123', maxAge === null ? '' : String(maxAge), maxAge === null ? '' : String(expiresTs),
        s.SESSION_COOKIE_DOMAIN ?? '', s.SESSION_COOKIE_PATH, s.SESSION_COOKIE_SECURE ? '1' : '0', s.SESSION_COOKIE_HTTPONLY ? '1' : '0', s.SESSION_COOKIE_SAMESITE ?? '')
      expect(sessionSetCookie(s, 'abc123', maxAge, maxAge === null ? null : expires)).toBe(theirs.header)
      const deleted = django(t, 'delete-cookie', s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN ?? '', s.SESSION_COOKIE_SAMESITE ?? '')
      expect(sessionDeleteCookie(s)).toBe(deleted.header)
    }
  })

  it("cookie values that are not tokens are quoted as Python's SimpleCookie quotes them", async () => {
    t = await makeEngine(VARIANTS[0]!, inject('redisUrl'))
    const settings = { ...DEFAULT_SETTINGS, SECRET_KEY: TEST_SECRET }
    for (const value of ['', 'x y', 'a;b,c', 'q"b\\s', 'é ü', 'tab\tx', '(a)/<b>=?@[c]{d}', 'e30:1xa92G:sig-_.']) {
      const theirs = django(t, 'set-cookie', 'sessionid', value, '', '', '', '/', '0', '1', 'Lax')
      expect(sessionSetCookie(settings, value, null, null), JSON.stringify(value)).toBe(theirs.header)
    }
  })

  it('differs from 3.2 on purpose: set_expiry(timedelta) stores an ISO string (current Django), where 3.2 cannot save it as JSON', async () => {
    t = await makeEngine(VARIANTS[0]!, inject('redisUrl'))
    django(t, 'migrate')
    const theirs = django(t, 'timedelta-expiry')
    expect(theirs.saved).toBe(false)
    expect(String(theirs.error)).toMatch(/not JSON serializable/)
    const s = t.engine.open()
    await s.set('a', 1)
    await s.setExpiry({ seconds: 10 })
    await s.save()
    const stored = await t.engine.open(s.sessionKey).get('_session_expiry')
    expect(stored).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/)
  })
})
