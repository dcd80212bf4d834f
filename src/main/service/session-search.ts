// Data search over every session of the store (issue 25), run in the background: it reads the
// store page by page through the inspection interface (memory stays that of one page), keeps
// the first matches up to a cap, and reports progress as `search` events. Never a silent
// subset: a search is labelled exact only once every session was read and none was left out.
import { randomUUID } from 'node:crypto'
import type { SessionInfo, SessionSearch, SessionSearchProgress } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import type { InspectedSession, SessionRecord } from '../engine'
import type { Inspection } from '../engine/inspection/inspection'

/** Matches kept per search; past it, `matched` goes on counting. */
export const SEARCH_MATCH_CAP = 10_000
/** Sessions read per page of the scan. */
const SCAN_PAGE = 500
/** Finished searches kept for their answers (the oldest forgotten first). */
const KEEP_DONE = 20
/** Progress events at most this often per search. */
const PROGRESS_MS = 250

export interface SearchDeps {
  inspection(): Inspection
  inspect(record: SessionRecord): InspectedSession
  toInfo(session: InspectedSession): SessionInfo
  progress(progress: SessionSearchProgress): void
}

/** True when a session's key or data holds the text (case-insensitive), as the list's search. */
export function sessionMatches(needle: string, s: { key: string; data: unknown }): boolean {
  return s.key.toLowerCase().includes(needle) || JSON.stringify(s.data).toLowerCase().includes(needle)
}

interface Job {
  state: SessionSearch
  cancelled: boolean
  lastEvent: number
}

export class SessionSearches {
  private readonly jobs = new Map<string, Job>()

  constructor(private readonly d: SearchDeps) {}

  start(query: string): SessionSearch {
    const job: Job = {
      state: { id: randomUUID(), query, done: false, cancelled: false, scanned: 0, total: null, matches: [], matched: 0, cap: SEARCH_MATCH_CAP, exact: false },
      cancelled: false,
      lastEvent: 0
    }
    this.jobs.set(job.state.id, job)
    this.forgetOld()
    void this.run(job)
    return this.view(job)
  }

  get(id: string): SessionSearch {
    return this.view(this.job(id))
  }

  cancel(id: string): SessionSearch {
    const job = this.job(id)
    if (!job.state.done) job.cancelled = true
    return this.view(job)
  }

  /** Stops every running search (the inspector stops). */
  stopAll(): void {
    for (const job of this.jobs.values()) job.cancelled = true
  }

  private job(id: string): Job {
    const job = this.jobs.get(id)
    if (!job) throw new ApiError('not_found', `no session search ${JSON.stringify(id)} (finished searches are kept for the last ${KEEP_DONE})`)
    return job
  }

  private view(job: Job): SessionSearch {
    return { ...job.state, matches: [...job.state.matches] }
  }

  private forgetOld(): void {
    const done = [...this.jobs.values()].filter((j) => j.state.done)
    for (const j of done.slice(0, Math.max(0, done.length - KEEP_DONE))) this.jobs.delete(j.state.id)
  }

  private report(job: Job, force = false): void {
    const now = Date.now()
    if (!force && now - job.lastEvent < PROGRESS_MS) return
    job.lastEvent = now
    const { matches: _m, ...progress } = job.state
    this.d.progress(progress)
  }

  private async run(job: Job): Promise<void> {
    const s = job.state
    const needle = s.query.trim().toLowerCase()
    const inspection = this.d.inspection()
    try {
      const count = await inspection.count().catch(() => null)
      s.total = count?.total ?? null
      let cursor: string | null = null
      do {
        if (job.cancelled) break
        const page = await inspection.page({ limit: SCAN_PAGE, cursor })
        for (const record of page.records) {
          s.scanned++
          if (!sessionMatches(needle, record)) continue
          s.matched++
          if (s.matches.length < SEARCH_MATCH_CAP) s.matches.push(this.d.toInfo(this.d.inspect(record)))
        }
        cursor = page.next
        this.report(job)
        // Let requests through between pages.
        await new Promise((resolve) => setImmediate(resolve))
      } while (cursor !== null)
      s.cancelled = job.cancelled
      s.exact = !job.cancelled && s.matched <= SEARCH_MATCH_CAP && !inspection.limits.list
      // Every session was read: the count is now exact whatever the store's count said.
      if (!job.cancelled) s.total = s.scanned
    } catch (e) {
      s.error = e instanceof Error ? e.message.split('\n')[0] : String(e)
    }
    s.done = true
    this.report(job, true)
  }
}
