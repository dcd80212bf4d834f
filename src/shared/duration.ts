// Reads an amount of time as a person types it ("90", "90s", "3h", "2d", "1h30m") into seconds:
// the web UI's clock and expiry fields, and the test-runner fixtures' clock.advance("20m").

export type DurationParse = { ok: true; seconds: number } | { ok: false; error: string }

const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86_400, day: 86_400, days: 86_400,
  w: 604_800, wk: 604_800, week: 604_800, weeks: 604_800
}

const NUMBER = /^\d+(?:\.\d+)?$/
const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy

export const DURATION_HELP = 'seconds (90) or an amount such as 90s, 15m, 3h, 2d, 1w or 1h30m'

/** Parses a non-negative duration; the error names what was typed and what is allowed. */
export function parseDurationInput(input: string): DurationParse {
  const text = input.trim().toLowerCase()
  const refuse = (why = ''): DurationParse => ({ ok: false, error: `Cannot read "${input.trim()}"${why}: use ${DURATION_HELP}` })
  if (!text) return { ok: false, error: `Type an amount: ${DURATION_HELP}` }
  if (text.startsWith('-')) return refuse(' (the clock only moves forward here; use Reset to go back)')
  if (NUMBER.test(text)) return { ok: true, seconds: Number(text) }
  const compact = text.replace(/\s+/g, ' ')
  let seconds = 0
  let index = 0
  PART.lastIndex = 0
  while (index < compact.length) {
    if (compact[index] === ' ') {
      index++
      continue
    }
    PART.lastIndex = index
    const m = PART.exec(compact)
    if (!m) return refuse()
    const unit = UNIT_SECONDS[m[2] as string]
    if (unit === undefined) return refuse(` (unknown unit "${m[2]}")`)
    seconds += Number(m[1]) * unit
    index = PART.lastIndex
  }
  if (!Number.isFinite(seconds) || seconds > 1e12) return refuse(' (too large)')
  return { ok: true, seconds }
}
