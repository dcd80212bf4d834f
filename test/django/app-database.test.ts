// Observe mode's view of a Django project's database (SessionDatabase with appDatabase and
// appClockLagMs): nothing created or reconfigured in the file, dates translated between
// the app's clock and the engine's, and expire_date moved to the microsecond as Django
// writes it.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SessionDatabase, shiftDjangoDate } from '../../src/main/engine/database'

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

  it("leaves the file's journal mode and schema alone", () => {
    const { path, raw } = djangoDb('journal.sqlite3')
    const schema = () => raw.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all()
    const before = schema()
    const db = new SessionDatabase(path, { appDatabase: true })
    expect(db.count()).toBe(0)
    db.close()
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(schema()).toEqual(before)
    raw.close()
  })

  it("reads and writes the app's time while answering in the engine's", () => {
    const { path, raw } = djangoDb('lag.sqlite3')
    let lag = 0
    const db = new SessionDatabase(path, { appDatabase: true, appClockLagMs: () => lag })
    const stored = (key: string) => (raw.prepare('SELECT expire_date FROM django_session WHERE session_key = ?').get(key) as { expire_date: string }).expire_date

    // Django (real time) saved a session that expires at 12:00:20.250.
    raw.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run('django-saved-key', 'data', '2041-03-01 12:00:20.250000')
    // The engine's clock is 60 s ahead and the rows were moved back by as much.
    lag = 60_000
    expect(db.shiftExpireDates(-60_000)).toBe(1)
    expect(stored('django-saved-key')).toBe('2041-03-01 11:59:20.250000')
    expect(db.row('django-saved-key')?.expire_date).toBe('2041-03-01 12:00:20.250000')
    expect([...db.rows()].map((r) => r.expire_date)).toEqual(['2041-03-01 12:00:20.250000'])
    // Django's load: live until its expire_date, on either clock.
    expect(db.load('django-saved-key', new Date('2041-03-01T12:00:20.000Z'))?.session_key).toBe('django-saved-key')
    expect(db.load('django-saved-key', new Date('2041-03-01T12:00:20.250Z'))).toBeUndefined()

    // What the engine saves at engine time lands in the app's time.
    expect(db.insert('engine-saved-key', 'data', new Date('2041-03-01T13:00:00.000Z'))).toBe(true)
    expect(stored('engine-saved-key')).toBe('2041-03-01 12:59:00')
    expect(db.setExpireDate('engine-saved-key', new Date('2041-03-01T12:30:00.000Z'))).toBe(true)
    expect(stored('engine-saved-key')).toBe('2041-03-01 12:29:00')
    expect(db.clearExpired(new Date('2041-03-01T12:00:20.000Z'))).toBe(0)
    expect(db.clearExpired(new Date('2041-03-01T12:20:00.000Z'))).toBe(1)
    expect(db.count()).toBe(1)
    db.close()
    raw.close()
  })
})
