// The expiry timeline's maths: a time range and its zoom/pan, round tick steps for the
// axis, each session's bar, and how many sessions are alive across the range (pure functions).
import type { SessionInfo } from '../../shared/api'
import { isoToMs } from './format'

export interface TimeRange {
  start: number
  end: number
}

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The smallest range the view zooms to, and the largest (beyond that the bars are slivers). */
export const MIN_SPAN = 10 * SECOND
export const MAX_SPAN = 3 * 365 * DAY

const STEPS = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 182 * DAY, 365 * DAY
]

function clampSpan(span: number): number {
  return Math.min(MAX_SPAN, Math.max(MIN_SPAN, span))
}

/** A range of `halfSpan` either side of `center`. */
export function around(center: number, halfSpan: number): TimeRange {
  const half = clampSpan(halfSpan * 2) / 2
  return { start: center - half, end: center + half }
}

/** Zooms by `factor` (< 1 zooms in) keeping the instant at `anchor` where it is. */
export function zoom(range: TimeRange, factor: number, anchor = (range.start + range.end) / 2): TimeRange {
  const span = range.end - range.start
  const next = clampSpan(span * factor)
  const ratio = span > 0 ? (anchor - range.start) / span : 0.5
  const start = anchor - next * ratio
  return { start, end: start + next }
}

/** Moves the range by `fraction` of its span (negative: back in time). */
export function pan(range: TimeRange, fraction: number): TimeRange {
  const by = (range.end - range.start) * fraction
  return { start: range.start + by, end: range.end + by }
}

/** A session's bar: from its last save to its expiry, or open-ended when it ends at browser close. */
export interface Bar {
  /** Engine ms of the last save, or null when the store does not know it. */
  from: number | null
  /** Engine ms of the store's expiry; for a browser-close session, when its row stops loading. */
  to: number | null
  openEnded: boolean
}

export function barOf(session: SessionInfo): Bar {
  return { from: isoToMs(session.savedAt), to: isoToMs(session.expireDate), openEnded: session.expireAtBrowserClose }
}

/** The range that shows every bar and now, with a margin. */
export function fitRange(sessions: readonly SessionInfo[], now: number): TimeRange {
  let start = now
  let end = now
  for (const s of sessions) {
    const bar = barOf(s)
    if (bar.from !== null && bar.from < start) start = bar.from
    if (bar.to !== null && bar.to > end) end = bar.to
  }
  const span = clampSpan(end - start)
  const margin = span * 0.04
  return { start: start - margin, end: start + span + margin }
}

export interface Ticks {
  step: number
  ticks: number[]
  /** Formats a tick for this step: dates for day steps, times of day otherwise. */
  label(ms: number): string
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Round ticks (every 5 min, every 6 h, every day…) with at most `max` in the range, in local time. */
export function niceTicks(range: TimeRange, max: number): Ticks {
  const span = Math.max(1, range.end - range.start)
  const step = STEPS.find((s) => span / s <= Math.max(1, max)) ?? (STEPS[STEPS.length - 1] as number)
  // Align on local midnight for day steps and on the zone's offset for hour steps, so "06:00" means 06:00 here.
  const offset = new Date(range.start).getTimezoneOffset() * MINUTE
  const first = Math.ceil((range.start - offset) / step) * step + offset
  const ticks: number[] = []
  for (let t = first; t <= range.end && ticks.length < 1000; t += step) ticks.push(t)
  const label = (ms: number) => {
    const d = new Date(ms)
    const date = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
    const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`
    if (step >= DAY) return date
    if (step < MINUTE) return `${time}:${pad(d.getSeconds())}`
    if (span > DAY || (d.getHours() === 0 && d.getMinutes() === 0)) return `${date} ${time}`
    return time
  }
  return { step, ticks, label }
}

/**
 * How many sessions are alive in each of `bins` equal slices of the range (saved before the
 * slice ends, expiring after it starts): a difference array, so thousands of sessions cost
 * one pass. Open-ended bars count until the end of the range, unless their store row has
 * already expired at `nowMs`.
 */
export function aliveDensity(sessions: readonly SessionInfo[], range: TimeRange, bins: number, nowMs = -Infinity): number[] {
  const n = Math.max(1, Math.floor(bins))
  const span = range.end - range.start
  const delta = new Array<number>(n + 1).fill(0)
  if (span <= 0) return new Array<number>(n).fill(0)
  const binOf = (t: number) => Math.floor(((t - range.start) / span) * n)
  for (const s of sessions) {
    const bar = barOf(s)
    const from = bar.from ?? range.start
    const openEnded = bar.openEnded && (bar.to === null || bar.to > nowMs)
    const to = openEnded || bar.to === null ? range.end : bar.to
    if (to < range.start || from > range.end || to <= from) continue
    const a = Math.max(0, Math.min(n - 1, binOf(from)))
    // The last slice that starts before the expiry: one ending exactly at a slice's start is not alive in it.
    const b = Math.max(a, Math.min(n - 1, Math.ceil(((Math.min(to, range.end) - range.start) / span) * n) - 1))
    delta[a] = (delta[a] as number) + 1
    delta[b + 1] = (delta[b + 1] as number) - 1
  }
  const out = new Array<number>(n)
  let running = 0
  for (let i = 0; i < n; i++) {
    running += delta[i] as number
    out[i] = running
  }
  return out
}

/** Sort orders of the timeline's rows. */
export type TimelineSort = 'expiry' | 'saved'

/**
 * Rows in order: by expiry, the live ones first (soonest expiry at the top), then the
 * expired ones (most recently expired first); or by last save, newest first.
 */
export function sortForTimeline(sessions: readonly SessionInfo[], order: TimelineSort, nowMs: number): SessionInfo[] {
  const at = (iso: string | null, fallback: number) => isoToMs(iso) ?? fallback
  const copy = sessions.slice()
  if (order === 'saved') return copy.sort((a, b) => at(b.savedAt, -Infinity) - at(a.savedAt, -Infinity) || a.key.localeCompare(b.key))
  const keyed = copy.map((s) => {
    const expiry = at(s.expireDate, Infinity)
    const expired = expiry === Infinity ? s.expired : expiry <= nowMs
    return { s, expired, expiry }
  })
  keyed.sort((a, b) => Number(a.expired) - Number(b.expired) || (a.expired ? b.expiry - a.expiry : a.expiry - b.expiry) || a.s.key.localeCompare(b.s.key))
  return keyed.map((k) => k.s)
}
