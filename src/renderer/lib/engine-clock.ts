// The engine clock as the UI sees it: the last ClockState plus when it arrived, so the
// display can tick locally without asking the server every second.
import type { ClockState } from '../../shared/api'
import { isoToMs } from './format'

export interface ClockView extends ClockState {
  /** Date.now() when this state arrived. */
  receivedAt: number
}

export function toClockView(clock: ClockState, receivedAt = Date.now()): ClockView {
  return { ...clock, receivedAt }
}

/** Engine time in ms at real time `realNowMs`: frozen clocks stand still, others run at real speed. */
export function engineNowMs(clock: ClockView, realNowMs: number): number {
  const base = isoToMs(clock.now) ?? clock.receivedAt
  return clock.frozen ? base : base + (realNowMs - clock.receivedAt)
}
