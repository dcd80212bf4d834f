// DJANGO_VERSION in the engine: each difference of src/shared/django-versions.ts, with the
// bytes made by real Django (Debian's 3.2 for SHA-1 signatures and the pre-3.1 format, the
// 5.2 venv for SECRET_KEY_FALLBACKS) and read back by it.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { decideResponse } from '../../src/main/engine'
import { DJANGO_VERSIONS, type DjangoVersion } from '../../src/shared/django-versions'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings'
import { makeEngine, TEST_SECRET, VARIANTS, type TestEngine } from './helpers'

const SCRIPT = join(__dirname, 'django', 'versions.py')
const OLD_KEY = 'django-insecure-the-key-before-rotation-0123456789abcdefghijklmnop'

function django(python: string, action: 'encode' | 'decode', request: Record<string, unknown>): { django: string; values: unknown[] } {
  const out = execFileSync(python, [SCRIPT, action], { input: JSON.stringify(request), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
  return JSON.parse(out) as { django: string; values: unknown[] }
}

const now = new Date('2026-11-22T10:00:00Z')
const expiry = { expireAtBrowserClose: false, expiryAge: 1209600, customExpiry: null }
const at = (v: DjangoVersion, extra: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, SECRET_KEY: TEST_SECRET, DJANGO_VERSION: v, ...extra })

describe('the middleware step by DJANGO_VERSION', () => {
  it('Vary: Cookie when the cookie is set without the session being read: 5.2 only', () => {
    for (const v of DJANGO_VERSIONS) {
      const plan = decideResponse({ cookieSent: true, state: { accessed: false, modified: false, empty: false }, settings: at(v, { SESSION_SAVE_EVERY_REQUEST: true }), status: 200, now, expiry })
      expect(plan, v).toMatchObject({ reason: 'saved-every-request', cookie: 'set', vary: v === '5.2' })
    }
  })

  it('a 503 is saved by 3.2 (it skipped only 500), not by 4.2 and 5.2; a 500 by none', () => {
    for (const v of DJANGO_VERSIONS) {
      const plan503 = decideResponse({ cookieSent: false, state: { accessed: true, modified: true, empty: false }, settings: at(v), status: 503, now, expiry })
      expect(plan503, v).toMatchObject(v === '3.2' ? { save: true, cookie: 'set' } : { save: false, reason: 'server-error', cookie: null })
      const plan500 = decideResponse({ cookieSent: false, state: { accessed: true, modified: true, empty: false }, settings: at(v), status: 500, now, expiry })
      expect(plan500, v).toMatchObject({ save: false, reason: 'server-error' })
    }
  })
})

describe('decoding by DJANGO_VERSION, against real Django', () => {
  let t: TestEngine | null = null
  afterEach(async () => {
    await t?.close()
    t = null
  })

  const data = { name: 'Sonam', _auth_user_id: '1' }

  it('SECRET_KEY_FALLBACKS: a 5.2 session signed with the old key loads on 4.2 and 5.2; its next save signs with the new key; 3.2 ignores them', async () => {
    const made = django(inject('django5Python'), 'encode', { secret_key: OLD_KEY, items: [data] })
    expect(made.django).toBe('5.2.17')
    const [sessionData, cookieValue] = made.values[0] as [string, string]
    for (const v of DJANGO_VERSIONS) {
      t = await makeEngine(VARIANTS[0]!, inject('redisUrl'), { DJANGO_VERSION: v, SECRET_KEY_FALLBACKS: [OLD_KEY] })
      const store = t.engine.open()
      const loaded = store.tryDecode(sessionData, false)
      if (v === '3.2') {
        expect(loaded, v).toEqual({ data: {}, error: 'cannot decode: wrong SECRET_KEY? (bad signature)', kind: 'bad-signature' })
        await t.close()
        t = null
        continue
      }
      expect(loaded.data, v).toEqual(data)
      // The db store: the row as Django wrote it loads, and a save re-signs it with SECRET_KEY.
      const key = 'k'.repeat(32)
      t.engine.db().insert(key, sessionData, new Date(Date.now() + 3600_000))
      const session = t.engine.open(key)
      expect(await session.get('name')).toBe('Sonam')
      await session.set('visits', 1)
      await session.save()
      const resaved = t.engine.db().row(key)!.session_data
      // Django 5.2 with SECRET_KEY alone (no fallbacks) reads what the engine saved.
      const back = django(inject('django5Python'), 'decode', { secret_key: TEST_SECRET, items: [resaved, sessionData] })
      expect(back.values, v).toEqual([{ ...data, visits: 1 }, {}])
      // signed_cookies: the cookie value made with the old key loads too.
      await t.engine.updateSettings({ SESSION_ENGINE: 'signed_cookies' })
      expect(await t.engine.open(cookieValue).get('name'), v).toBe('Sonam')
      await t.close()
      t = null
    }
  })

  it('Django 3.2: SHA-1 signatures and the pre-3.1 session format load; 4.2 and 5.2 log "Session data corrupted"', async () => {
    const made = django('/usr/bin/python3', 'encode', { secret_key: TEST_SECRET, hashing: 'sha1', items: [data] })
    expect(made.django).toMatch(/^3\.2\./)
    const [legacyFormat, sha1Cookie] = made.values[0] as [string, string]
    expect(legacyFormat).not.toContain(':') // base64 of "hash:json", not a signed value
    for (const v of DJANGO_VERSIONS) {
      t = await makeEngine(VARIANTS[0]!, inject('redisUrl'), { DJANGO_VERSION: v })
      const store = t.engine.open()
      const decoded = store.tryDecode(legacyFormat)
      const cookie = await t.engine.updateSettings({ SESSION_ENGINE: 'signed_cookies' })
      expect(cookie.ok).toBe(true)
      const fromCookie = await t.engine.open(sha1Cookie).get('name')
      if (v === '3.2') {
        expect(decoded.data, v).toEqual(data)
        expect(fromCookie, v).toBe('Sonam')
        expect(t.engine.log.lines).toEqual([])
      } else {
        expect(decoded.data, v).toEqual({})
        expect(fromCookie, v).toBeUndefined()
        expect(t.engine.log.lines.map((l) => l.message), v).toContain('Session data corrupted')
      }
      await t.close()
      t = null
    }
    // A forged legacy value (the hash made with another key) is corrupted for 3.2 too.
    t = await makeEngine(VARIANTS[0]!, inject('redisUrl'), { DJANGO_VERSION: '3.2', SECRET_KEY: 'another-key-altogether-0123456789' })
    expect(t.engine.open().tryDecode(legacyFormat).data).toEqual({})
    expect(t.engine.log.lines.map((l) => l.message)).toEqual(['Session data corrupted'])
  })

  it('cached_db: a cache that refuses writes is logged and the save stands on 5.2; 3.2 and 4.2 fail the save', async () => {
    // A Redis user that may read but not write (as a full Redis refuses SET with OOM): the
    // cached copy still loads, and only the save's cache write fails.
    const { default: Redis } = await import('ioredis')
    const admin = new Redis(inject('redisUrl'))
    await admin.call('ACL', 'SETUSER', 'si-readonly', 'reset', 'on', '>read-only-pw', '~*', '+@read', '+@connection', '+info', '+select')
    await admin.quit()
    for (const v of DJANGO_VERSIONS) {
      t = await makeEngine(VARIANTS[5]!, inject('redisUrl'), { DJANGO_VERSION: v })
      const session = t.engine.open()
      await session.set('a', 1)
      await session.save()
      const key = session.sessionKey!
      const url = new URL(t.engine.settings().CACHES.default!)
      url.username = 'si-readonly'
      url.password = 'read-only-pw'
      expect(t.engine.updateSettings({ CACHES: { default: url.href } }).ok).toBe(true)
      const again = t.engine.open(key)
      expect(await again.get('a'), v).toBe(1) // the cached copy
      await again.set('a', 2)
      if (v === '5.2') {
        await again.save()
        expect(t.engine.log.lines.at(-1), v).toMatchObject({ channel: 'django.contrib.sessions', message: expect.stringMatching(/^Error saving to cache \(redis:\/\/si-readonly:\*\*\*@127\.0\.0\.1:\d+\/\d+\): .*NOPERM/) })
      } else {
        await expect(again.save(), v).rejects.toThrow(/NOPERM|unavailable/)
        expect(t.engine.log.lines, v).toEqual([])
      }
      // The database row was written either way, as Django's super().save() runs first.
      expect(t.engine.open(key).tryDecode(t.engine.db().row(key)!.session_data, false).data, v).toEqual({ a: 2 })
      await t.close()
      t = null
    }
  }, 60_000)
})
