// What observe mode watches: the app's engine and where its sessions live, as the command
// line or the project's settings (django-project.ts) name them, and the one function that
// opens the matching store.
import type { EngineName } from '../../../shared/settings'
import type { AppStore, AppStoreContext } from './app-store'
import { DbAppStore } from './db-store'
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

function openTable(t: DatabaseTarget) {
  if (t.kind === 'sqlite') return new SqliteTable(t.path)
  throw new Error(`observe-django: ${t.kind} is not supported yet`)
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
