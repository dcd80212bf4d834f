// One running Session Inspector per data folder: a lock file, DATA_DIR/lock, holding the pid of
// the process that has the folder. It is created exclusively (O_EXCL); a lock whose process no
// longer runs (killed with -9, a crash, a reboot) is stale and taken over with one line.
import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

interface LockInfo {
  pid: number
  host: string
  started: string
}

/** The folders this process holds (a lock with our own pid that is not here is a reused pid). */
const held = new Set<string>()

export class DataDirLockedError extends Error {}

export class DataDirLock {
  private released = false
  private readonly onExit = () => this.release()

  private constructor(
    readonly path: string,
    private readonly folder: string
  ) {
    held.add(folder)
    process.once('exit', this.onExit)
  }

  /**
   * Takes DATA_DIR/lock or throws DataDirLockedError (one line naming the folder and the
   * other process). A stale lock is replaced, and `note` says so.
   */
  static acquire(dir: string, note: (line: string) => void): DataDirLock {
    const folder = resolve(dir)
    const path = join(folder, 'lock')
    const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() }
    for (let attempt = 0; attempt < 5; attempt++) {
      if (held.has(folder)) throw new DataDirLockedError(`the data folder ${folder} is already in use by this process`)
      if (create(path, mine)) return new DataDirLock(path, folder)
      const text = readText(path)
      if (text === null) continue // removed meanwhile: try again
      const other = parse(text)
      if (other && (other.host !== mine.host || isRunning(other.pid))) {
        throw new DataDirLockedError(
          `the data folder ${folder} is in use by another Session Inspector (pid ${other.pid}${other.host !== mine.host ? ` on ${other.host}` : ''}, started ${other.started}): stop it, or give this one another folder with --data-dir (if no such process runs, delete ${path})`
        )
      }
      // Stale (its process is gone) or unreadable: move it aside only if it is still the one read.
      const aside = `${path}.stale-${randomBytes(4).toString('hex')}`
      try {
        renameSync(path, aside)
      } catch {
        continue
      }
      const moved = readText(aside)
      if (moved === text) {
        unlinkSync(aside)
        note(other ? `took over the data folder's lock from pid ${other.pid}, which no longer runs` : `replaced an unreadable lock file ${path}`)
        continue
      }
      // Another process replaced it between our read and rename: put theirs back.
      try {
        linkSync(aside, path)
      } catch {
        // a third one took it meanwhile; theirs stands
      }
      unlinkSync(aside)
    }
    throw new DataDirLockedError(`the data folder ${folder} is being taken by another Session Inspector at the same moment: try again`)
  }

  /** Removes the lock file (once; also on process exit). */
  release(): void {
    if (this.released) return
    this.released = true
    held.delete(this.folder)
    process.off('exit', this.onExit)
    try {
      const info = parse(readText(this.path) ?? '')
      if (info?.pid === process.pid) unlinkSync(this.path)
    } catch {
      // already gone
    }
  }
}

/** Creates the lock with our info in one step (written to a temp file, then linked: O_EXCL and complete). */
function create(path: string, info: LockInfo): boolean {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`
  writeFileSync(temp, `${JSON.stringify(info)}\n`, { mode: 0o600 })
  try {
    linkSync(temp, path)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    if ((e as NodeJS.ErrnoException).code !== 'EPERM' && (e as NodeJS.ErrnoException).code !== 'ENOSYS') throw e
    // A file system without hard links: an exclusive create with the content.
    try {
      writeFileSync(path, `${JSON.stringify(info)}\n`, { mode: 0o600, flag: 'wx' })
      return true
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw e2
    }
  } finally {
    try {
      unlinkSync(temp)
    } catch {
      // renamed
    }
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

function parse(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0) return { pid: v.pid, host: String(v.host ?? ''), started: String(v.started ?? '?') }
  } catch {
    // not ours
  }
  return null
}

/** The process exists (EPERM: it does, under another user); our own pid here is a reused one unless we hold the folder. */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
