// Formatting of durations, offsets and engine times for the UI (all pure functions).
import { parseIsoDate } from '../../shared/expiry'

const UNITS: [string, number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1]
]

/** "2 d 3 h", "4 min 59 s", "59 s": the two largest non-zero units of a whole number of seconds. */
export function formatDuration(seconds: number, parts = 2): string {
  let rest = Math.floor(Math.abs(seconds))
  if (rest === 0) return '0 s'
  const out: string[] = []
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size)
    if (n === 0) {
      // "1 d 0 h 5 min" reads as "1 d": stop at the first gap once counting has begun.
      if (out.length > 0) break
      continue
    }
    out.push(`${n} ${unit}`)
    rest -= n * size
    if (out.length >= parts) break
  }
  return out.join(' ')
}

/** "real time", "+2 d 3 h ahead", "3 h behind": how far the engine clock is from real time. */
export function formatOffset(offsetMs: number): string {
  // Whole seconds first: 2 d 2 h 59 min 59.9 s is "2 d 3 h", not "2 d 2 h".
  const seconds = Math.round(offsetMs / 1000)
  if (seconds === 0) return 'real time'
  const text = formatDuration(seconds)
  return seconds > 0 ? `+${text} ahead` : `${text} behind`
}

/** "in 4 min", "3 min ago", "now": the largest unit only, relative to `nowMs`. */
export function formatRelative(targetMs: number, nowMs: number): string {
  const diff = (targetMs - nowMs) / 1000
  if (Math.abs(diff) < 1) return 'now'
  const text = formatDuration(diff, 1)
  return diff > 0 ? `in ${text}` : `${text} ago`
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** "2026-12-06 10:00:05" in the local time zone (engine times are instants). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return '—'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** An ISO time from the API as epoch milliseconds, or null when absent or unreadable. */
export function isoToMs(iso: string | null | undefined): number | null {
  if (!iso) return null
  const date = parseIsoDate(iso)
  return date ? date.getTime() : null
}

/** "1 cookie", "3 cookies". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`
}

/** A one-line preview of session data: `{"cart": [1, 2], "user_id": 42}`, cut at `max` characters. */
export function previewJson(value: unknown, max = 160): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? ''
  } catch {
    text = String(value)
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
