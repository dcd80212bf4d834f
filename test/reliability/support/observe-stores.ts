// The app stores of the observe-mode durability scenario (issue 18), each a real server or
// file: sessions written as Django writes them (signed with the app's SECRET_KEY, in the
// store's own format), the CLI flags that observe it, and a dump of what the app holds (each
// session's data and expiry exactly as stored) to compare before and after.
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Redis from 'ioredis'
import memjs from 'memjs'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { toDjangoDate } from '../../../src/main/engine/database'
import { encodeCached, makeKey, type CacheFormat } from '../../../src/main/engine/observe/app-cache'
import { MemcachedAppCache } from '../../../src/main/engine/observe/memcached-cache'
import { dumps } from '../../../src/main/engine/signing'
import { startRedis } from '../../../bench/support/redis-server'
import { startMariadb } from '../../support/mariadb-server'
import { startMemcached } from '../../support/memcached-server'
import { startPostgres } from '../../support/postgres-server'

export const SECRET_KEY = 'observe-durability-secret-key-0123456789abcdefghijklmnop'
const SALT = 'django.contrib.sessions.SessionStore'
const AGE_S = 1_209_600

/** One session as the app holds it: its data (as stored text) and its expiry (as stored, or a deadline in ms). */
export interface Dumped {
  data: string
  expire: string | number
}

export interface ObservedApp {
  name: string
  /** CLI flags (after --observe-django). */
  args: string[]
  /** How far two expiries may differ and still be the same (0: exactly as stored). */
  toleranceMs: number
  seed(count: number): Promise<string[]>
  dump(): Promise<Map<string, Dumped>>
  /** Holds the store's write lock for ms (SQLite only), resolving once it is held. */
  lock?(ms: number): Promise<{ released: Promise<void> }>
  close(): Promise<void>
}

const keyOf = (i: number, tag: string) => `${tag}${String(i).padStart(6, '0')}${'k'.repeat(26)}`.slice(0, 32).toLowerCase()
const signed = (data: object) => dumps(data, { key: SECRET_KEY, salt: SALT }, new Date())
/** Expiries spread over the next two weeks, with microseconds, as Django stores them. */
const expiryOf = (i: number) => new Date(Date.now() + 3_600_000 + i * 997_123 + (i % 7) * 0.123)
const microText = (d: Date, i: number) => `${toDjangoDate(d).slice(0, 19)}.${String((d.getTime() % 1000) * 1000 + (i % 997)).padStart(6, '0')}`

export async function sqliteApp(dir: string): Promise<ObservedApp> {
  const path = join(dir, 'db.sqlite3')
  const db = new Database(path)
  db.exec('CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL); CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");')
  return {
    name: 'db (SQLite)',
    args: ['--database', path],
    toleranceMs: 0,
    async seed(count) {
      const insert = db.prepare('INSERT INTO django_session VALUES (?, ?, ?)')
      const keys = Array.from({ length: count }, (_, i) => keyOf(i, 's'))
      db.transaction(() => keys.forEach((k, i) => insert.run(k, signed({ n: i }), microText(expiryOf(i), i))))()
      return keys
    },
    async dump() {
      const rows = db.prepare('SELECT session_key, session_data, expire_date FROM django_session').all() as { session_key: string; session_data: string; expire_date: string }[]
      return new Map(rows.map((r) => [r.session_key, { data: r.session_data, expire: r.expire_date }]))
    },
    async lock(ms) {
      // Another process holds a write transaction, as a Django migration or a long save would.
      const { spawn } = await import('node:child_process')
      const script = `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(path)});d.exec('BEGIN IMMEDIATE');console.log('locked');setTimeout(()=>{d.exec('COMMIT');d.close()},${ms})`
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise<void>((r) => child.stdout?.once('data', () => r()))
      return { released: new Promise<void>((r) => child.once('exit', () => r())) }
    },
    async close() {
      db.close()
    }
  }
}

export async function postgresApp(): Promise<ObservedApp> {
  const server = await startPostgres()
  const url = await server.createDatabase('observed')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamp with time zone NOT NULL); CREATE INDEX ON django_session (expire_date)')
  return {
    name: 'db (PostgreSQL)',
    args: ['--database', url],
    toleranceMs: 0,
    async seed(count) {
      const keys = Array.from({ length: count }, (_, i) => keyOf(i, 'p'))
      for (const [i, k] of keys.entries()) await client.query("INSERT INTO django_session VALUES ($1, $2, ($3::timestamp AT TIME ZONE 'UTC'))", [k, signed({ n: i }), microText(expiryOf(i), i)])
      return keys
    },
    async dump() {
      const r = await client.query<{ k: string; d: string; e: string }>("SELECT session_key AS k, session_data AS d, to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS e FROM django_session")
      return new Map(r.rows.map((x) => [x.k, { data: x.d, expire: x.e }]))
    },
    async close() {
      await client.end()
      await server.stop()
    }
  }
}

export async function mariadbApp(): Promise<ObservedApp> {
  const server = await startMariadb()
  const url = await server.createDatabase('observed')
  const conn = await mysql.createConnection({ uri: url, dateStrings: true, timezone: 'Z' })
  await conn.query('CREATE TABLE django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL, KEY (expire_date))')
  return {
    name: 'db (MariaDB)',
    args: ['--database', url],
    toleranceMs: 0,
    async seed(count) {
      const keys = Array.from({ length: count }, (_, i) => keyOf(i, 'm'))
      for (const [i, k] of keys.entries()) await conn.query('INSERT INTO django_session VALUES (?, ?, ?)', [k, signed({ n: i }), microText(expiryOf(i), i)])
      return keys
    },
    async dump() {
      const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT session_key AS k, session_data AS d, DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS e FROM django_session")
      return new Map(rows.map((x) => [x.k as string, { data: x.d as string, expire: x.e as string }]))
    },
    async close() {
      await conn.end()
      await server.stop()
    }
  }
}

const CACHE_PREFIX = 'django.contrib.sessions.cache'

export async function redisApp(format: 'django-redis-cache' | 'django-redis'): Promise<ObservedApp> {
  const server = await startRedis()
  const client = new Redis(`${server.url}/0`)
  const cacheFormat: CacheFormat = format === 'django-redis' ? { kind: 'django-redis', serializer: 'pickle', compressor: 'identity' } : { kind: 'django-redis-cache' }
  const full = (k: string) => makeKey(CACHE_PREFIX + k)
  return {
    name: format === 'django-redis' ? 'cache (Redis, django-redis)' : "cache (Redis, Django's RedisCache)",
    args: ['--cache', format === 'django-redis' ? `django-redis+${server.url}/0` : `${server.url}/0`],
    toleranceMs: 0,
    async seed(count) {
      const keys = Array.from({ length: count }, (_, i) => keyOf(i, 'r'))
      for (const [i, k] of keys.entries()) await client.set(full(k), encodeCached(cacheFormat, { n: i }).value, 'PXAT', expiryOf(i).getTime())
      return keys
    },
    async dump() {
      const out = new Map<string, Dumped>()
      for (const key of await client.keys(`${full('')}*`)) {
        const value = await client.getBuffer(key)
        const at = Number(await client.call('PEXPIRETIME', key))
        if (value) out.set(key.slice(full('').length), { data: value.toString('base64'), expire: at })
      }
      return out
    },
    async close() {
      client.disconnect()
      await server.stop()
    }
  }
}

export async function memcachedApp(): Promise<ObservedApp> {
  const server = await startMemcached()
  const client = memjs.Client.create(server.address, { logger: { log: () => undefined } } as memjs.ClientOptions)
  const reader = new MemcachedAppCache(server.address)
  const full = (k: string) => makeKey(CACHE_PREFIX + k)
  let keys: string[] = []
  return {
    name: 'cache (memcached)',
    args: ['--cache', `memcached://${server.address}`],
    // memcached keeps expiries in whole seconds (and a TTL read back adds its clock's second).
    toleranceMs: 2000,
    async seed(count) {
      keys = Array.from({ length: count }, (_, i) => keyOf(i, 'c'))
      for (const [i, k] of keys.entries()) await reader.set(full(k), encodeCached({ kind: 'memcached' }, { n: i }), expiryOf(i).getTime() - Date.now())
      return keys
    },
    async dump() {
      const out = new Map<string, Dumped>()
      for (const k of keys) {
        const item = await reader.get(full(k))
        // metadump's exact expiry, or (an item it has not listed yet) the TTL left.
        // metadump lists an entry put back a moment ago a little later: asked again, briefly.
        let exact = await reader.deadline(full(k))
        for (let i = 0; i < 10 && exact === undefined && item; i++) {
          await new Promise((r) => setTimeout(r, 100))
          exact = await reader.deadline(full(k))
        }
        const ttl = exact === undefined || exact === null ? await reader.ttl(full(k)) : null
        const at: number = typeof exact === 'number' ? exact : ttl === null ? -1 : Date.now() + ttl
        if (item) out.set(k, { data: item.value.toString('base64'), expire: at })
      }
      return out
    },
    async close() {
      client.close()
      await reader.close()
      await server.stop()
    }
  }
}

export async function fileApp(dir: string): Promise<ObservedApp> {
  const files = join(dir, 'session-files')
  mkdirSync(files, { recursive: true })
  return {
    name: 'file',
    args: ['--engine', 'file', '--set', `SESSION_FILE_PATH=${files}`],
    toleranceMs: 0.01,
    async seed(count) {
      const keys = Array.from({ length: count }, (_, i) => keyOf(i, 'f'))
      for (const [i, k] of keys.entries()) {
        const file = join(files, `sessionid${k}`)
        writeFileSync(file, signed({ n: i }), 'ascii')
        // Saved at some moment over the last two weeks: the file's age is its expiry.
        const saved = (expiryOf(i).getTime() - AGE_S * 1000) / 1000
        utimesSync(file, saved, saved)
      }
      return keys
    },
    async dump() {
      const out = new Map<string, Dumped>()
      for (const name of readdirSync(files)) {
        if (!name.startsWith('sessionid')) continue
        const file = join(files, name)
        out.set(name.slice('sessionid'.length), { data: readFileSync(file, 'ascii'), expire: Number(statSync(file, { bigint: true }).mtimeNs) / 1e6 })
      }
      return out
    },
    async close() {}
  }
}

/** Differences between two dumps: untouched sessions must match exactly (within the store's tolerance); edited ones are compared as edited. */
export function compareDumps(before: Map<string, Dumped>, after: Map<string, Dumped>, edited: Map<string, string>, toleranceMs: number): string[] {
  const out: string[] = []
  for (const [key, was] of before) {
    const now = after.get(key)
    if (!now) {
      out.push(`${key}: gone`)
      continue
    }
    if (edited.has(key)) continue
    if (now.data !== was.data) out.push(`${key}: data changed`)
    const same = typeof was.expire === 'number' && typeof now.expire === 'number' ? Math.abs(was.expire - now.expire) <= toleranceMs : was.expire === now.expire
    if (!same) out.push(`${key}: expiry ${String(was.expire)} became ${String(now.expire)}`)
  }
  return out
}
