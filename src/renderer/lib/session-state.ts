// A session's state on the engine's clock, live: active, expired, or ending at browser close.
import type { SessionEvent, SessionInfo } from '../../shared/api'
import { isoToMs } from './format'

export type SessionState = 'active' | 'expired' | 'browser-close'

export const STATE_LABEL: Record<SessionState, string> = {
  active: 'active',
  expired: 'expired',
  'browser-close': 'browser close'
}

/** Seconds until the stored expiry at engine time `nowMs` (negative once past), or null when unknown. */
export function secondsToExpiry(session: SessionInfo, nowMs: number): number | null {
  const at = isoToMs(session.expireDate)
  return at === null ? null : (at - nowMs) / 1000
}

export function sessionState(session: SessionInfo, nowMs: number): SessionState {
  const left = secondsToExpiry(session, nowMs)
  // The server's flag was true when it was read; the clock may have moved on since.
  const expired = left === null ? session.expired : left <= 0
  if (expired) return 'expired'
  return session.expireAtBrowserClose ? 'browser-close' : 'active'
}

/**
 * Seconds by which a session's last save lies after engine time `nowMs`; 0 when it does not.
 * A save can only be after now when it was made on a clock that has been set back since
 * (reset to real time, or set earlier): the save time and the expiry counted from it stay.
 */
export function secondsSavedAhead(session: Pick<SessionInfo, 'savedAt'>, nowMs: number): number {
  const at = isoToMs(session.savedAt)
  if (at === null) return 0
  const ahead = (at - nowMs) / 1000
  return ahead >= 1 ? ahead : 0
}

/** Why a save time can be after now, in words (tooltips and the detail). */
export const SAVED_AHEAD_HELP =
  'Saved while the engine clock was ahead of where it is now: it has been reset or set back since. The save time stays as it was, and the expiry counts from it, so a session that had expired on the advanced clock is not expired on this one.'

/**
 * Applies live `session` events to a list kept newest save first: a saved session moves to
 * the top, a deleted one goes, an expired one is replaced where it is.
 */
export function applySessionEvents(rows: SessionInfo[], events: SessionEvent[]): SessionInfo[] {
  if (events.length === 0) return rows
  let next = rows.slice()
  for (const event of events) {
    const at = next.findIndex((s) => s.key === event.key)
    if (event.change === 'deleted' || !event.session) {
      if (at !== -1) next.splice(at, 1)
    } else if (event.change === 'saved') {
      if (at !== -1) next.splice(at, 1)
      next = [event.session, ...next]
    } else if (at !== -1) {
      next[at] = event.session
    } else {
      next.push(event.session)
    }
  }
  return next
}

const haystacks = new WeakMap<SessionInfo, string>()

/** True when the key or the data (as JSON) contains `needle` (lower case). */
export function sessionMatches(session: SessionInfo, needle: string): boolean {
  if (!needle) return true
  let text = haystacks.get(session)
  if (text === undefined) {
    text = `${session.key}\n${JSON.stringify(session.data)}`.toLowerCase()
    haystacks.set(session, text)
  }
  return text.includes(needle)
}
