// Observe mode (issues 7 and 11, `--observe-django`): the Django app keeps its own
// SessionMiddleware and its own store, and the engine inspects that store (engine/observe).
// This is the service's side: the state of the app's store (read correctly or not: nothing
// is written before it is), and the clock passed on to it as a lag.
import type { ObserveStatus } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import type { Settings } from '../../shared/settings'
import type { Clock, InspectedSession } from '../engine'
import { oneLine, wrongKey, type AppStore } from '../engine/observe/app-store'
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

  constructor(
    readonly store: AppStore,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly changed: () => void
  ) {
    this.current = { engine: store.engine, location: store.location, state: 'starting', limits: store.limits }
  }

  status(): ObserveStatus {
    return { ...this.current, limits: this.store.limits }
  }

  /** First check; says in one line why the sessions cannot be read, and keeps trying. */
  async start(): Promise<void> {
    await this.probe()
    this.unfollow = this.clock.onChange(() => this.follow())
  }

  /** Reads the store; the state follows what it found. */
  async probe(): Promise<void> {
    try {
      await this.store.check()
      // One small page: start never reads the whole store.
      this.note((await this.store.page({ limit: 20 })).records)
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
      try {
        await this.store.applyLag(lag)
      } catch (e) {
        // Left as it is: the next change moves the store by both.
        this.log(`observe-django: could not age the app's sessions to ${lag / 1000} s: ${oneLine(e)}`)
      }
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
    await this.pending
    try {
      await this.store.applyLag(0)
    } catch (e) {
      this.log(`observe-django: could not give the app's sessions back the time they were aged by: ${oneLine(e)}`)
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
