// Observe mode's view of a Django project's SQLite database (SqliteTable under DbAppStore):
// nothing created or reconfigured in the file, dates translated between the app's clock and
// the engine's, and expire_date moved to the microsecond as Django writes it.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Clock } from '../../src/main/engine'
import { shiftDjangoDate } from '../../src/main/engine/database'
import { dumps, loads } from '../../src/main/engine/signing'
import { DbAppStore } from '../../src/main/engine/observe/db-store'
import { SqliteTable } from '../../src/main/engine/observe/sqlite-table'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { listAll } from '../support/inspection'

// Django 3.2's sessions migration on SQLite.
const DJANGO_SCHEMA = `
CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL);
CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
`

describe('shiftDjangoDate', () => {
  it('moves a date to the microsecond and writes it as Django does', () => {
    expect(shiftDjangoDate('2041-03-01 12:00:00', -1500)).toBe('2041-03-01 11:59:58.500000')
    expect(shiftDjangoDate('2041-03-01 12:00:00.123456', 0.5)).toBe('2041-03-01 12:00:00.123956')
    expect(shiftDjangoDate('2041-03-01 11:59:58.500000', 1500)).toBe('2041-03-01 12:00:00')
    expect(shiftDjangoDate('2041-03-01 00:00:00.000001', -86_400_000)).toBe('2041-02-28 00:00:00.000001')
    expect(shiftDjangoDate('not a date', 1000)).toBe('not a date')
  })
})

describe('a SessionDatabase on a Django project’s database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-app-db-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function djangoDb(name: string): { path: string; raw: Database.Database } {
    const path = join(dir, name)
    const raw = new Database(path)
    raw.exec(DJANGO_SCHEMA)
    return { path, raw }
  }

  it("leaves the file's journal mode and schema alone", async () => {
    const { path, raw } = djangoDb('journal.sqlite3')
    const schema = () => raw.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all()
    const before = schema()
    const table = new SqliteTable(path)
    await table.check()
    expect(await table.rows()).toEqual([])
    await table.close()
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(schema()).toEqual(before)
    raw.close()
  })

  it("reads and writes the app's time while answering in the engine's", async () => {
    const { path, raw } = djangoDb('lag.sqlite3')
    const real = Date.parse('2041-03-01T12:00:00.000Z')
    const clock = new Clock(() => real)
    const store = new DbAppStore({ settings: () => ({ ...DEFAULT_SETTINGS, SECRET_KEY: 'k' }), clock, fallbackKeys: [] }, new SqliteTable(path))
    const stored = (key: string) => (raw.prepare('SELECT expire_date FROM django_session WHERE session_key = ?').get(key) as { expire_date: string }).expire_date

    // Django (real time) saved a session that expires at 12:00:20.250.
    raw.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run('django-saved-key', 'data', '2041-03-01 12:00:20.250000')
    // The engine's clock is 60 s ahead and the rows were moved back by as much.
    clock.advance(60)
    await store.applyLag(60_000)
    expect(stored('django-saved-key')).toBe('2041-03-01 11:59:20.250000')
    expect((await store.record('django-saved-key'))?.expireDate?.toISOString()).toBe('2041-03-01T12:00:20.250Z')
    expect((await listAll(store)).map((r) => r.expireDate?.toISOString())).toEqual(['2041-03-01T12:00:20.250Z'])
    expect((await store.record('django-saved-key'))?.decodeError).toMatch(/^cannot decode/)

    // What the engine writes at engine time lands in the app's time.
    expect(await store.save('django-saved-key', { a: 1 })).toBe('django-saved-key')
    expect(stored('django-saved-key')).toBe('2041-03-15 12:00:00') // engine now + 2 weeks, less the lag
    expect(await store.expireNow('django-saved-key')).toBe(true)
    expect(stored('django-saved-key')).toBe('2041-03-01 12:00:00')
    expect(await store.clearExpired()).toBe(0) // expire_date < now only
    clock.advance(1)
    await store.applyLag(61_000)
    expect(await store.clearExpired()).toBe(1)
    await store.applyLag(0)
    await store.close()
    raw.close()
  })

  it('loads sessions signed with a SECRET_KEY_FALLBACKS key (Django 4.1+), and saves with SECRET_KEY', async () => {
    const { path, raw } = djangoDb('fallbacks.sqlite3')
    const clock = new Clock()
    const old = dumps({ name: 'Sonam' }, { key: 'the-old-key', salt: 'django.contrib.sessions.SessionStore' }, clock.now())
    raw.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run('signed-with-old-key', old, '2099-01-01 00:00:00')
    const settings = () => ({ ...DEFAULT_SETTINGS, SECRET_KEY: 'the-new-key' })
    const without = new DbAppStore({ settings, clock, fallbackKeys: [] }, new SqliteTable(path))
    expect((await without.record('signed-with-old-key'))?.decodeError).toMatch(/wrong SECRET_KEY\?/)
    await without.close()
    const store = new DbAppStore({ settings, clock, fallbackKeys: ['another-old-key', 'the-old-key'] }, new SqliteTable(path))
    const record = await store.record('signed-with-old-key')
    expect(record?.data).toEqual({ name: 'Sonam' })
    expect(record?.decodeError).toBeUndefined()
    await store.save('signed-with-old-key', { name: 'Pema' })
    const text = (raw.prepare('SELECT session_data FROM django_session').get() as { session_data: string }).session_data
    expect(loads(text, { key: 'the-new-key', salt: 'django.contrib.sessions.SessionStore' }, clock.now())).toEqual({ name: 'Pema' })
    await store.close()
    raw.close()
  })
})
