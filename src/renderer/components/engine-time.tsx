// An instant on the engine clock: absolute engine time plus "in 4 min" / "3 min ago" on
// the engine clock, with the matching real time in the tooltip.
import { useEngineNow } from '../app/app-state'
import { formatDateTime, formatOffset, formatRelative, isoToMs } from '../lib/format'

export interface EngineTimeProps {
  iso: string | null
  /** both: "2026-12-06 10:00:05 · in 4 min"; relative: "in 4 min"; absolute: the date only */
  show?: 'both' | 'relative' | 'absolute'
  /** Text when iso is null. */
  empty?: string
}

export function EngineTime({ iso, show = 'both', empty = '—' }: EngineTimeProps) {
  const { engineMs, offsetMs } = useEngineNow()
  const at = isoToMs(iso)
  if (at === null) return <span className="engine-time engine-time-empty">{empty}</span>
  const absolute = formatDateTime(at)
  const relative = formatRelative(at, engineMs)
  const title =
    `Engine time: ${absolute}\nReal time: ${formatDateTime(at - offsetMs)}` +
    (Math.abs(offsetMs) >= 1000 ? `\nThe engine clock is ${formatOffset(offsetMs)} of real time` : '')
  return (
    <span className="engine-time" title={title}>
      {show !== 'relative' && <time dateTime={new Date(at).toISOString()}>{absolute}</time>}
      {show === 'both' && <span className="engine-time-sep"> · </span>}
      {show !== 'absolute' && <span className="engine-time-relative">{relative}</span>}
    </span>
  )
}
