// Port of the expiry maths of django/contrib/sessions/backends/base.py
// (get_expiry_age, get_expiry_date, set_expiry, get_expire_at_browser_close), as pure
// functions of the stored `_session_expiry`, "now" and the settings, so that the engine,
// the adapters and the UI compute expiry the same way.
import { isPlainObject, type Json } from './json'

/** The data key where set_expiry() keeps a custom expiry, as Django does. */
export const EXPIRY_KEY = '_session_expiry'

/** A timedelta: set_expiry(duration) means "expire that long from now". */
export interface Duration {
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
  milliseconds?: number
}

/**
 * What set_expiry() accepts: seconds of inactivity (an integer), 0 for browser close,
 * a Date or ISO-8601 string (expire at that moment), a Duration, or null (global policy).
 */
export type ExpiryValue = number | string | Date | Duration | null

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** The date-times parseIsoDate accepts, in words for error messages. */
export const ISO_DATE_FORMAT = 'an ISO-8601 date-time YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM], such as "2026-12-06T10:00:00Z"'

/**
 * Parses an ISO-8601 datetime as Python's datetime.fromisoformat does for the strings
 * Django writes ("2026-12-06T10:00:00.123456+00:00"). A string without an offset is read
 * as UTC (Django keeps aware datetimes with USE_TZ). Returns null when it cannot be parsed,
 * or when a field is out of range (month 13, 30 February, 25:61, year 0, an offset of 24 h),
 * which fromisoformat refuses too, never rolling it over into another date.
 */
export function parseIsoDate(text: string): Date | null {
  const m = ISO.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s = '0', frac = '', tz] = m
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number]
  const monthDays = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0)
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) return null
  const ms = Number((frac + '000').slice(0, 3))
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms))
  utc.setUTCFullYear(year) // Date.UTC reads years 0-99 as 1900-1999
  let time = utc.getTime()
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1
    const digits = tz.slice(1).replace(':', '')
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4) || '0')]
    if (oh > 23 || om > 59) return null
    time -= sign * (oh * 60 + om) * 60_000
  }
  const date = new Date(time)
  return Number.isNaN(date.getTime()) ? null : date
}

/**
 * The most seconds `_session_expiry` may hold either way (about 31,700 years, the bound the
 * API's set-expiry takes too): past it the expiry date is no date at all (JavaScript's end
 * at ±8.64e15 ms, Python's OverflowError past year 9999) and every response that read the
 * session failed.
 */
export const MAX_EXPIRY_SECONDS = 1e12

/**
 * Why session data's `_session_expiry` cannot be stored, or null: a string that is no valid
 * date (Django's get_expiry_age() would raise ValueError on it at the next request), or
 * seconds out of range.
 */
export function badExpiryInData(data: Record<string, unknown>, path: string): string | null {
  const value = data[EXPIRY_KEY]
  if (typeof value === 'number' && Math.abs(value) > MAX_EXPIRY_SECONDS) {
    return `${path}.${EXPIRY_KEY} is ${value} seconds: it may be at most ${MAX_EXPIRY_SECONDS.toExponential()} seconds (about 31,700 years) either way`
  }
  if (typeof value !== 'string' || value === '' || parseIsoDate(value)) return null
  return `${path}.${EXPIRY_KEY} must be seconds, null or a valid date: ${ISO_DATE_FORMAT}`
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** Python's aware-UTC datetime.isoformat(): microseconds only when non-zero, "+00:00" offset. */
export function toPythonIso(date: Date): string {
  const iso = date.toISOString() // 2026-12-06T10:00:00.123Z
  const base = iso.slice(0, 19)
  const ms = date.getUTCMilliseconds()
  return ms === 0 ? `${base}+00:00` : `${base}.${String(ms).padStart(3, '0')}000+00:00`
}

function durationMs(d: Duration): number {
  return (
    (d.days ?? 0) * 86_400_000 +
    (d.hours ?? 0) * 3_600_000 +
    (d.minutes ?? 0) * 60_000 +
    (d.seconds ?? 0) * 1000 +
    (d.milliseconds ?? 0)
  )
}

/** True for a Duration object ({days, hours, minutes, seconds, milliseconds}, at least one). */
export function isDuration(value: unknown): value is Duration {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  const allowed = ['days', 'hours', 'minutes', 'seconds', 'milliseconds']
  return keys.length > 0 && keys.every((k) => allowed.includes(k) && typeof value[k] === 'number' && Number.isFinite(value[k]))
}

/**
 * set_expiry(value) → what Django stores in `_session_expiry` (undefined: remove the key).
 * Durations become now + duration and Dates become ISO strings, as in current Django
 * (3.2 stored the datetime itself, which JSON cannot serialise).
 */
export function expiryToStore(value: ExpiryValue, now: Date): Json | undefined {
  if (value === null) return undefined
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`set_expiry: ${value} is not a number of seconds`)
    return value
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('set_expiry: invalid Date')
    return toPythonIso(value)
  }
  if (typeof value === 'string') {
    if (!parseIsoDate(value)) throw new TypeError(`set_expiry: ${JSON.stringify(value)} is not an ISO-8601 datetime`)
    return value
  }
  if (isDuration(value)) return toPythonIso(new Date(now.getTime() + durationMs(value)))
  throw new TypeError('set_expiry: expected seconds, 0, a Date or ISO string, a duration, or null')
}

/** How a stored expiry reads: nothing, browser close, seconds of inactivity, or a moment. */
export type ExpiryKind =
  | { kind: 'default' }
  | { kind: 'browser-close' }
  | { kind: 'seconds'; seconds: number }
  | { kind: 'date'; date: Date }

/** Classifies a stored `_session_expiry` (Django tests "not expiry" first: 0, null, "", false). */
export function classifyExpiry(expiry: unknown): ExpiryKind {
  if (expiry === undefined || expiry === null || expiry === false || expiry === '') return { kind: 'default' }
  if (expiry === 0) return { kind: 'browser-close' }
  if (typeof expiry === 'number') return { kind: 'seconds', seconds: expiry }
  if (typeof expiry === 'string') {
    const date = parseIsoDate(expiry)
    if (date) return { kind: 'date', date }
  }
  return { kind: 'default' }
}

export interface ExpiryOptions {
  /** The last modification (Django's `modification`); defaults to now. */
  modification?: Date
  /** Overrides the stored `_session_expiry` (Django's `expiry`); pass null for "none". */
  expiry?: Json | Date | undefined
}

function resolveExpiry(stored: Json | undefined, opts: ExpiryOptions): unknown {
  if (opts && 'expiry' in opts) return opts.expiry instanceof Date ? toPythonIso(opts.expiry) : opts.expiry
  return stored
}

/**
 * get_expiry_age(): seconds until expiry. No expiry or 0 → SESSION_COOKIE_AGE; seconds →
 * those seconds; a moment → whole seconds from `modification` to it (floored, like
 * Python's `delta.days * 86400 + delta.seconds`).
 */
export function getExpiryAge(stored: Json | undefined, now: Date, cookieAge: number, opts: ExpiryOptions = {}): number {
  const modification = opts.modification ?? now
  const expiry = classifyExpiry(resolveExpiry(stored, opts))
  switch (expiry.kind) {
    case 'default':
    case 'browser-close':
      return cookieAge
    case 'seconds':
      return expiry.seconds
    case 'date':
      return Math.floor((expiry.date.getTime() - modification.getTime()) / 1000)
  }
}

/** get_expiry_date(): the moment itself, else modification + (seconds or SESSION_COOKIE_AGE). */
export function getExpiryDate(stored: Json | undefined, now: Date, cookieAge: number, opts: ExpiryOptions = {}): Date {
  const modification = opts.modification ?? now
  const expiry = classifyExpiry(resolveExpiry(stored, opts))
  if (expiry.kind === 'date') return expiry.date
  const seconds = expiry.kind === 'seconds' ? expiry.seconds : cookieAge
  return new Date(modification.getTime() + seconds * 1000)
}

/** get_expire_at_browser_close(): the setting when no custom expiry is stored, else `expiry == 0`. */
export function getExpireAtBrowserClose(stored: Json | undefined, expireAtBrowserCloseSetting: boolean): boolean {
  if (stored === undefined || stored === null) return expireAtBrowserCloseSetting
  return stored === 0
}

/** The HTTP date of RFC 7231 (what Django's http_date writes for `expires`). */
export function httpDate(date: Date): string {
  return date.toUTCString()
}
