// Observe mode (issues 7 and 11, `--observe-django`): the Django app keeps its own
// SessionMiddleware and its own store, and the engine inspects that store (engine/observe).
// This is the service's side: the state of the app's store (read correctly or not: nothing
// is written before it is), and the clock passed on to it as a lag.
import type { ObserveStatus } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import type { Settings } from '../../shared/settings'
import type { Clock, InspectedSession } from '../engine'
import { oneLine, tighter, UNBOUNDED, wrongKey, type AppStore, type LagBounds, type MoveProgress } from '../engine/observe/app-store'
import type { GiveBackReport, Journal } from '../engine/observe/journal'
import type { ObserveTarget } from '../engine/observe/targets'

/** What the UI and the cookie preview say about observe mode. */
export const OBSERVE_NOTES = [
  "Observe mode: the app's own SessionMiddleware sets the session cookie from its own settings.py; the settings here only describe it (keep SECRET_KEY, SESSION_COOKIE_NAME and SESSION_COOKIE_AGE equal to the app's).",
  "Observe mode: advancing (or setting) the clock moves every session's expiry in the app's store back by as much, so Django itself sees them expire; resetting (or closing Session Inspector) moves them forward again. The clock cannot be frozen: Django's own clock keeps running."
]

/**
 * The settings observe mode runs with: SESSION_ENGINE is the app's. Throws a one-line Error
 * when --engine or --set SESSION_ENGINE names another.
 */
export function observeSettings(settings: Settings, requested: Record<string, unknown> | undefined, target: ObserveTarget): Settings {
  const engine = requested?.SESSION_ENGINE
  const short = typeof engine === 'string' ? engine.replace(/^django\.contrib\.sessions\.backends\./, '') : engine
  if (short !== undefined && short !== target.engine) {
    throw new Error(`SESSION_ENGINE=${JSON.stringify(engine)}: observe-django reads the app's ${target.engine} sessions, so SESSION_ENGINE is ${target.engine}`)
  }
  return { ...settings, SESSION_ENGINE: target.engine }
}

/** Checks again this often while the app's store cannot be read. */
const RETRY_MS = 5000

/** A give-back that failed (store locked or down) is tried again after 1, 2, 4… s, at most this far apart. */
const GIVE_BACK_MAX_WAIT_MS = 15_000
/** At exit, a give-back is tried for this long before the journal is left for the next start. */
const GIVE_BACK_AT_EXIT_MS = 45_000

/** One line for a give-back. */
export function giveBackLine(location: string, r: GiveBackReport): string {
  const left = r.left ? `; ${r.left} left as Django wrote them since` : ''
  return `gave the app's sessions in ${location} back their time: ${r.restored} value(s) restored${left}`
}

/**
 * The app's store as the service sees it: whether its sessions can be read (checked at start,
 * again every few seconds while not, and on every listing), and the engine's clock passed on
 * to it in order, one change after another.
 */
export class ObservedStore {
  private current: ObserveStatus
  private timer: NodeJS.Timeout | null = null
  private pending: Promise<void> = Promise.resolve()
  private unfollow: (() => void) | null = null
  private closed = false
  /** Why the app's sessions are still aged (a give-back failed), or null. */
  private aged: string | null = null
  private retry: { timer: NodeJS.Timeout | null; wait: number } = { timer: null, wait: 1000 }
  private moving: MoveProgress | null = null
  private lastBounds: LagBounds = UNBOUNDED

  constructor(
    readonly store: AppStore,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly changed: () => void,
    private readonly journal: Journal | null = null
  ) {
    this.current = { engine: store.engine, location: store.location, state: 'starting', limits: store.limits }
  }

  status(): ObserveStatus {
    return { ...this.current, limits: this.store.limits, ...(this.aged ? { aged: this.aged } : {}), ...(this.moving ? { clock: { ...this.moving } } : {}) }
  }

  /** The store's batches report here (see AppStoreContext.progress). */
  progress(p: MoveProgress | null): void {
    this.moving = p
    this.changed()
  }

  /**
   * Before anything is served: gives back what an earlier run left aged (killed, or its store
   * was locked at exit), then the first check. Says in one line why the sessions cannot be
   * read, and keeps trying.
   */
  async start(): Promise<void> {
    if (this.journal && this.journal.count(this.store.location) > 0) await this.giveBackNow('start')
    await this.probe()
    this.unfollow = this.clock.onChange(() => this.follow())
  }

  /** Gives everything back; on failure says why (status and log) and retries with backoff. */
  private async giveBackNow(when: 'start' | 'retry'): Promise<boolean> {
    try {
      const report = await this.store.giveBack()
      if (report.restored || report.left || this.aged) this.log(`observe-django: ${giveBackLine(this.store.location, report)}${when === 'start' ? ' (left aged by an earlier run)' : ''}`)
      this.setAged(null)
      return true
    } catch (e) {
      const left = this.journal?.count(this.store.location) ?? 0
      this.setAged(`${left} change(s) to the app's sessions in ${this.store.location} are not given back yet (${oneLine(e)}); retrying, and the journal keeps them`)
      this.scheduleGiveBack()
      return false
    }
  }

  private setAged(line: string | null): void {
    if (line === this.aged) return
    this.aged = line
    if (line) this.log(`observe-django: ${line}`)
    if (!line && this.retry.timer) {
      clearTimeout(this.retry.timer)
      this.retry = { timer: null, wait: 1000 }
    }
    this.changed()
  }

  private scheduleGiveBack(): void {
    if (this.retry.timer || this.closed) return
    const wait = this.retry.wait
    this.retry.wait = Math.min(wait * 2, GIVE_BACK_MAX_WAIT_MS)
    this.retry.timer = setTimeout(() => {
      this.retry.timer = null
      // Only while the clock is at real time: otherwise the next clock change does it.
      if (this.clock.snapshot().offsetMs !== 0) return
      this.pending = this.pending.then(() => this.giveBackNow('retry').then(() => undefined))
    }, wait)
    this.retry.timer.unref()
  }

  /** How far the lag may go (the store's range, read now). */
  async bounds(): Promise<LagBounds> {
    try {
      this.lastBounds = tighter(UNBOUNDED, await this.store.lagBounds?.())
    } catch {
      // unreachable: refused by assertWritable instead
    }
    return this.lastBounds
  }

  /** The last bounds read, for the clock's state. */
  cachedBounds(): LagBounds {
    return this.lastBounds
  }

  /** Reads the store; the state follows what it found. */
  async probe(): Promise<void> {
    try {
      await this.store.check()
      // One small page: start never reads the whole store.
      this.note((await this.store.page({ limit: 20 })).records)
      await this.bounds()
    } catch (e) {
      this.fail(oneLine(e))
    }
  }

  /** A page's result: every session of it failing its signature means the SECRET_KEY is not the app's. */
  note(records: { decodeErrorKind?: string }[]): void {
    const all = records.length > 0 && records.every((r) => wrongKey(r as InspectedSession))
    if (all) this.fail(`SECRET_KEY does not match the app's: none of its ${records.length} session(s) can be decoded (nothing will be written until it does)`)
    else this.set({ state: 'ok' })
  }

  fail(message: string): void {
    this.set({ state: 'error', error: message })
  }

  private set(next: { state: ObserveStatus['state']; error?: string }): void {
    const was = this.current
    if (was.state === next.state && was.error === next.error) return
    const { error: _old, ...rest } = was
    this.current = { ...rest, ...next }
    if (next.state === 'error') this.log(`observe-django: cannot use the app's sessions in ${this.store.location}: ${next.error}`)
    else if (was.state === 'error') this.log(`observe-django: the app's sessions in ${this.store.location} can be read again`)
    if (next.state === 'error' && !this.timer && !this.closed) {
      this.timer = setInterval(() => void this.probe(), RETRY_MS)
      this.timer.unref()
    } else if (next.state === 'ok' && this.timer) {
      clearInterval(this.timer)
      this.timer = null
    }
    this.changed()
  }

  /** Refuses a write while the app's store has not been read correctly. */
  assertWritable(action: string): void {
    if (this.current.state === 'ok') return
    throw new ApiError('unsupported', `cannot ${action}: the app's sessions in ${this.store.location} cannot be read (${this.current.error ?? 'not checked yet'}); nothing was written`)
  }

  private follow(): void {
    const lag = this.clock.snapshot().offsetMs
    this.pending = this.pending.then(async () => {
      if (lag === 0) {
        await this.giveBackNow('retry')
        return
      }
      try {
        await this.store.applyLag(lag)
      } catch (e) {
        // Left as it is: the next change moves the store by both; the journal has what was done.
        this.log(`observe-django: could not age the app's sessions to ${lag / 1000} s: ${oneLine(e)}`)
      }
      void this.bounds()
    })
  }

  /** Resolves once every clock change so far has reached the app's store. */
  settled(): Promise<void> {
    return this.pending
  }

  /**
   * Stops, and gives the app's sessions back the time they were aged by, as a clock reset
   * does: the clock's offset ends with this process, so sessions left aged would expire early
   * for the next inspector and for Django.
   */
  async stop(): Promise<void> {
    this.closed = true
    this.unfollow?.()
    this.unfollow = null
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.retry.timer) clearTimeout(this.retry.timer)
    this.retry.timer = null
    await this.pending
    // Locked or down: tried again with backoff for a while; then the journal keeps it for the next start.
    const until = Date.now() + GIVE_BACK_AT_EXIT_MS
    let wait = 1000
    for (;;) {
      try {
        const report = await this.store.giveBack()
        if (report.restored || report.left || this.aged) this.log(`observe-django: ${giveBackLine(this.store.location, report)}`)
        this.aged = null
        return
      } catch (e) {
        const left = this.journal?.count(this.store.location) ?? 0
        if (Date.now() + wait > until) {
          this.log(
            `observe-django: the app's sessions in ${this.store.location} are still aged (${left} change(s)): ${oneLine(e)}; the journal keeps them: the next start gives them back, or run \`session-inspector restore\` with the same options`
          )
          return
        }
        this.log(`observe-django: cannot give the app's sessions in ${this.store.location} back their time yet (${oneLine(e)}); trying again in ${wait / 1000} s`)
        await new Promise((r) => setTimeout(r, wait))
        wait = Math.min(wait * 2, 8000)
      }
    }
  }
}

/** Refuses freezing: the app's clock cannot be stopped. */
export function refuseFreeze(sentence: string): never {
  throw new ApiError('unsupported', sentence)
}

/** Observe mode writes into the app's own store: never over data it cannot read. */
export function refuseUndecodable(session: InspectedSession, action: 'edit' | 'expire'): void {
  if (!session.decodeError) return
  const fix = wrongKey(session) ? "set SECRET_KEY to the Django project's" : 'it would lose what it holds'
  throw new ApiError('unsupported', `cannot ${action} session ${JSON.stringify(session.key)}: ${session.decodeError}; ${fix} (nothing was written)`)
}
