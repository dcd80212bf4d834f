// Observe mode (issue 7, `--observe-django --database FILE`): the Django app keeps its own
// SessionMiddleware and db sessions, and the engine works on the same django_session
// table. The app's clock is the real one, so a clock change is passed on to its sessions
// instead: their expire_date moves back by as much as the clock moves forward.
import { ApiError } from '../../shared/errors'
import type { Settings } from '../../shared/settings'
import type { Clock, Engine, InspectedSession } from '../engine'

/** What the UI and the cookie preview say about observe mode. */
export const OBSERVE_NOTES = [
  "Observe mode: the app's own SessionMiddleware sets the session cookie from its own settings.py; the settings here only describe it (keep SECRET_KEY, SESSION_COOKIE_NAME and SESSION_COOKIE_AGE equal to the app's).",
  "Observe mode: advancing (or setting) the clock moves every session's expire_date in the app's database back by as much, so Django itself sees them expire; resetting (or closing Session Inspector) moves them forward again. The clock cannot be frozen: Django's own clock keeps running."
]

/**
 * The settings observe mode runs with: the app's sessions are db sessions in the file
 * given, so SESSION_ENGINE is db. Throws a one-line Error for anything else.
 */
export function observeSettings(settings: Settings, requested: Record<string, unknown> | undefined, databasePath: string | undefined): Settings {
  if (!databasePath) throw new Error("observe-django needs the Django project's SQLite database (--database FILE)")
  const engine = requested?.SESSION_ENGINE
  if (engine !== undefined && engine !== 'db') {
    throw new Error(`SESSION_ENGINE=${JSON.stringify(engine)}: observe-django reads the app's db sessions from its database, so SESSION_ENGINE is db`)
  }
  return { ...settings, SESSION_ENGINE: 'db' }
}

/**
 * Passes the engine's clock on to the app's sessions: each change moves every row's
 * expire_date by minus the change. `lagMs` is how far the rows have been moved in all,
 * which the database adds back when the engine reads them (SessionDatabaseOptions).
 */
export class AppSessionClock {
  private shiftedMs = 0
  private lastOffsetMs: number

  constructor(private readonly clock: Clock) {
    this.lastOffsetMs = clock.snapshot().offsetMs
  }

  readonly lagMs = (): number => this.shiftedMs

  private unfollow: (() => void) | null = null

  /** Starts following the clock; returns the unsubscribe function. */
  follow(engine: Engine, log: (line: string) => void): () => void {
    this.unfollow = this.clock.onChange(() => {
      const offset = this.clock.snapshot().offsetMs
      const delta = offset - this.lastOffsetMs
      if (delta === 0) return
      try {
        engine.db().shiftExpireDates(-delta)
        this.shiftedMs += delta
        this.lastOffsetMs = offset
      } catch (e) {
        // Left as it is, the next change moves the rows by both (lastOffsetMs is unchanged).
        log(`could not age the app's sessions by ${delta / 1000} s: ${(e as Error).message}`)
      }
    })
    return this.unfollow
  }

  /**
   * Stops following and moves the rows forward by all they were moved back, as a clock
   * reset does: the clock's offset ends with this process (the next start begins at real
   * time), so rows left aged would expire early for both the next inspector and Django.
   */
  stop(engine: Engine, log: (line: string) => void): void {
    this.unfollow?.()
    this.unfollow = null
    if (this.shiftedMs === 0) return
    try {
      engine.db().shiftExpireDates(this.shiftedMs)
      this.shiftedMs = 0
    } catch (e) {
      log(`could not give the app's sessions back the ${this.shiftedMs / 1000} s they were aged by: ${(e as Error).message}`)
    }
  }
}

/** Refuses freezing: the app's clock cannot be stopped. */
export function refuseFreeze(): never {
  throw new ApiError('unsupported', "observe-django: the clock cannot be frozen, because the Django app's own clock keeps running (advance, set and reset still age its sessions)")
}

/** Observe mode writes into the app's own database: never over data it cannot read. */
export function refuseUndecodable(session: InspectedSession, action: 'edit' | 'expire'): void {
  if (!session.decodeError) return
  throw new ApiError(
    'unsupported',
    `cannot ${action} session ${JSON.stringify(session.key)}: ${session.decodeError}; set SECRET_KEY to the Django project's (nothing was written)`
  )
}
