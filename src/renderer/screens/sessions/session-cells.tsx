// Small pieces shown for a session in the table and the detail: state badge and countdown.
import type { SessionInfo } from '../../../shared/api'
import { Badge, type BadgeTone } from '../../components/badge'
import { EngineTime } from '../../components/engine-time'
import { IconAlert } from '../../components/icons'
import { formatDuration } from '../../lib/format'
import { SAVED_AHEAD_HELP, secondsSavedAhead, secondsToExpiry, sessionState, STATE_LABEL, type SessionState } from '../../lib/session-state'

const TONE: Record<SessionState, BadgeTone> = { active: 'ok', expired: 'danger', 'browser-close': 'info' }

export function StateBadge({ session, nowMs }: { session: SessionInfo; nowMs: number }) {
  const state = sessionState(session, nowMs)
  return <Badge tone={TONE[state]}>{STATE_LABEL[state]}</Badge>
}

/** "in 13 d 23 h", "expired 4 min ago", "at browser close", on the engine clock. */
export function countdownText(session: SessionInfo, nowMs: number): string {
  const left = secondsToExpiry(session, nowMs)
  if (left !== null && left <= 0) return left > -1 ? 'expired just now' : `expired ${formatDuration(-left, 1)} ago`
  if (session.expireAtBrowserClose) return 'at browser close'
  if (left === null) return session.expired ? 'expired' : '—'
  return `in ${formatDuration(Math.ceil(left))}`
}

/**
 * When the session was last saved, relative to now on the engine clock. A save after now
 * (made on a clock set back since) never reads "in 17 min": it says it came from the
 * advanced clock.
 */
export function SavedAt({ session, nowMs, long = false }: { session: SessionInfo; nowMs: number; long?: boolean }) {
  const ahead = secondsSavedAhead(session, nowMs)
  if (ahead === 0) return <EngineTime iso={session.savedAt} show="relative" empty="(unknown)" />
  const by = formatDuration(Math.round(ahead), long ? 2 : 1)
  return (
    <span className="saved-ahead" title={SAVED_AHEAD_HELP} data-testid="saved-ahead">
      <IconAlert /> {long ? `on the advanced clock, ${by} after now` : `${by} after now`}
    </span>
  )
}

export function Countdown({ session, nowMs }: { session: SessionInfo; nowMs: number }) {
  const left = secondsToExpiry(session, nowMs)
  const soon = left !== null && left > 0 && left < 300
  return <span className={`countdown${soon ? ' countdown-soon' : ''}`}>{countdownText(session, nowMs)}</span>
}
