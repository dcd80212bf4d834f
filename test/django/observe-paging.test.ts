// Observe mode's pages, read in the app's own store (issue 25): rows written by Django 5.2
// (bench/support/fill_django_sessions.py) in SQLite, PostgreSQL, MariaDB and Redis; every
// session comes exactly once, in the order the page says, a key prefix finds exactly the keys
// that start with it, and the count is the store's. Ties on expire_date are made on purpose:
// the keyset cursor (expire_date, key) must not lose or repeat a row between two pages.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Clock } from '../../src/main/engine'
import type { AppStore } from '../../src/main/engine/observe/app-store'
import { openAppStore, parseCacheTarget, parseDatabaseTarget, type ObserveTarget } from '../../src/main/engine/observe/targets'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { ensureDjango5Python } from '../support/django-venv'
import { useMariadb } from '../support/servers'
import { usePostgres } from '../support/servers'

const FILL = fileURLToPath(new URL('../../bench/support/fill_django_sessions.py', import.meta.url))
const SECRET = 'django-insecure-paging-test-secret-0123456789abcdefghijklmnop'
const N = 240
const postgres = usePostgres()
const mariadb = useMariadb()
const dir = mkdtempSync(join(tmpdir(), 'si-paging-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function fill(kind: string, where: string): Promise<void> {
  const python = await ensureDjango5Python()
  await new Promise<void>((resolve, reject) =>
    execFile(python, [FILL, String(N), SECRET, kind, where], { timeout: 120_000 }, (e, _out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve()))
  )
}

/** Rows whose key starts with a or b share one expire_date (the first key's). */
const TIE = "UPDATE django_session SET expire_date = (SELECT e FROM (SELECT expire_date AS e FROM django_session ORDER BY session_key LIMIT 1) t) WHERE session_key < 'c'"

function storeOf(target: ObserveTarget): AppStore {
  return openAppStore(target, { settings: () => ({ ...DEFAULT_SETTINGS, SECRET_KEY: SECRET }), clock: new Clock(), fallbackKeys: [] })
}

async function allPages(store: AppStore, limit: number, keyPrefix?: string): Promise<{ keys: string[]; expires: number[]; orders: Set<string> }> {
  const keys: string[] = []
  const expires: number[] = []
  const orders = new Set<string>()
  let cursor: string | null = null
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.page({ limit, cursor, ...(keyPrefix ? { keyPrefix } : {}) })
    orders.add(page.order)
    for (const r of page.records) {
      keys.push(r.key)
      expires.push(r.expireDate?.getTime() ?? 0)
      expect(r.decodeError).toBeUndefined()
    }
    cursor = page.next
    if (cursor === null) break
  }
  return { keys, expires, orders }
}

async function expectPagesOfADb(store: AppStore, allKeys: string[]): Promise<void> {
  const { keys, expires, orders } = await allPages(store, 7)
  expect([...orders]).toEqual([expect.stringMatching(/expire_date DESC, session_key/)])
  expect(keys).toHaveLength(N)
  expect(new Set(keys).size).toBe(N)
  expect(new Set(keys)).toEqual(new Set(allKeys))
  for (let i = 1; i < keys.length; i++) {
    const order = (expires[i - 1] as number) - (expires[i] as number) || ((keys[i - 1] as string) < (keys[i] as string) ? 1 : -1)
    expect(order, `${keys[i - 1]} before ${keys[i]}`).toBeGreaterThan(0)
  }
  const prefix = (allKeys[0] as string).slice(0, 1)
  const byPrefix = await allPages(store, 3, prefix)
  expect(byPrefix.keys).toEqual(allKeys.filter((k) => k.startsWith(prefix)).sort())
  expect((await allPages(store, 5, 'no-such-prefix')).keys).toEqual([])
  expect(await store.count()).toEqual({ total: N, exact: true })
}

describe("observe mode pages the app's store, rows written by Django 5.2", { timeout: 180_000 }, () => {
  it('SQLite: keyset pages on the expire_date index, ties included; key prefix through the primary key', async () => {
    const path = join(dir, 'app.sqlite3')
    await fill('sqlite', path)
    const raw = new Database(path)
    expect(raw.prepare(TIE).run().changes).toBeGreaterThan(5)
    const keys = (raw.prepare('SELECT session_key FROM django_session').all() as { session_key: string }[]).map((r) => r.session_key)
    raw.close()
    const store = storeOf({ engine: 'db', database: parseDatabaseTarget(path) })
    await expectPagesOfADb(store, keys)
    await store.close()
  })

  it('PostgreSQL: the same, with expire_date to the microsecond in the cursor', async () => {
    const url = await (await postgres()).createDatabase('paging')
    await fill('postgresql', url)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    expect((await client.query(TIE)).rowCount).toBeGreaterThan(5)
    const keys = (await client.query<{ session_key: string }>('SELECT session_key FROM django_session')).rows.map((r) => r.session_key)
    await client.end()
    const store = storeOf({ engine: 'db', database: parseDatabaseTarget(url) })
    await expectPagesOfADb(store, keys)
    await store.close()
  })

  it('MariaDB: the same', async () => {
    const url = await (await mariadb()).createDatabase('paging')
    await fill('mysql', url)
    const c = await mysql.createConnection({ uri: url })
    await c.query(TIE)
    const [rows] = await c.query('SELECT session_key FROM django_session')
    await c.end()
    const store = storeOf({ engine: 'db', database: parseDatabaseTarget(url) })
    await expectPagesOfADb(store, (rows as { session_key: string }[]).map((r) => r.session_key))
    await store.close()
  })

  it("Redis (Django's RedisCache): SCAN pages with its cursor, each session once; MATCH for a key prefix; DBSIZE as an estimate", async () => {
    const url = `${inject('redisUrl')}/11`
    const store = storeOf({ engine: 'cache', cache: parseCacheTarget(url) })
    const client = new (await import('ioredis')).default(url)
    await client.flushdb()
    await fill('redis', url)
    const keys = (await client.keys(':1:django.contrib.sessions.cache*')).map((k) => k.slice(':1:django.contrib.sessions.cache'.length))
    expect(keys).toHaveLength(N)
    const { keys: paged, orders } = await allPages(store, 10)
    expect([...orders]).toEqual([expect.stringMatching(/SCAN/)])
    expect(paged.length).toBe(N)
    expect(new Set(paged)).toEqual(new Set(keys))
    const prefix = (keys[0] as string).slice(0, 1)
    expect(new Set((await allPages(store, 10, prefix)).keys)).toEqual(new Set(keys.filter((k) => k.startsWith(prefix))))
    expect(await store.count()).toMatchObject({ total: N, exact: false })
    client.disconnect()
    await store.close()
  })
})
