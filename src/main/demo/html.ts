// The demo's tiny template kit: an escaping `html` tag, Python-style value rendering (what
// a Django template would print) and Django's default date format.
import type { Json } from '../../shared/json'

/** Markup that is already safe. Anything else interpolated into `html` is escaped. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

type Part = Html | string | number | boolean | null | undefined | Part[]

function render(part: Part): string {
  if (part instanceof Html) return part.text
  if (Array.isArray(part)) return part.map(render).join('')
  if (part === null || part === undefined || part === false) return ''
  return escapeHtml(String(part))
}

/** A template literal whose values are escaped (arrays are joined, Html is kept as is). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '')
  })
  return new Html(out)
}

function pyString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  const body = text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n')
  return `${quote}${body}${quote}`
}

/** Python's repr() of a JSON value: 'text', None, True, [1, 2], {'k': 'v'}. */
export function pyRepr(value: Json | undefined): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'string') return pyString(value)
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  return `{${Object.entries(value)
    .map(([k, v]) => `${pyString(k)}: ${pyRepr(v)}`)
    .join(', ')}}`
}

/** What `{{ value }}` prints in a Django template: str() of the value. */
export function pyStr(value: Json | undefined): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

const MONTHS_AP = ['Jan.', 'Feb.', 'March', 'April', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.']

/** The wall-clock fields of a moment in an IANA time zone (Django's localtime()). */
function localFields(date: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  if (timeZone === 'UTC') return { year: date.getUTCFullYear(), month: date.getUTCMonth(), day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes() }
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(date)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return { year: get('year'), month: get('month') - 1, day: get('day'), hour: get('hour') % 24, minute: get('minute') }
}

/**
 * Django's default DATETIME_FORMAT 'N j, Y, P' in the project's TIME_ZONE (default UTC,
 * as the seeds' settings.py mostly have it): "Dec. 6, 2026, 10:05 a.m.".
 */
export function djangoDate(date: Date, timeZone = 'UTC'): string {
  const { year, month, day, hour, minute } = localFields(date, timeZone)
  let time: string
  if (hour === 0 && minute === 0) time = 'midnight'
  else if (hour === 12 && minute === 0) time = 'noon'
  else {
    const h12 = hour % 12 || 12
    time = `${minute ? `${h12}:${String(minute).padStart(2, '0')}` : h12} ${hour < 12 ? 'a.m.' : 'p.m.'}`
  }
  return `${MONTHS_AP[month]} ${day}, ${year}, ${time}`
}

/**
 * A date as Django prints it in `timeZone`, with the exact moment beside it in UTC (Django's
 * format drops the seconds, which matter for a 20-second session) and the ISO value in `datetime`.
 */
export function timeTag(date: Date, timeZone = 'UTC'): Html {
  const exact = date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return html`<time datetime="${date.toISOString()}">${djangoDate(date, timeZone)}</time> <span class="exact">(${exact})</span>`
}

/** True/False as Python prints them. */
export function pyBool(value: boolean): string {
  return value ? 'True' : 'False'
}
