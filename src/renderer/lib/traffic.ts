// Traffic in words and filters: effect labels, status classes, the Set-Cookie a row shows,
// the route of the traffic screen, and which entries a filter keeps (pure functions).
import type { ListTrafficInput, SessionEffect, TrafficSummary } from '../../shared/api'
import { parseSetCookie } from '../../shared/cookies'

export const EFFECT_LABEL: Record<SessionEffect, string> = {
  created: 'created',
  modified: 'modified',
  cycled: 'key cycled',
  flushed: 'flushed',
  deleted: 'deleted',
  read: 'read',
  untouched: 'untouched',
  rejected: 'update rejected',
  'upstream-error': 'upstream error'
}

/** The effects that change what is stored or what the browser holds ("only session changes"). */
export const CHANGE_EFFECTS: ReadonlySet<SessionEffect> = new Set<SessionEffect>(['created', 'modified', 'cycled', 'flushed', 'deleted'])

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'error'] as const
export type StatusClass = (typeof STATUS_CLASSES)[number]

/** 2xx…5xx from the status; "error" when no answer came from the app (or the proxy answered for it). */
export function statusClassOf(entry: Pick<TrafficSummary, 'status' | 'effect'>): StatusClass | '1xx' {
  if (entry.status === null || entry.effect === 'upstream-error') return 'error'
  if (entry.status < 200) return '1xx'
  if (entry.status < 300) return '2xx'
  if (entry.status < 400) return '3xx'
  if (entry.status < 500) return '4xx'
  return '5xx'
}

export interface TrafficFilter {
  /** Free text, searched by the server (method, URL, status, reason, keys, effect). */
  search: string
  status: StatusClass | ''
  effect: SessionEffect | ''
  onlyChanges: boolean
  /** A session's history: entries whose session before or after has this key. */
  sessionKey: string | null
}

export const NO_FILTER: TrafficFilter = { search: '', status: '', effect: '', onlyChanges: false, sessionKey: null }

export function isFiltered(f: TrafficFilter): boolean {
  return Boolean(f.search.trim() || f.status || f.effect || f.onlyChanges || f.sessionKey)
}

/** The part of a filter the server applies (listTraffic's inputs). */
export function serverInput(f: TrafficFilter): ListTrafficInput {
  const input: ListTrafficInput = {}
  const search = f.search.trim()
  if (search) input.search = search
  if (f.effect) input.effect = f.effect
  if (f.sessionKey) input.sessionKey = f.sessionKey
  return input
}

/** The part the list applies itself (the API has no status or "any change" filter). */
export function matchesLocal(entry: TrafficSummary, f: TrafficFilter): boolean {
  if (f.status && statusClassOf(entry) !== f.status) return false
  if (f.onlyChanges && !CHANGE_EFFECTS.has(entry.effect)) return false
  return true
}

/** The server's filter, for live events: the same haystack as the traffic log searches. */
export function matchesServer(entry: TrafficSummary, input: ListTrafficInput): boolean {
  if (input.effect && entry.effect !== input.effect) return false
  if (input.sessionKey && entry.sessionBefore?.key !== input.sessionKey && entry.sessionAfter?.key !== input.sessionKey) return false
  if (input.search) {
    const haystack = [entry.method, entry.url, entry.status ?? '', entry.reason, entry.error ?? '', entry.sessionBefore?.key ?? '', entry.sessionAfter?.key ?? '', entry.effect]
      .join(' ')
      .toLowerCase()
    if (!haystack.includes(input.search.toLowerCase())) return false
  }
  return true
}

export function matchesFilter(entry: TrafficSummary, f: TrafficFilter): boolean {
  return matchesLocal(entry, f) && matchesServer(entry, serverInput(f))
}

export type SetCookieFacts =
  | { kind: 'none' }
  | { kind: 'delete' }
  | { kind: 'session-only' }
  | { kind: 'persistent'; seconds: number }

/** What the session cookie's Set-Cookie on a response did: nothing, deletion, session-only, or a lifetime. */
export function setCookieFacts(header: string | null, responseDate?: number): SetCookieFacts {
  if (!header) return { kind: 'none' }
  const cookie = parseSetCookie(header)
  if (!cookie) return { kind: 'none' }
  if (cookie.maxAge !== undefined) return cookie.maxAge <= 0 ? { kind: 'delete' } : { kind: 'persistent', seconds: cookie.maxAge }
  if (cookie.expires) {
    const seconds = (cookie.expires.getTime() - (responseDate ?? Date.now())) / 1000
    if (cookie.expires.getTime() <= 0 || seconds <= 0) return { kind: 'delete' }
    return { kind: 'persistent', seconds: Math.round(seconds) }
  }
  return { kind: 'session-only' }
}

/** The session key a row is about: the one after the response, else the one the request carried. */
export function entryKey(entry: Pick<TrafficSummary, 'sessionBefore' | 'sessionAfter'>): string | null {
  return entry.sessionAfter?.key ?? entry.sessionBefore?.key ?? null
}

// ---------------------------------------------------------------- the route

export interface TrafficRoute {
  sessionKey: string | null
  /** The entry whose detail is open. */
  openId: number | null
}

/** Reads the route param: "42", "session/KEY" or "session/KEY/42". */
export function parseTrafficParam(param: string | null): TrafficRoute {
  if (!param) return { sessionKey: null, openId: null }
  if (/^\d+$/.test(param)) return { sessionKey: null, openId: Number(param) }
  const m = /^session\/(.+?)(?:\/(\d+))?$/.exec(param)
  if (m) return { sessionKey: m[1] as string, openId: m[2] ? Number(m[2]) : null }
  return { sessionKey: null, openId: null }
}

export function trafficParam(route: TrafficRoute): string | null {
  const id = route.openId === null ? '' : String(route.openId)
  if (route.sessionKey) return `session/${route.sessionKey}${id ? `/${id}` : ''}`
  return id || null
}

/** The hash of the traffic screen for a route (written by hand: keys stay readable, "/" separates). */
export function trafficHash(route: TrafficRoute): string {
  const param = trafficParam(route)
  return param ? `#/traffic/${param.split('/').map(encodeURIComponent).join('/')}` : '#/traffic'
}

/** "12 ms", "1.2 s", "0.4 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 1) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

/** "10:00:05.123": the time of day of an instant, with milliseconds (requests come fast). */
export function formatTimeOfDay(ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return '—'
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
}
