// What observe mode watches: the app's engine and where its sessions live, as the command
// line or the project's settings (django-project.ts) name them, and the one function that
// opens the matching store.
import type { EngineName } from '../../../shared/settings'
import type { AppStore, AppStoreContext } from './app-store'
import { DbAppStore } from './db-store'
import { MysqlTable } from './mysql-table'
import { PgTable } from './pg-table'
import { SqliteTable } from './sqlite-table'

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgresql' | 'mysql'; host: string; port?: number; socket?: string; user?: string; password?: string; database: string }

export interface ObserveTarget {
  engine: EngineName
  /** db and cached_db: the database holding django_session. */
  database?: DatabaseTarget
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

/** Opens (without connecting) the store for a target; throws a one-line Error for a target that names no store. */
export function openAppStore(target: ObserveTarget, ctx: AppStoreContext): AppStore {
  switch (target.engine) {
    case 'db':
      return new DbAppStore(ctx, openTable(need(target.database, 'a database (--database FILE or URL)', 'db')))
    default:
      throw new Error(`observe-django: SESSION_ENGINE ${target.engine} is not supported yet`)
  }
}
