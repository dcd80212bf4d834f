// The db store's row cache (database.ts): a read of an unchanged session skips the SELECT, but
// a write by another connection to the same SQLite file (PRAGMA data_version moves) is seen by
// every read in a later event-loop turn (data_version is asked once per turn), and the store's
// own writes, rollbacks included, keep the cache right.
// Also the tick's batch of writes: one commit, awaited by save(), done by close() at the latest.
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { toDjangoDate } from '../../src/main/engine/database'
import { makeEngine, VARIANTS, type TestEngine } from './helpers'
import { expireNow } from '../support/inspection'

let t: TestEngine | undefined
let other: Database.Database | undefined
afterEach(async () => {
  other?.close()
  other = undefined
  await t?.close()
  t = undefined
})

async function start() {
  t = await makeEngine(VARIANTS.find((v) => v.name === 'db')!, '')
  const { engine } = t
  const s = engine.open()
  await s.update({ user: 'sonam', n: 1 })
  await s.save()
  const key = s.sessionKey!
  // Read it once, so the row is cached.
  expect(await engine.open(key).get('user')).toBe('sonam')
  other = new Database(engine.databasePath)
  return { engine, key, other }
}

/** What another process's commit always is to this one: something that happened in an earlier turn. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

const inAnHour = () => toDjangoDate(new Date(Date.now() + 3600_000))

describe('the db store row cache', () => {
  it('sees another connection update the row on the next read in a later turn (load, record and list)', async () => {
    const { engine, key, other } = await start()
    const encoded = engine.open().encode({ user: 'tenzin', n: 2 })
    expect(other.prepare('UPDATE django_session SET session_data = ? WHERE session_key = ?').run(encoded, key).changes).toBe(1)
    await nextTurn()
    expect(await engine.open(key).get('user')).toBe('tenzin')
    expect((await engine.find(key))?.data).toEqual({ user: 'tenzin', n: 2 })
    // And again after a second external write, with reads in between.
    other.prepare('UPDATE django_session SET session_data = ? WHERE session_key = ?').run(engine.open().encode({ user: 'pema' }), key)
    await nextTurn()
    expect((await engine.find(key))?.data).toEqual({ user: 'pema' })
    expect(await engine.open(key).items()).toEqual([['user', 'pema']])
  })

  it('sees another connection delete the row, expire it, or insert one that was missing', async () => {
    const { engine, key, other } = await start()
    other.prepare("UPDATE django_session SET expire_date = '2000-01-01 00:00:00' WHERE session_key = ?").run(key)
    await nextTurn()
    const expired = engine.open(key)
    expect(await expired.items()).toEqual([])
    expect(expired.sessionKey).toBeNull()
    other.prepare('DELETE FROM django_session WHERE session_key = ?').run(key)
    await nextTurn()
    expect(await engine.find(key)).toBeNull()
    const missing = 'abcdefghijklmnopqrstuvwxyz012345'
    expect(await engine.open(missing).items()).toEqual([]) // a missing row is cached too
    other.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run(missing, engine.open().encode({ user: 'dawa' }), inAnHour())
    await nextTurn()
    expect(await engine.open(missing).get('user')).toBe('dawa')
  })

  it('asks data_version once per turn: a commit made in the middle of a turn is seen from the next one', async () => {
    const { engine, key, other } = await start()
    await nextTurn()
    expect(await engine.open(key).get('user')).toBe('sonam') // this turn has asked
    other.prepare('UPDATE django_session SET session_data = ? WHERE session_key = ?').run(engine.open().encode({ user: 'tenzin' }), key)
    expect(await engine.open(key).get('user')).toBe('sonam') // the same turn: the cached row
    await nextTurn()
    expect(await engine.open(key).get('user')).toBe('tenzin')
  })

  it("keeps to the store's own writes: save, delete, expire now, clear_expired, and a rolled-back transaction", async () => {
    const { engine, key } = await start()
    const s = engine.open(key)
    await s.set('n', 5)
    await s.save()
    expect(await engine.open(key).get('n')).toBe(5)
    expect(await expireNow(engine, key)).not.toBeNull()
    expect(await engine.open(key).items()).toEqual([])
    engine.clock.advance(1)
    expect(await engine.inspection.clearExpired()).toBe(1)
    expect(await engine.find(key)).toBeNull()

    const fresh = engine.open()
    await fresh.set('user', 'sonam')
    await fresh.save()
    const db = engine.db()
    expect(() =>
      db.transaction(() => {
        db.update(fresh.sessionKey!, engine.open().encode({ user: 'never' }), new Date(Date.now() + 3600_000))
        throw new Error('roll back')
      })
    ).toThrow('roll back')
    expect(await engine.open(fresh.sessionKey).get('user')).toBe('sonam')
    await engine.inspection.delete(fresh.sessionKey!)
    expect(await engine.open(fresh.sessionKey).items()).toEqual([])
  })

  it('holds a bounded number of rows', async () => {
    const { engine } = await start()
    const db = engine.db()
    const now = new Date()
    for (let i = 0; i < 20_500; i++) db.load(`missing-key-${i}`, now)
    expect(db.cachedRows()).toBe(20_000)
    // Past the bound every read forgets one, and the bound holds.
    for (let i = 20_500; i < 60_500; i++) db.load(`missing-key-${i}`, now)
    expect(db.cachedRows()).toBe(20_000)
  })

  it('forgets the oldest rows first at its bound', async () => {
    const { engine, other } = await start()
    const db = engine.db()
    const now = new Date()
    for (let i = 0; i < 25_000; i++) db.load(`missing-key-${i}`, now)
    expect(db.cachedRows()).toBe(20_000)
    // Changed under the cache by hand, in this turn: the cache does not ask SQLite (data_version
    // is asked once per turn), so a held row answers as it was, and a forgotten one from the file.
    other.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run('missing-key-0', 'x', inAnHour())
    other.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run('missing-key-24999', 'y', inAnHour())
    expect(db.load('missing-key-24999', now)).toBeUndefined() // held: the newest
    expect(db.load('missing-key-0', now)?.session_data).toBe('x') // forgotten: the oldest, read again
  })
})

describe('the db store batch of writes', () => {
  it('commits the writes of a tick together: others see them once committed() resolves, and save() waits for it', async () => {
    const { engine, key, other } = await start()
    const db = engine.db()
    const count = other.prepare<[], number>('SELECT COUNT(*) FROM django_session').pluck()
    const later = new Date(Date.now() + 3600_000)
    expect(db.insert('a'.repeat(32), engine.open().encode({ n: 1 }), later)).toBe(true)
    expect(db.insert('b'.repeat(32), engine.open().encode({ n: 2 }), later)).toBe(true)
    expect(db.insert('a'.repeat(32), engine.open().encode({ n: 3 }), later)).toBe(false) // the key is taken, known at once
    expect(count.get()).toBe(1) // not committed yet
    expect(await engine.open('b'.repeat(32)).get('n')).toBe(2) // this connection reads its own writes
    await db.committed()
    expect(count.get()).toBe(3)

    const saves = ['first', 'second', 'third'].map(async (user) => {
      const s = engine.open()
      await s.set('user', user)
      await s.save()
      return s.sessionKey!
    })
    const keys = await Promise.all(saves)
    // Each save() resolved after the commit: another connection has every row.
    const read = other.prepare<[string], string>('SELECT session_key FROM django_session WHERE session_key = ?').pluck()
    for (const k of [...keys, key]) expect(read.get(k)).toBe(k)
  })

  it('close() commits what is still pending', async () => {
    const { engine, other } = await start()
    engine.db().insert('c'.repeat(32), engine.open().encode({ n: 1 }), new Date(Date.now() + 3600_000))
    await engine.close()
    expect(other.prepare('SELECT session_key FROM django_session WHERE session_key = ?').pluck().get('c'.repeat(32))).toBe('c'.repeat(32))
  })
})
