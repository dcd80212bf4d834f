// The SQLite files of the data folder, checked as they are opened: sessions.sqlite3 holds the
// user's sessions, so a damaged or foreign one stops the start with one line and is never
// touched; inspector.sqlite3 is only a record of what the proxy saw (traffic, clients), so a
// damaged one is moved aside, said in one line, and a fresh one started.
import { existsSync, renameSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'

const QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024

/** What is wrong with an existing SQLite file ("it is not a SQLite database (…)", "it is cut short …"), or null. */
export function sqliteProblem(path: string, options: { check?: boolean } = {}): string | null {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) return 'it is not a file'
    size = st.size
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? null : `it cannot be read (${code})`
  }
  if (size === 0) return null
  let db: Database.Database | null = null
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get()
    // A file cut short: its header counts more pages than the file has (checked without a
    // write-ahead log, which may legitimately hold pages past the end of the main file).
    const walSize = fileSize(`${path}-wal`)
    const pages = Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }))
    if (!walSize && pages > size) return `it is cut short (${size} bytes of the ${pages} its header counts)`
    // Damage inside (a page overwritten): SQLite's quick_check reads every page, about 0.2 s for
    // 100,000 sessions; skipped past 256 MiB (a project's big database given with --database).
    if (options.check && size <= QUICK_CHECK_MAX_BYTES) {
      const result = String(db.pragma('quick_check(1)', { simple: true }))
      if (result !== 'ok') return `it is damaged (${result.replace(/\s+/g, ' ').replace(/^\*\*\* in database main \*\*\* /, '')})`
    }
    return null
  } catch (e) {
    const err = e as Error & { code?: string }
    const words = err.code === 'SQLITE_NOTADB' ? 'it is not a SQLite database' : err.code === 'SQLITE_CORRUPT' ? 'it is damaged' : 'it cannot be opened'
    return `${words} (${err.message.split('\n')[0]})`
  } finally {
    db?.close()
  }
}

/** The tables of a SQLite file that opens (empty for a new or empty file). */
function tablesOf(path: string): string[] {
  if (!fileSize(path)) return []
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name)
  } finally {
    db.close()
  }
}

/**
 * The db engine's SQLite file, before the engine opens it: a one-line Error when it is damaged
 * or belongs to something else (the engine would add its django_session table to it).
 */
export function checkSessionsFile(path: string): void {
  const found = sqliteProblem(path, { check: true })
  const holds = 'it should hold the sessions of the db engine'
  if (found) {
    throw new Error(`${path}: ${found}; ${holds}. Restore it from a backup (sqlite3 ${path} .recover saves what can be read), or move it aside to start with no sessions, or give another file with --database`)
  }
  const tables = tablesOf(path).filter((t) => !t.startsWith('sqlite_'))
  if (tables.length && !tables.includes('django_session')) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, … (${tables.length} tables)` : '')
    throw new Error(`${path} is a SQLite database of something else (tables: ${shown}; no django_session), and Session Inspector does not add its table to it: give it a file of its own with --database`)
  }
}

/** Damage that a fresh file cures: not a database, corrupt, or an unknown schema. */
function isDamage(e: unknown): boolean {
  const err = e as Error & { code?: string }
  if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') return true
  return err.code === 'SQLITE_ERROR' && /no such (column|table)|has no column named|malformed/.test(err.message)
}

/**
 * Opens a cache file of the data folder (inspector.sqlite3): when it is damaged, it is moved
 * aside (with its -wal and -shm) to NAME.damaged-TIME, one line says so, and `open` runs again
 * on a fresh file. Anything else (a full disk, no permission) is thrown as it is.
 */
export function openCacheFile<T>(path: string, what: string, open: () => T, log: (line: string) => void): T {
  const found = sqliteProblem(path)
  if (found) moveAside(path, found, what, log)
  try {
    return open()
  } catch (e) {
    if (!isDamage(e)) throw e
    moveAside(path, `it cannot be used (${(e as Error).message.split('\n')[0]})`, what, log)
    return open()
  }
}

function moveAside(path: string, problem: string, what: string, log: (line: string) => void): void {
  const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`
  renameSync(path, aside)
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix)
  log(`${path}: ${problem}; moved aside to ${aside}, and ${what} starts empty (it is only a record of what the proxy saw)`)
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}
