// What of our own data folder cannot be written right now (disk full, a lock held too long):
// each failure said once, in the log and in the header's status, until a write succeeds
// again. The proxy keeps serving meanwhile; only what could not be written is lost.
import type { StorageProblem } from '../../shared/api'

export type StorageArea = StorageProblem['area']

const WHAT: Record<StorageArea, string> = {
  traffic: 'traffic not recorded',
  clients: 'browser clients not saved',
  sessions: 'sessions not saved'
}
const AGAIN: Record<StorageArea, string> = {
  traffic: 'traffic recorded again',
  clients: 'browser clients saved again',
  sessions: 'sessions saved again'
}

/** SQLite's or the OS's error in a few words: "disk full", "database busy", or its message. */
export function describeStorageError(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : String(e)
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /disk is full|ENOSPC/.test(message)) return 'disk full'
  if (code === 'SQLITE_BUSY' || /database is locked/.test(message)) return 'database busy'
  return message
}

export class StorageHealth {
  private readonly problems = new Map<StorageArea, StorageProblem>()

  /** `say`: one line for the log; `changed`: the status changed (the header's event). */
  constructor(
    private readonly say: (line: string) => void = (line) => process.stderr.write(`session-inspector: ${line}\n`),
    private readonly changed: () => void = () => undefined
  ) {}

  /** A write failed: said the first time, until ok(area). */
  fail(area: StorageArea, e: unknown): void {
    if (this.problems.has(area)) return
    const problem: StorageProblem = { area, problem: `${describeStorageError(e)}: ${WHAT[area]}`, since: new Date().toISOString() }
    this.problems.set(area, problem)
    this.say(`${problem.problem} since ${problem.since}${problem.problem.startsWith('disk full') ? ' (free some space: writing resumes by itself)' : ''}`)
    this.changed()
  }

  /** A write succeeded. */
  ok(area: StorageArea): void {
    const was = this.problems.get(area)
    if (!was) return
    this.problems.delete(area)
    this.say(`${AGAIN[area]} (${was.problem} since ${was.since})`)
    this.changed()
  }

  /** The current problem of an area, if any. */
  problem(area: StorageArea): StorageProblem | undefined {
    return this.problems.get(area)
  }

  list(): StorageProblem[] {
    return [...this.problems.values()]
  }
}
