// Files that hold sessions, cookies or secrets are readable by their owner only, whatever
// the umask: created 0600 (folders 0700) before anything writes to them.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'

/**
 * Creates `path` empty with mode 0600 unless it exists (an existing file, such as a Django
 * project's own database, is left as it is). SQLite gives a database's -wal and -shm the
 * database file's mode, so they are private too.
 */
export function createPrivateFile(path: string): void {
  if (path === ':memory:' || path === '') return
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
}

/** Creates a folder (and missing parents) with mode 0700; an existing one is left as it is. */
export function createPrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 })
}

/** Sets `mode` (0600 for files) on those of `paths` that exist: what this program made, in older versions. */
export function tighten(paths: string[], mode = 0o600): void {
  for (const path of paths) {
    try {
      if (existsSync(path)) chmodSync(path, mode)
    } catch {
      // not ours to change after all (another owner): leave it
    }
  }
}
