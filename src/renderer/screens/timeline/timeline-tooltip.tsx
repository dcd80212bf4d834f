// The card shown while hovering a session on the timeline: key, data, last save, expiry, state.
import type { SessionInfo } from '../../../shared/api'
import { EngineTime } from '../../components/engine-time'
import { previewJson } from '../../lib/format'
import { secondsSavedAhead } from '../../lib/session-state'
import { StateBadge, countdownText } from '../sessions/session-cells'

const W = 340
const GAP = 14

export function TimelineTooltip({ session, x, y, engineMs }: { session: SessionInfo; x: number; y: number; engineMs: number }) {
  // Kept inside the window: flipped to the left of the pointer near the right edge.
  const left = x + GAP + W > window.innerWidth ? Math.max(8, x - GAP - W) : x + GAP
  const top = Math.min(y + GAP, window.innerHeight - 170)
  return (
    <div className="tl-tooltip" role="tooltip" style={{ transform: `translate(${left}px, ${top}px)`, width: W }}>
      <div className="tl-tooltip-key mono">{session.key}</div>
      <div className="tl-tooltip-data mono">{session.decodeError ?? previewJson(session.data, 180)}</div>
      <dl className="facts">
        <dt>saved</dt>
        <dd>
          {secondsSavedAhead(session, engineMs) > 0 ? (
            <>
              <EngineTime iso={session.savedAt} show="absolute" />
              <span className="saved-ahead"> · after now: saved on the advanced clock</span>
            </>
          ) : (
            <EngineTime iso={session.savedAt} empty="unknown to this store" />
          )}
        </dd>
        <dt>expires</dt>
        <dd>
          {session.expireAtBrowserClose ? (
            <>
              at browser close <span className="muted">(store row until <EngineTime iso={session.expireDate} show="absolute" />)</span>
            </>
          ) : (
            <EngineTime iso={session.expireDate} empty="unknown to this store" />
          )}
        </dd>
        <dt>state</dt>
        <dd>
          <StateBadge session={session} nowMs={engineMs} /> <span className="muted">{countdownText(session, engineMs)}</span>
        </dd>
      </dl>
      <div className="muted small-text">Click to open this session</div>
    </div>
  )
}
