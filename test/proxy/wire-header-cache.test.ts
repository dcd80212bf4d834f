// X-Session's encoding kept per stored version of a session (wire-protocol.ts): it decodes to
// exactly what the shared encoder writes, and a change of the row (the store's own save or
// another connection's write, from the next event-loop turn) or of the settings is in the next
// request's header.
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { SessionData } from '../../src/shared/json'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { encodeWireSession as encodeShared, parseWireSession, type WireSession } from '../../src/shared/wire'
import { RequestSession } from '../../src/main/proxy/session-middleware'
import { buildWireSession, encodeWireSession } from '../../src/main/proxy/wire-protocol'
import { makeEngine, set, VARIANTS, type TestEngine } from '../engine/helpers'

const SETTINGS = { ...DEFAULT_SETTINGS, SECRET_KEY: 'django-insecure-wire-test-key-0123456789abcdefghijklmnop' }
let t: TestEngine | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

/** The header the proxy sends for a request carrying `cookie`, decoded. */
async function header(engine: TestEngine['engine'], cookie: string): Promise<WireSession> {
  const rs = await RequestSession.begin(engine, cookie)
  const text = encodeWireSession(rs.wire)
  expect(JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))).toEqual(JSON.parse(Buffer.from(encodeShared(rs.wire), 'base64url').toString('utf8')))
  return parseWireSession(text)
}

describe('X-Session encoded per row version', () => {
  it('decodes to what the shared encoder writes, keys in the same order, for data of every UTF-8 length', () => {
    const now = new Date('2031-01-01T00:00:00Z')
    for (let n = 0; n < 9; n++) {
      const datas: SessionData[] = [{}, { user: 'a'.repeat(n) }, { name: 'é'.repeat(n), city: 'ཐིམ་ཕུ'.slice(0, n) }, { emoji: '😀'.repeat(n), _session_expiry: 600 }]
      for (const data of datas) {
        const version = {}
        for (const key of [null, 'k'.repeat(32)]) {
          const wire = buildWireSession(key, data, SETTINGS, now, version)
          const text = encodeWireSession(wire)
          expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
          const decoded = parseWireSession(text)
          expect(decoded).toEqual(wire)
          expect(Object.keys(decoded)).toEqual(Object.keys(wire))
          // A second request at another moment reuses the head and still says its own now.
          const later = buildWireSession(key, data, SETTINGS, new Date(now.getTime() + 1500), version)
          expect(parseWireSession(encodeWireSession(later))).toEqual(later)
        }
      }
    }
  })

  it('follows the row: own saves, another connection writing the file, and a settings change', async () => {
    t = await makeEngine(VARIANTS.find((v) => v.name === 'db')!, '')
    const { engine } = t
    const s = engine.open()
    await s.update({ user: 'sonam' })
    await s.save()
    const key = s.sessionKey!
    expect((await header(engine, key)).data).toEqual({ user: 'sonam' })
    expect((await header(engine, key)).data).toEqual({ user: 'sonam' }) // from the kept head

    const again = engine.open(key)
    await again.set('user', 'tenzin')
    await again.save()
    expect((await header(engine, key)).data).toEqual({ user: 'tenzin' })

    const other = new Database(engine.databasePath)
    try {
      other.prepare('UPDATE django_session SET session_data = ? WHERE session_key = ?').run(engine.open().encode({ user: 'pema' }), key)
    } finally {
      other.close()
    }
    await new Promise<void>((resolve) => setImmediate(resolve)) // another process's commit is always an earlier turn
    expect((await header(engine, key)).data).toEqual({ user: 'pema' })

    set(engine, { SESSION_COOKIE_AGE: 600, SESSION_SAVE_EVERY_REQUEST: true })
    const changed = await header(engine, key)
    expect(changed).toMatchObject({ key, data: { user: 'pema' }, cookieAge: 600, saveEveryRequestSetting: true })
    // Another SECRET_KEY: the same row no longer decodes, and the header says so at once.
    set(engine, { SECRET_KEY: 'another-secret-key-entirely-0123456789-abcdefghijklmnop' })
    expect(await header(engine, key)).toMatchObject({ key, data: {} })
  })
})
