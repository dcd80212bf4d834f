// The timeline's sticky head: the time axis with round ticks, the "now" and "real time"
// markers, and a density strip of how many sessions are alive across the range.
import { memo, useMemo } from 'react'
import type { SessionInfo } from '../../../shared/api'
import { formatDateTime, formatOffset } from '../../lib/format'
import { aliveDensity, niceTicks, type TimeRange } from '../../lib/timeline-scale'

export const AXIS_H = 22
export const DENSITY_H = 34
/** Pixels per density bin. */
const BIN_PX = 3

export interface AxisProps {
  sessions: readonly SessionInfo[]
  range: TimeRange
  width: number
  engineMs: number
  realMs: number
}

export function xOf(t: number, range: TimeRange, width: number): number {
  return ((t - range.start) / (range.end - range.start)) * width
}

export const TimelineAxis = memo(function TimelineAxis({ sessions, range, width, engineMs, realMs }: AxisProps) {
  const ticks = useMemo(() => niceTicks(range, Math.max(2, Math.floor(width / 96))), [range, width])
  const bins = useMemo(() => aliveDensity(sessions, range, Math.max(1, Math.floor(width / BIN_PX)), engineMs), [sessions, range, width, engineMs])
  const max = bins.reduce((m, n) => Math.max(m, n), 0)
  const binW = width / Math.max(1, bins.length)
  const nowX = xOf(engineMs, range, width)
  const realX = xOf(realMs, range, width)
  // The two labels sit on different heights: only lines a few pixels apart share one.
  const together = Math.abs(nowX - realX) < 12
  const offset = engineMs - realMs
  return (
    <div className="tl-axis" style={{ width }}>
      <svg className="tl-density" width={width} height={DENSITY_H} role="img" aria-label={`Sessions alive across the range: at most ${max} at once`}>
        {max > 0 &&
          bins.map((n, i) =>
            n === 0 ? null : (
              <rect key={i} x={i * binW} width={Math.max(1, binW - 0.5)} y={DENSITY_H - 2 - (n / max) * (DENSITY_H - 8)} height={(n / max) * (DENSITY_H - 8)} className="tl-density-bar" />
            )
          )}
        <text x={4} y={11} className="tl-density-label">
          {max > 0 ? `alive: up to ${max.toLocaleString('en-US')}` : 'no session alive in this range'}
        </text>
      </svg>
      <div className="tl-ticks" style={{ height: AXIS_H }}>
        {ticks.ticks.map((t) => {
          const x = xOf(t, range, width)
          return (
            <div key={t} className="tl-tick" style={{ transform: `translateX(${x}px)` }}>
              <span className="tl-tick-label">{ticks.label(t)}</span>
            </div>
          )
        })}
      </div>
      {nowX >= 0 && nowX <= width && (
        <div className={`tl-marker tl-marker-now${nowX > width - 240 ? ' tl-marker-flip' : ''}`} style={{ transform: `translateX(${nowX}px)` }} title={`Engine time: ${formatDateTime(engineMs)}`}>
          <span>{!together ? 'now (engine)' : Math.abs(offset) < 1000 ? 'now (engine = real time)' : `now (engine, ${formatOffset(offset)} of real time)`}</span>
        </div>
      )}
      {!together && realX >= 0 && realX <= width && (
        <div className={`tl-marker tl-marker-real${realX > width - 120 ? ' tl-marker-flip' : ''}`} style={{ transform: `translateX(${realX}px)` }} title={`Real time: ${formatDateTime(realMs)}; the engine clock is ${formatOffset(offset)} of it`}>
          <span>real time</span>
        </div>
      )}
    </div>
  )
})
