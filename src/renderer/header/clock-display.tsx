// The engine clock, ticking: engine time, its distance from real time, and frozen or not.
import { useAppState, useEngineNow } from '../app/app-state'
import { Badge } from '../components/badge'
import { IconSnowflake } from '../components/icons'
import { formatDateTime, formatOffset } from '../lib/format'

export function ClockDisplay() {
  const { clock } = useAppState()
  const { engineMs, realMs, offsetMs } = useEngineNow()
  if (!clock) return <div className="clock-display muted">Engine clock…</div>
  const offset = formatOffset(offsetMs)
  return (
    <div className="clock-display" title={`Real time: ${formatDateTime(realMs)}`}>
      <span className="clock-label">Engine time</span>
      <time className="mono clock-now" dateTime={new Date(engineMs).toISOString()} data-testid="engine-time">
        {formatDateTime(engineMs)}
      </time>
      <Badge tone={offset === 'real time' ? 'neutral' : 'warn'}>
        <span data-testid="clock-offset">{offset}</span>
      </Badge>
      {clock.frozen && (
        <Badge tone="info">
          <IconSnowflake />
          frozen
        </Badge>
      )}
    </div>
  )
}
