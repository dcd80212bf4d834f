// What observe mode watches: the app's engine and where its sessions live, as the command
// line or the project's settings (django-project.ts) name them, and the one function that
// opens the matching store.
import type { EngineName } from '../../../shared/settings'
import { makeKey, type AppCache, type CacheFormat } from './app-cache'
import type { AppStore, AppStoreContext } from './app-store'
import { CACHED_DB_SESSION_PREFIX, CachedDbAppStore } from './cached-db-store'
import { CACHE_SESSION_PREFIX, CacheAppStore } from './cache-store'
import { DbAppStore } from './db-store'
import { FileAppStore } from './file-store'
import { SignedCookiesAppStore } from './signed-cookies-store'
import { MemcachedAppCache } from './memcached-cache'
import { RedisAppCache } from './redis-cache'
import { MysqlTable } from './mysql-table'
import { PgTable } from './pg-table'
import { SqliteTable } from './sqlite-table'
import { DEFAULT_USER_TABLE, type UserTableTarget } from './user-table'

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgresql' | 'mysql'; host: string; port?: number; socket?: string; user?: string; password?: string; database: string }

type RedisFormat = Exclude<CacheFormat, { kind: 'memcached' }>

/** The cache SESSION_CACHE_ALIAS names, as far as observe mode can reach it. */
export type CacheTarget = (
  | { kind: 'redis'; url: string; format: RedisFormat }
  | { kind: 'memcached'; server: string }
  /** A cache observe mode cannot read: inside the Django process (LocMemCache), or a backend it does not know. */
  | { kind: 'unreachable'; backend: string; inProcess?: boolean }
) & {
  /** CACHES[alias]['KEY_PREFIX'] and ['VERSION'] (Django's default key function). */
  keyPrefix?: string
  version?: number
}

export interface ObserveTarget {
  engine: EngineName
  /** db and cached_db: the database holding django_session. */
  database?: DatabaseTarget
  /** cache and cached_db: the app's session cache. */
  cache?: CacheTarget
  /** file: the app's SESSION_FILE_PATH (or the temporary directory its Python uses). */
  filePath?: string
  /** AUTH_USER_MODEL's table (default: auth_user in `database`), read for usernames and password hashes; null: none. */
  users?: UserTableTarget | null
  /** The app's Django version, e.g. "5.2.17" (the session auth hash's algorithm depends on it); absent: unknown. */
  django?: string
}

/**
 * --cache: redis://host:port/db (Django 4's RedisCache format), django-redis+redis://… (or
 * ?format=django-redis, with &serializer=json and &compressor=zlib), memcached://host:port;
 * ?key_prefix=…&version=N as in CACHES. Throws a one-line Error.
 */
export function parseCacheTarget(text: string): CacheTarget {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`--cache: ${JSON.stringify(text)} is not a URL, expected redis://host:port/db or memcached://host:port`)
  }
  const q = url.searchParams
  const common = { ...(q.get('key_prefix') ? { keyPrefix: q.get('key_prefix') as string } : {}), ...(q.get('version') ? { version: Number(q.get('version')) } : {}) }
  for (const k of ['key_prefix', 'version', 'format', 'serializer', 'compressor']) q.delete(k)
  const scheme = url.protocol.replace(/:$/, '')
  if (scheme === 'memcached') return { kind: 'memcached', server: url.host || '127.0.0.1:11211', ...common }
  const djangoRedis = scheme.startsWith('django-redis+') || new URL(text).searchParams.get('format') === 'django-redis'
  const base = scheme.replace(/^django-redis\+/, '')
  if (!['redis', 'rediss', 'unix'].includes(base)) throw new Error(`--cache: ${JSON.stringify(`${scheme}://`)} is not a cache URL, expected redis://, django-redis+redis:// or memcached://`)
  const given = new URL(text).searchParams
  const format: RedisFormat = djangoRedis
    ? { kind: 'django-redis', serializer: given.get('serializer') === 'json' ? 'json' : 'pickle', compressor: given.get('compressor') === 'zlib' ? 'zlib' : 'identity' }
    : { kind: 'django-redis-cache' }
  return { kind: 'redis', url: url.toString().replace(/^django-redis\+/, ''), format, ...common }
}

/** A one-line description of a cache target. */
export function describeCache(t: CacheTarget): string {
  if (t.kind === 'unreachable') return t.backend
  if (t.kind === 'memcached') return `memcached ${t.server}`
  return `Redis ${t.url.replace(/:[^:@/]*@/, ':***@')} (${t.format.kind === 'django-redis' ? 'django-redis' : "Django's RedisCache"} format)`
}

/** A one-line description of a database target, without its password. */
export function describeDatabase(t: DatabaseTarget): string {
  if (t.kind === 'sqlite') return `SQLite ${t.path}`
  const name = t.kind === 'postgresql' ? 'PostgreSQL' : 'MySQL'
  const where = t.socket ?? `${t.host}:${t.port ?? (t.kind === 'postgresql' ? 5432 : 3306)}`
  return `${name} ${t.user ? `${t.user}@` : ''}${where}/${t.database}`
}

function need<T>(value: T | undefined, what: string, engine: EngineName): T {
  if (value === undefined) throw new Error(`observe-django: SESSION_ENGINE ${engine} needs ${what}`)
  return value
}

/**
 * --database: a SQLite file, or postgresql://user:password@host:port/name (?host=/socket/dir)
 * or mysql://user:password@host:port/name (?socket=/path). Throws a one-line Error.
 */
export function parseDatabaseTarget(text: string): DatabaseTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase()
  if (!scheme) return { kind: 'sqlite', path: text }
  const kinds: Record<string, 'postgresql' | 'mysql'> = { postgresql: 'postgresql', postgres: 'postgresql', mysql: 'mysql', mariadb: 'mysql' }
  const kind = kinds[scheme]
  if (!kind) throw new Error(`--database: ${JSON.stringify(`${scheme}://`)} is not a database URL, expected a SQLite file, postgresql://… or mysql://…`)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`--database: ${JSON.stringify(text.replace(/:[^:@/]*@/, ':***@'))} is not a valid URL`)
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (!database) throw new Error(`--database: the URL names no database (${kind}://user:password@host:port/NAME)`)
  const socket = url.searchParams.get(kind === 'postgresql' ? 'host' : 'socket') ?? undefined
  return {
    kind,
    host: url.hostname || '127.0.0.1',
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(socket ? { socket } : {}),
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    database
  }
}

function openTable(t: DatabaseTarget) {
  if (t.kind === 'sqlite') return new SqliteTable(t.path)
  if (t.kind === 'postgresql') return new PgTable(t, describeDatabase(t))
  return new MysqlTable(t, describeDatabase(t))
}

function openCache(t: CacheTarget): AppCache | null {
  if (t.kind === 'redis') return new RedisAppCache(t.url)
  if (t.kind === 'memcached') return new MemcachedAppCache(t.server)
  return null
}

const MEMCACHED_LIST =
  'memcached cannot list its keys here (lru_crawler metadump is refused): the list shows the sessions seen in traffic since Session Inspector started'

/** Opens (without connecting) the store for a target; throws a one-line Error for a target that names no store. */
export function openAppStore(target: ObserveTarget, ctx: AppStoreContext): AppStore {
  const cacheTarget = () => need(target.cache, 'a cache (--cache redis://… or memcached://…)', target.engine)
  const keyOf = (t: CacheTarget, prefix: string) => (key: string) => makeKey(prefix + key, t.keyPrefix ?? '', t.version ?? 1)
  switch (target.engine) {
    case 'db':
      return new DbAppStore(ctx, openTable(need(target.database, 'a database (--database FILE or URL)', 'db')))
    case 'cached_db': {
      const t = cacheTarget()
      const table = openTable(need(target.database, 'a database (--database FILE or URL)', 'cached_db'))
      return new CachedDbAppStore(ctx, table, openCache(t), keyOf(t, CACHED_DB_SESSION_PREFIX), t.kind === 'unreachable' ? t : undefined)
    }
    case 'cache': {
      const t = cacheTarget()
      if (t.kind === 'unreachable') {
        const where = t.inProcess ? ', inside the Django process, where Session Inspector cannot reach them' : ', which observe mode cannot read'
        throw new Error(`observe-django: the app's sessions are in ${t.backend}${where}: use Redis or memcached for SESSION_CACHE_ALIAS, or run the app behind the middleware (session_inspector_django)`)
      }
      const format: CacheFormat = t.kind === 'redis' ? t.format : { kind: 'memcached' }
      const cache = openCache(t) as AppCache
      return new CacheAppStore(ctx, cache, format, keyOf(t, CACHE_SESSION_PREFIX), MEMCACHED_LIST)
    }
    case 'file':
      return new FileAppStore(ctx, need(target.filePath, "the app's SESSION_FILE_PATH (--set SESSION_FILE_PATH=/dir, or --django-project)", 'file'))
    case 'signed_cookies':
      return new SignedCookiesAppStore(ctx)
  }
}

/** The user table observe mode reads: the one named, else Django's default auth_user in the sessions' database. */
export function userTableTarget(target: ObserveTarget): UserTableTarget | null {
  if (target.users !== undefined) return target.users
  return target.database ? { database: target.database, ...DEFAULT_USER_TABLE } : null
}
