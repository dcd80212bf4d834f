// How a traffic entry is stored: a small JSON object with named fields, and each session's
// data (before, after, X-Session's, the update's) kept apart, once per version, in the
// session_data table under the hash of its JSON text. A 5 MB session that stays the same
// over a thousand requests is stored once; the entries only name it. The proxy's thread
// packs (toWriterRow), the writer thread stores (traffic-writer.ts), reads unpack (fromStored).
import type { ReasonCode, ResponseDecision } from '../../shared/decision'
import type { SessionData } from '../../shared/json'
import type { SessionEffect, SessionSnapshot, SessionSummary, TrafficEntry, TrafficSummary } from '../../shared/api'
import { truncatedMark } from '../../shared/truncate'
import { decodeBase64UrlJson, parseWireUpdate, type WireSession, type WireUpdate } from '../../shared/wire'

/**
 * Longest header value, refused update, error or Set-Cookie kept whole in an entry; longer
 * ones are cut here and end with truncatedMark(). Session data is kept whole: the diff needs
 * it, and it is stored once per version.
 */
export const MAX_STORED_TEXT = 16 * 1024

/** Session data in a stored entry: an index into its row's data_refs (the hashes of session_data). */
export type DataRef = number

export interface StoredSnapshot {
  key: string | null
  data: DataRef
}

/** The traffic table's `entry` column (format 2): every field by name, session data by reference. */
export interface StoredEntry {
  time: string
  realTime: string
  method: string
  url: string
  status: number | null
  durationMs: number
  clientId: string | null
  before: StoredSnapshot | null
  after: StoredSnapshot | null
  setCookie: string | null
  effect: SessionEffect
  reasonCode: ReasonCode | null
  reason: string
  error?: string
  requestHeaders: string[]
  responseHeaders: string[]
  /** X-Session as sent, its data by reference; null: none, or one the writer could not decode. */
  xSession: (Omit<WireSession, 'data'> & { data: DataRef }) | null
  xSessionUpdate: (Omit<WireUpdate, 'data'> & { data?: DataRef }) | null
  rejectedUpdate?: string
  decision: ResponseDecision | null
  droppedCookies: string[]
}

/**
 * One entry on its way to the writer. `texts` are the JSON texts of its session data (the
 * writer hashes and stores each once); the headers, when given, are X-Session and
 * X-Session-Update as sent, which the writer decodes into the entry off the proxy's thread.
 */
export interface WriterRow {
  id: number
  keyBefore: string | null
  keyAfter: string | null
  effect: string
  search: string
  entry: StoredEntry
  texts: string[]
  xSessionHeader: string | null
  updateHeader: string | null
}

/**
 * One request as the proxy has it when its response is over: mostly strings that exist
 * already (raw headers, X-Session and X-Session-Update as sent, Set-Cookie, the reason).
 */
export interface TrafficRecord extends Omit<TrafficSummary, 'time' | 'realTime' | 'sessionBefore' | 'sessionAfter'> {
  /** Engine time and real time when the request arrived (epoch ms; the summary's are ISO). */
  timeMs: number
  realTimeMs: number
  sessionBefore: SessionSnapshot | null
  sessionAfter: SessionSnapshot | null
  /** As they came: name, value, name, value, ... */
  requestHeaders: string[]
  responseHeaders: string[]
  /** X-Session as sent (base64url JSON), and the data object it was encoded from. */
  xSession: { header: string; data: SessionData } | null
  /** X-Session-Update as the app sent it, when it was applied. */
  xSessionUpdate: string | null
  rejectedUpdate?: string
  decision: ResponseDecision | null
  droppedCookies: string[]
}

export function cut(text: string): string {
  return text.length > MAX_STORED_TEXT ? text.slice(0, MAX_STORED_TEXT) + truncatedMark(Buffer.byteLength(text)) : text
}

function cutAll(texts: string[]): string[] {
  return texts.some((t) => t.length > MAX_STORED_TEXT) ? texts.map(cut) : texts
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Collects an entry's session data texts, each data object stringified once. */
class Texts {
  readonly list: string[] = []
  private readonly seen = new Map<SessionData, DataRef>()
  private readonly byText = new Map<string, DataRef>()
  add(data: SessionData): DataRef {
    const known = this.seen.get(data)
    if (known !== undefined) return known
    const text = JSON.stringify(data)
    let ref = this.byText.get(text)
    if (ref === undefined) {
      ref = this.list.push(text) - 1
      this.byText.set(text, ref)
    }
    this.seen.set(data, ref)
    return ref
  }
}

/** Puts a decoded X-Session and update into a stored entry (the writer does this for headers). */
export function storeWire(entry: StoredEntry, texts: Texts | { add(data: SessionData): DataRef }, wire: WireSession | null, update: WireUpdate | null): void {
  if (wire) {
    const { data, ...rest } = wire
    entry.xSession = { ...rest, data: texts.add(data ?? {}) }
  }
  if (update) {
    const { data, ...rest } = update
    entry.xSessionUpdate = data !== undefined ? { ...rest, data: texts.add(data) } : rest
  }
}

/** A record from the proxy, or a whole entry (tests, scripts, older logs), as the writer's row. */
export function toWriterRow(r: TrafficRecord | TrafficEntry): WriterRow {
  const texts = new Texts()
  const snapshot = (s: SessionSnapshot | null): StoredSnapshot | null => (s ? { key: s.key, data: texts.add(s.data) } : null)
  const record = 'timeMs' in r ? r : null
  const url = cut(r.url)
  const error = r.error !== undefined ? cut(r.error) : undefined
  const entry: StoredEntry = {
    time: record ? iso(record.timeMs) : (r as TrafficEntry).time,
    realTime: record ? iso(record.realTimeMs) : (r as TrafficEntry).realTime,
    method: r.method,
    url,
    status: r.status,
    durationMs: r.durationMs,
    clientId: r.clientId,
    before: snapshot(r.sessionBefore),
    after: snapshot(r.sessionAfter),
    setCookie: r.setCookie ? cut(r.setCookie) : r.setCookie,
    effect: r.effect,
    reasonCode: r.reasonCode,
    reason: r.reason,
    requestHeaders: record ? cutAll(record.requestHeaders) : cutAll((r as TrafficEntry).requestHeaders.flat()),
    responseHeaders: record ? cutAll(record.responseHeaders) : cutAll((r as TrafficEntry).responseHeaders.flat()),
    xSession: null,
    xSessionUpdate: null,
    decision: r.decision,
    droppedCookies: r.droppedCookies
  }
  if (error !== undefined) entry.error = error
  if (r.rejectedUpdate !== undefined) entry.rejectedUpdate = cut(r.rejectedUpdate)
  if (record) {
    // X-Session's data is usually the session before: the same object, one text.
    if (record.xSession) texts.add(record.xSession.data)
  } else {
    const e = r as TrafficEntry
    storeWire(entry, texts, e.xSession, e.xSessionUpdate)
  }
  const keyBefore = r.sessionBefore?.key ?? null
  const keyAfter = r.sessionAfter?.key ?? null
  const search = [r.method, url, r.status ?? '', r.reason, error ?? '', keyBefore ?? '', keyAfter ?? '', r.effect].join(' ').toLowerCase()
  return {
    id: r.id,
    keyBefore,
    keyAfter,
    effect: r.effect,
    search,
    entry,
    texts: texts.list,
    xSessionHeader: record?.xSession?.header ?? null,
    updateHeader: record?.xSessionUpdate ?? null
  }
}

/** The writer's half: X-Session and X-Session-Update decoded into the entry, their data by reference. */
export function decodeHeaders(row: WriterRow, add: (text: string) => DataRef): void {
  let wire: WireSession | null = null
  let update: WireUpdate | null = null
  if (row.xSessionHeader !== null) {
    try {
      wire = decodeBase64UrlJson(row.xSessionHeader) as WireSession
    } catch {
      wire = null
    }
  }
  if (row.updateHeader !== null) {
    const parsed = parseWireUpdate(row.updateHeader)
    update = parsed.ok ? parsed.value : null
  }
  storeWire(row.entry, { add: (data) => add(JSON.stringify(data)) }, wire, update)
}

const summaryOf = (s: StoredSnapshot | null): SessionSummary | null => (s ? { key: s.key } : null)

/** The list's view of a stored entry: no session data (the detail loads it). */
export function summaryFromStored(id: number, e: StoredEntry): TrafficSummary {
  const s: TrafficSummary = {
    id,
    time: e.time,
    realTime: e.realTime,
    method: e.method,
    url: e.url,
    status: e.status,
    durationMs: e.durationMs,
    clientId: e.clientId,
    sessionBefore: summaryOf(e.before),
    sessionAfter: summaryOf(e.after),
    setCookie: e.setCookie,
    effect: e.effect,
    reasonCode: e.reasonCode,
    reason: e.reason
  }
  if (e.error !== undefined) s.error = e.error
  return s
}

/** The summary of a record, as list() will read it back: for the live event. */
export function trafficSummary(r: TrafficRecord): TrafficSummary {
  const s: TrafficSummary = {
    id: r.id,
    time: iso(r.timeMs),
    realTime: iso(r.realTimeMs),
    method: r.method,
    url: r.url,
    status: r.status,
    durationMs: r.durationMs,
    clientId: r.clientId,
    sessionBefore: r.sessionBefore ? { key: r.sessionBefore.key } : null,
    sessionAfter: r.sessionAfter ? { key: r.sessionAfter.key } : null,
    setCookie: r.setCookie,
    effect: r.effect,
    reasonCode: r.reasonCode,
    reason: r.reason
  }
  if (r.error !== undefined) s.error = r.error
  return s
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string])
  return out
}

/** The detail's view: session data loaded by reference (`data(ref)`). */
export function entryFromStored(id: number, e: StoredEntry, data: (ref: DataRef) => SessionData): TrafficEntry {
  const snap = (s: StoredSnapshot | null): SessionSnapshot | null => (s ? { key: s.key, data: data(s.data) } : null)
  let xSession: WireSession | null = null
  if (e.xSession) xSession = { ...e.xSession, data: data(e.xSession.data) }
  let xSessionUpdate: WireUpdate | null = null
  if (e.xSessionUpdate) {
    const { data: ref, ...rest } = e.xSessionUpdate
    xSessionUpdate = ref !== undefined ? { ...rest, data: data(ref) } : rest
  }
  const out: TrafficEntry = {
    ...summaryFromStored(id, e),
    sessionBefore: snap(e.before),
    sessionAfter: snap(e.after),
    requestHeaders: pairs(e.requestHeaders),
    responseHeaders: pairs(e.responseHeaders),
    xSession,
    xSessionUpdate,
    decision: e.decision,
    droppedCookies: e.droppedCookies
  }
  if (e.rejectedUpdate !== undefined) out.rejectedUpdate = e.rejectedUpdate
  return out
}
