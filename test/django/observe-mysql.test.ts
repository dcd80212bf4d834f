// Observe mode on MySQL/MariaDB: the fixture project's db sessions in a real MariaDB started
// for this file, and what wrong credentials or a database without the table give.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { parseDatabaseTarget } from '../../src/main/engine/observe/targets'
import { Inspector } from '../../src/main/inspector'
import { useMariadb } from '../support/servers'
import { describeObservedStore, OBSERVED_SETTINGS } from './observe-contract'
import { startDjangoServer } from './django-server'

const mariadb = useMariadb()

async function rowOf(url: string, key: string): Promise<{ expire_date: string } | null> {
  const c = await mysql.createConnection({ uri: url, dateStrings: true })
  try {
    const [rows] = await c.query('SELECT session_key, expire_date FROM django_session WHERE session_key = ?', [key])
    return (rows as { expire_date: string }[])[0] ?? null
  } finally {
    await c.end()
  }
}

describeObservedStore('db sessions in MariaDB', async () => {
  const server = await mariadb()
  const url = await server.createDatabase('app_db')
  const app = await startDjangoServer({ middleware: 'django', databaseUrl: url, settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'db' } })
  return { app, observe: { engine: 'db', database: parseDatabaseTarget(url) }, stored: (key) => rowOf(url, key) }
}, (ctx) => {
  it('moves expire_date (datetime(6), naive UTC) by the clock, to the microsecond, and back', async () => {
    const { inspector, setup, browser } = ctx()
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid')) as string
    const before = ((await setup.stored!(key)) as { expire_date: string }).expire_date
    expect(before).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    await inspector.api.advanceClock({ seconds: 30.001 })
    const moved = ((await setup.stored!(key)) as { expire_date: string }).expire_date
    expect(Date.parse(`${before.replace(' ', 'T')}Z`) - Date.parse(`${moved.replace(' ', 'T')}Z`)).toBe(30_001)
    expect(moved.slice(-3)).toBe(before.slice(-3)) // the microseconds Django wrote are kept
    await inspector.api.resetClock({})
    expect(((await setup.stored!(key)) as { expire_date: string }).expire_date).toBe(before)
  })
})

describe('observe mode: MariaDB that cannot be used', () => {
  it('says in one line why: wrong credentials, a database without the table', async () => {
    const server = await mariadb()
    const dir = mkdtempSync(join(tmpdir(), 'si-observe-mysql-bad-'))
    const empty = await server.createDatabase('empty_db')
    const cases: [string, RegExp][] = [
      [server.url('empty_db', { password: 'nope' }), /Access denied for user 'django'/],
      [empty, /has no django_session table: .*manage\.py migrate/]
    ]
    try {
      for (const [url, why] of cases) {
        const lines: string[] = []
        const inspector = await Inspector.start({ dataDir: dir, upstream: 'http://127.0.0.1:9', listen: { host: '127.0.0.1', port: 0 }, observeDjango: true, observe: { engine: 'db', database: parseDatabaseTarget(url) }, log: (l) => lines.push(l) })
        try {
          expect(lines).toEqual([expect.stringMatching(why)])
          expect((await inspector.api.getStatus({})).observe).toMatchObject({ state: 'error', error: expect.stringMatching(why) })
        } finally {
          await inspector.close()
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
