// Observe mode on PostgreSQL: the fixture project's db sessions in a real PostgreSQL started
// for this file; then the same with cached_db, and what a bad URL, wrong credentials or a
// database without the table give.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { parseDatabaseTarget } from '../../src/main/engine/observe/targets'
import { usePostgres } from '../support/servers'
import { describeObservedStore, OBSERVED_SETTINGS } from './observe-contract'
import { startDjangoServer } from './django-server'

const postgres = usePostgres()

async function rowOf(url: string, key: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query('SELECT session_key, expire_date FROM django_session WHERE session_key = $1', [key])).rows[0] ?? null
  } finally {
    await client.end()
  }
}

describeObservedStore('db sessions in PostgreSQL', async () => {
  const server = await postgres()
  const url = await server.createDatabase('app_db')
  const app = await startDjangoServer({ middleware: 'django', databaseUrl: url, settings: { ...OBSERVED_SETTINGS, SESSION_ENGINE: 'db' } })
  return { app, observe: { engine: 'db', database: parseDatabaseTarget(url) }, stored: (key) => rowOf(url, key) }
}, (ctx) => {
  it('moves expire_date in the table by the clock, to the microsecond, and back', async () => {
    const { inspector, setup, browser } = ctx()
    const b = browser()
    await b.get('/p1/set/')
    const key = (await b.cookie('sessionid')) as string
    const before = ((await setup.stored!(key)) as { expire_date: Date }).expire_date.getTime()
    await inspector.api.advanceClock({ seconds: 90.5 })
    expect(((await setup.stored!(key)) as { expire_date: Date }).expire_date.getTime()).toBe(before - 90_500)
    await inspector.api.resetClock({})
    expect(((await setup.stored!(key)) as { expire_date: Date }).expire_date.getTime()).toBe(before)
  })
})

describe('observe mode: PostgreSQL that cannot be used', () => {
  it('says in one line why: wrong credentials, a database without the table', async () => {
    const server = await postgres()
    const { Inspector } = await import('../../src/main/inspector')
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'si-observe-pg-bad-'))
    const empty = await server.createDatabase('empty_db')
    const cases: [string, RegExp][] = [
      [server.url('empty_db', { password: 'wrong' }), /password authentication failed for user "postgres"/],
      [empty, /has no django_session table: .*manage\.py migrate/],
      [server.url('no_such_db'), /database "no_such_db" does not exist/]
    ]
    try {
      for (const [url, why] of cases) {
        const lines: string[] = []
        const inspector = await Inspector.start({ dataDir: dir, upstream: 'http://127.0.0.1:9', listen: { host: '127.0.0.1', port: 0 }, observeDjango: true, observe: { engine: 'db', database: parseDatabaseTarget(url) }, log: (l) => lines.push(l) })
        try {
          expect(lines).toHaveLength(1)
          expect(lines[0]).toMatch(why)
          expect(lines[0]).not.toContain('wrong') // no password in the line
          expect((await inspector.api.getStatus({})).observe).toMatchObject({ state: 'error', error: expect.stringMatching(why) })
          await expect(inspector.api.advanceClock({ seconds: 1 })).rejects.toMatchObject({ code: 'unsupported' })
        } finally {
          await inspector.close()
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
