// Older traffic logs, read once to be upgraded (traffic-schema.ts renames their table
// traffic_v1; the writer converts its rows to format 2 in small batches). Two shapes lived in
// it: format 0, the summary and the detail as JSON objects; format 1 (summary ''), the whole
// entry as a positional array. Nothing else reads them.
import type { SessionSnapshot, TrafficEntry, TrafficSummary } from '../../shared/api'
import type { SessionData } from '../../shared/json'
import { decodeBase64UrlJson, parseWireUpdate, type WireSession, type WireUpdate } from '../../shared/wire'

/** A traffic_v1 row as read back. */
export interface LegacyRow {
  id: number
  summary: string
  detail: string
}

/** Format 1's session snapshot: null, [key] (its data is X-Session's), or [key, data]. */
type PackedSnapshot = null | [string | null] | [string | null, SessionData]

/** Format 1, by position (the names are what each slot held). */
type Format1 = [
  v: 1, time: number | string, realTime: number | string, method: string, url: string, status: number | null,
  durationMs: number, clientId: string | null, before: PackedSnapshot, after: PackedSnapshot, setCookie: string | null,
  effect: TrafficSummary['effect'], reasonCode: TrafficSummary['reasonCode'], reason: string, error: string | null,
  requestHeaders: string[], responseHeaders: string[], xSession: string | WireSession | null,
  xSessionUpdate: string | WireUpdate | null, rejectedUpdate: string | null, decision: TrafficEntry['decision'], droppedCookies: string[]
]

const iso = (t: number | string) => (typeof t === 'number' ? new Date(t).toISOString() : t)

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string])
  return out
}

function wireOf(x: string | WireSession | null): WireSession | null {
  if (typeof x !== 'string') return x
  try {
    return decodeBase64UrlJson(x) as WireSession
  } catch {
    return null
  }
}

function updateOf(u: string | WireUpdate | null): WireUpdate | null {
  if (typeof u !== 'string') return u
  const parsed = parseWireUpdate(u)
  return parsed.ok ? parsed.value : null
}

/** A format 0 or format 1 row as a whole entry; throws on a row that is neither (the caller skips it). */
export function legacyEntry(row: LegacyRow): TrafficEntry {
  if (row.summary !== '') {
    const detail = JSON.parse(row.detail) as Partial<TrafficEntry>
    return { requestHeaders: [], responseHeaders: [], xSession: null, xSessionUpdate: null, decision: null, droppedCookies: [], ...(JSON.parse(row.summary) as TrafficSummary), ...detail, id: row.id } as TrafficEntry
  }
  const [, time, realTime, method, url, status, durationMs, clientId, before, after, setCookie, effect, reasonCode, reason, error,
    requestHeaders, responseHeaders, xSession, xSessionUpdate, rejectedUpdate, decision, droppedCookies] = JSON.parse(row.detail) as Format1
  const wire = wireOf(xSession)
  const snapshot = (s: PackedSnapshot): SessionSnapshot | null => (s ? { key: s[0], data: s.length === 2 ? s[1] : (wire?.data ?? {}) } : null)
  const e: TrafficEntry = {
    id: row.id,
    time: iso(time),
    realTime: iso(realTime),
    method,
    url,
    status,
    durationMs,
    clientId,
    sessionBefore: snapshot(before),
    sessionAfter: snapshot(after),
    setCookie,
    effect,
    reasonCode,
    reason,
    requestHeaders: pairs(requestHeaders),
    responseHeaders: pairs(responseHeaders),
    xSession: wire,
    xSessionUpdate: updateOf(xSessionUpdate),
    decision,
    droppedCookies
  }
  if (error !== null) e.error = error
  if (rejectedUpdate !== null) e.rejectedUpdate = rejectedUpdate
  return e
}
