// The traffic log: every proxied request with its session before and after and the
// middleware's reason, in SQLite in the data dir so it survives a restart. The proxy hands
// over what it has (raw headers, X-Session and X-Session-Update as sent, the reason): it is
// packed as it is when a batch goes (every 50 ms, or sooner under a burst) to a writer
// thread (traffic-writer.ts), and the API's entries are built from it when they are read,
// on this thread's own connection once the writer has committed everything added before
// them. Ids are assigned at once, so the live event and the row agree.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { ListTrafficInput, SessionEffect, SessionSnapshot, TrafficEntry, TrafficSummary } from '../../shared/api'
import type { ReasonCode, ResponseDecision } from '../../shared/decision'
import type { SessionData } from '../../shared/json'
import { truncatedMark } from '../../shared/truncate'
import { decodeBase64UrlJson, parseWireUpdate, type WireSession, type WireUpdate } from '../../shared/wire'
import { createPrivateFile } from '../engine/private-files'
import { TRAFFIC_COLUMNS, trafficWriter, type TrafficRow, type WriterPort, type WriterReply, type WriterRequest } from './traffic-writer'

/** summary is '' and detail the packed entry (Packed, below); older rows hold both as JSON objects. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS traffic (
  id INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  status INTEGER,
  effect TEXT NOT NULL,
  key_before TEXT,
  key_after TEXT,
  bytes INTEGER NOT NULL DEFAULT 0,
  search TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traffic_key_before ON traffic (key_before);
CREATE INDEX IF NOT EXISTS traffic_key_after ON traffic (key_after);
`

/** A batch goes to the writer after this long, or at this many entries, whichever comes first. */
const BATCH_MS = 50
const BATCH_ROWS = 500

/** The stored log's default byte budget (summary + detail of every entry). */
export const DEFAULT_TRAFFIC_MAX_BYTES = 256 * 1024 * 1024
/**
 * Longest header value, refused update, error or Set-Cookie kept whole in an entry; longer
 * ones are cut here and end with truncatedMark(). Session data (before, after, X-Session,
 * the applied update) is kept whole: the diff needs it, and the byte budget bounds it.
 */
export const MAX_STORED_TEXT = 16 * 1024

/**
 * One request as the proxy has it when its response is over: mostly strings that exist
 * already (raw headers, X-Session and X-Session-Update as sent, Set-Cookie, the reason).
 * The log stores them packed as they are and builds the TrafficEntry when it is read.
 */
export interface TrafficRecord extends Omit<TrafficSummary, 'time' | 'realTime'> {
  /** Engine time and real time when the request arrived (epoch ms; the summary's are ISO). */
  timeMs: number
  realTimeMs: number
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

/** A session snapshot packed: null, [key] (its data is X-Session's), or [key, data]. */
type PackedSnapshot = null | [string | null] | [string | null, SessionData]

/** A stored entry (the detail column of rows whose summary is ''), as JSON. */
type Packed = [
  v: 1,
  time: number | string,
  realTime: number | string,
  method: string,
  url: string,
  status: number | null,
  durationMs: number,
  clientId: string | null,
  before: PackedSnapshot,
  after: PackedSnapshot,
  setCookie: string | null,
  effect: SessionEffect,
  reasonCode: ReasonCode | null,
  reason: string,
  error: string | null,
  requestHeaders: string[],
  responseHeaders: string[],
  /** base64url JSON as sent, or the decoded value */
  xSession: string | WireSession | null,
  xSessionUpdate: string | WireUpdate | null,
  rejectedUpdate: string | null,
  decision: ResponseDecision | null,
  droppedCookies: string[]
]

type Detail = Omit<TrafficEntry, keyof TrafficSummary>

function cut(text: string): string {
  return text.length > MAX_STORED_TEXT ? text.slice(0, MAX_STORED_TEXT) + truncatedMark(Buffer.byteLength(text)) : text
}

function cutAll(texts: string[]): string[] {
  return texts.some((t) => t.length > MAX_STORED_TEXT) ? texts.map(cut) : texts
}

const flat = (headers: [string, string][]): string[] => headers.flat()

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string])
  return out
}

function packSnapshot(s: SessionSnapshot | null, wireData: SessionData | undefined): PackedSnapshot {
  if (!s) return null
  return wireData !== undefined && s.data === wireData ? [s.key] : [s.key, s.data]
}

/** A whole entry (tests, scripts) in the record's shape. */
function recordOf(e: TrafficEntry | TrafficRecord): TrafficRecord & { time?: string; realTime?: string; wire?: WireSession | null; update?: WireUpdate | null } {
  if ('timeMs' in e) return e
  return {
    ...e,
    timeMs: NaN,
    realTimeMs: NaN,
    requestHeaders: flat(e.requestHeaders),
    responseHeaders: flat(e.responseHeaders),
    xSession: null,
    xSessionUpdate: null,
    wire: e.xSession,
    update: e.xSessionUpdate
  }
}

/** The row stored for a record: scalar columns for the list's filters, the packed entry, its size. */
function toRow(entry: TrafficEntry | TrafficRecord): TrafficRow {
  const r = recordOf(entry)
  const url = cut(r.url)
  const error = r.error !== undefined ? cut(r.error) : null
  const packed: Packed = [
    1,
    r.time ?? r.timeMs,
    r.realTime ?? r.realTimeMs,
    r.method,
    url,
    r.status,
    r.durationMs,
    r.clientId,
    packSnapshot(r.sessionBefore, r.xSession?.data),
    packSnapshot(r.sessionAfter, r.xSession?.data),
    r.setCookie ? cut(r.setCookie) : r.setCookie,
    r.effect,
    r.reasonCode,
    r.reason,
    error,
    cutAll(r.requestHeaders),
    cutAll(r.responseHeaders),
    r.xSession ? r.xSession.header : (r.wire ?? null),
    r.xSessionUpdate ?? r.update ?? null,
    r.rejectedUpdate !== undefined ? cut(r.rejectedUpdate) : null,
    r.decision,
    r.droppedCookies
  ]
  const keyBefore = r.sessionBefore?.key ?? null
  const keyAfter = r.sessionAfter?.key ?? null
  const search = [r.method, url, r.status ?? '', r.reason, error ?? '', keyBefore ?? '', keyAfter ?? '', r.effect].join(' ').toLowerCase()
  const detail = JSON.stringify(packed)
  const time = typeof packed[1] === 'number' ? new Date(packed[1]).toISOString() : packed[1]
  return [r.id, time, r.method, url, r.status, r.effect, keyBefore, keyAfter, Buffer.byteLength(detail), search, '', detail]
}

const iso = (t: number | string) => (typeof t === 'number' ? new Date(t).toISOString() : t)

function unpackSnapshot(s: PackedSnapshot, wire: WireSession | null): SessionSnapshot | null {
  if (!s) return null
  return { key: s[0], data: s.length === 2 ? s[1] : (wire?.data ?? {}) }
}

function decodeWire(x: string | WireSession | null): WireSession | null {
  if (typeof x !== 'string') return x
  try {
    return decodeBase64UrlJson(x) as WireSession
  } catch {
    return null
  }
}

function decodeUpdate(u: string | WireUpdate | null): WireUpdate | null {
  if (typeof u !== 'string') return u
  const parsed = parseWireUpdate(u)
  return parsed.ok ? parsed.value : null
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
    sessionBefore: r.sessionBefore,
    sessionAfter: r.sessionAfter,
    setCookie: r.setCookie,
    effect: r.effect,
    reasonCode: r.reasonCode,
    reason: r.reason
  }
  if (r.error !== undefined) s.error = r.error
  return s
}

/** A stored row back as the API's entry (summary only, or with the detail). */
interface StoredRow {
  id: number
  summary: string
  detail: string
}

function fromRow(row: StoredRow, withDetail: false): TrafficSummary
function fromRow(row: StoredRow, withDetail: true): TrafficEntry
function fromRow(row: StoredRow, withDetail: boolean): TrafficSummary | TrafficEntry {
  // Rows written before entries were packed: summary and detail as JSON objects.
  if (row.summary !== '') {
    const summary = JSON.parse(row.summary) as TrafficSummary
    return withDetail ? { ...summary, ...(JSON.parse(row.detail) as Detail) } : summary
  }
  const p = JSON.parse(row.detail) as Packed
  const needsWire = withDetail || (p[8] !== null && p[8].length === 1) || (p[9] !== null && p[9].length === 1)
  const wire = needsWire ? decodeWire(p[17]) : null
  const s: TrafficSummary = {
    id: row.id,
    time: iso(p[1]),
    realTime: iso(p[2]),
    method: p[3],
    url: p[4],
    status: p[5],
    durationMs: p[6],
    clientId: p[7],
    sessionBefore: unpackSnapshot(p[8], wire),
    sessionAfter: unpackSnapshot(p[9], wire),
    setCookie: p[10],
    effect: p[11],
    reasonCode: p[12],
    reason: p[13]
  }
  if (p[14] !== null) s.error = p[14]
  if (!withDetail) return s
  const e: TrafficEntry = {
    ...s,
    requestHeaders: pairs(p[15]),
    responseHeaders: pairs(p[16]),
    xSession: wire,
    xSessionUpdate: decodeUpdate(p[18]),
    decision: p[20],
    droppedCookies: p[21]
  }
  if (p[19] !== null) e.rejectedUpdate = p[19]
  return e
}

/** The writer's source for an eval'd worker: its body, with better-sqlite3 loaded from where this process found it. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.sqlite)
;(${trafficWriter.toString()})(Database, parentPort, workerData)
`

/** The writer in this thread, for where a worker cannot start: replies come back synchronously. */
function inProcessWriter(path: string, maxBytes: number, onReply: (reply: WriterReply) => void): (request: WriterRequest) => void {
  let listener: ((request: WriterRequest) => void) | null = null
  const port: WriterPort = {
    on: (_event, l) => (listener = l),
    postMessage: onReply
  }
  trafficWriter(Database as never, port, { path, columns: TRAFFIC_COLUMNS, maxBytes })
  return (request) => listener?.(request)
}

export class TrafficLog {
  /** This thread's connection: schema, the last id, and every read. */
  private readonly db: Database.Database
  private queue: TrafficRow[] = []
  private timer: NodeJS.Timeout | null = null
  private lastId: number
  private seq = 0
  private readonly waiting = new Map<number, { resolve(changes: number): void; reject(e: Error): void }>()
  private send: (request: WriterRequest) => void
  private worker: Worker | null = null
  private closed: Promise<void> | null = null
  /** Set once a write failed: said once, on stderr, and by list() until a write succeeds again. */
  private writeError: string | null = null
  private readonly maxBytes: number

  /** `retention`: entries kept; `maxBytes`: their stored size kept (default 256 MiB), oldest dropped first. */
  constructor(
    private readonly path: string,
    private readonly retention = 100_000,
    options: { thread?: 'worker' | 'in-process'; maxBytes?: number } = {}
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_TRAFFIC_MAX_BYTES
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true })
      createPrivateFile(path)
    }
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
    // Logs written before the byte budget have no sizes: measure their rows once.
    if (!(this.db.pragma('table_info(traffic)') as { name: string }[]).some((c) => c.name === 'bytes')) {
      this.db.exec('ALTER TABLE traffic ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0; UPDATE traffic SET bytes = length(CAST(summary AS BLOB)) + length(CAST(detail AS BLOB))')
    }
    this.lastId = (this.db.prepare('SELECT MAX(id) AS id FROM traffic').get() as { id: number | null }).id ?? 0
    // ':memory:' is one database per connection: its writer must share this thread's.
    const thread = path === ':memory:' ? 'in-process' : (options.thread ?? 'worker')
    this.send = thread === 'worker' ? this.startWorker() : inProcessWriter(path, this.maxBytes, (r) => this.reply(r))
  }

  private startWorker(): (request: WriterRequest) => void {
    try {
      const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite, path: this.path, columns: TRAFFIC_COLUMNS, maxBytes: this.maxBytes } })
      worker.on('message', (r: WriterReply) => this.reply(r))
      worker.on('error', (e) => this.writerFailed(e))
      worker.unref()
      this.worker = worker
      return (request) => worker.postMessage(request)
    } catch (e) {
      // No worker here (or no better-sqlite3 path to give it): write on this thread instead.
      process.stderr.write(`session-inspector: the traffic log writes on the main thread (${e instanceof Error ? e.message : String(e)})\n`)
      return inProcessWriter(this.path, this.maxBytes, (r) => this.reply(r))
    }
  }

  /** The worker died: what it had not written is lost; the rest goes on in this thread. */
  private writerFailed(e: Error): void {
    this.worker = null
    this.noteWriteError(`the traffic log's writer stopped: ${e.message}`)
    for (const [, w] of this.waiting) w.reject(new Error(this.writeError ?? 'the traffic log writer stopped'))
    this.waiting.clear()
    this.send = inProcessWriter(this.path, this.maxBytes, (r) => this.reply(r))
  }

  private noteWriteError(message: string): void {
    if (this.writeError === null) process.stderr.write(`session-inspector: ${message}\n`)
    this.writeError = message
  }

  private reply(r: WriterReply): void {
    const w = this.waiting.get(r.seq)
    this.waiting.delete(r.seq)
    if (r.type === 'error') {
      this.noteWriteError(`cannot write the traffic log: ${r.message}`)
      w?.reject(new Error(r.message))
      return
    }
    if (this.waiting.size === 0) this.worker?.unref()
    w?.resolve(r.changes ?? 0)
  }

  /** Sends a request to the writer; resolves when it is done (rejects if it failed). */
  private request(make: (seq: number) => WriterRequest): Promise<number> {
    const seq = ++this.seq
    const done = new Promise<number>((resolve, reject) => this.waiting.set(seq, { resolve, reject }))
    // Keep the process alive until the writer answers.
    this.worker?.ref()
    this.send(make(seq))
    return done
  }

  /** The id the next entry will get. */
  nextId(): number {
    return ++this.lastId
  }

  /**
   * Queues an entry (its id from nextId()); the writer has it within 50 ms. Packed now, one
   * request at a time: packing a whole batch at once would hold up the request that fell due then.
   */
  add(entry: TrafficRecord | TrafficEntry): void {
    if (this.closed) return
    try {
      this.queue.push(toRow(entry))
    } catch (e) {
      // Not one request's entry may stop the proxy: say so, as for a failed write.
      this.noteWriteError(`cannot store traffic entry ${entry.id}: ${e instanceof Error ? e.message : String(e)}`)
      return
    }
    if (this.queue.length >= BATCH_ROWS) void this.flush().catch(() => undefined)
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), BATCH_MS)
  }

  /**
   * Hands what is queued to the writer and resolves when it, and every write sent before it
   * (the writer takes them in order), is committed and trimmed to the retention limit.
   */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const rows = this.queue
    this.queue = []
    if (rows.length === 0 && this.waiting.size === 0) return
    await this.request((seq) => ({ type: 'write', seq, rows, trimThrough: this.lastId - this.retention }))
    this.writeError = null
  }

  /** Before a read: everything added so far is committed (a failed write leaves what is there to read). */
  private async settled(): Promise<void> {
    await this.flush().catch(() => undefined)
  }

  /** Where the writes happen now: the writer thread, or this one (no worker, or it stopped). */
  writer(): 'worker' | 'in-process' {
    return this.worker ? 'worker' : 'in-process'
  }

  /** Why the last write failed, while writes fail. */
  lastWriteError(): string | null {
    return this.writeError
  }

  async list(input: ListTrafficInput): Promise<{ entries: TrafficSummary[]; total: number }> {
    await this.settled()
    const where: string[] = []
    const args: (string | number)[] = []
    if (input.sessionKey) {
      where.push('(key_before = ? OR key_after = ?)')
      args.push(input.sessionKey, input.sessionKey)
    }
    if (input.effect) {
      where.push('effect = ?')
      args.push(input.effect)
    }
    if (input.search) {
      where.push("search LIKE ? ESCAPE '\\'")
      args.push(`%${input.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM traffic ${filter}`).get(...args) as { n: number }).n
    const page = input.before ? `${filter ? `${filter} AND` : 'WHERE'} id < ?` : filter
    const rows = this.db
      .prepare(`SELECT id, summary, detail FROM traffic ${page} ORDER BY id DESC LIMIT ?`)
      .all(...args, ...(input.before ? [input.before] : []), input.limit ?? 1000) as StoredRow[]
    return { entries: rows.map((r) => fromRow(r, false)), total }
  }

  async get(id: number): Promise<TrafficEntry | null> {
    await this.settled()
    const row = this.db.prepare('SELECT id, summary, detail FROM traffic WHERE id = ?').get(id) as StoredRow | undefined
    return row ? fromRow(row, true) : null
  }

  /** Full entries by id (HAR export), oldest first. */
  async getMany(ids: number[] | undefined): Promise<TrafficEntry[]> {
    await this.settled()
    const one = this.db.prepare('SELECT id, summary, detail FROM traffic WHERE id = ?')
    const rows = ids ? ids.map((id) => one.get(id)).filter(Boolean) : this.db.prepare('SELECT id, summary, detail FROM traffic ORDER BY id ASC').all()
    return (rows as StoredRow[])
      .map((r) => fromRow(r, true))
      .sort((a, b) => a.id - b.id)
  }

  /** Removes every entry; resolves with how many there were. */
  async clear(): Promise<number> {
    await this.settled()
    return this.request((seq) => ({ type: 'clear', seq }))
  }

  /** Writes what is queued, stops the writer and closes the database. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.settled()
      await this.request((seq) => ({ type: 'close', seq })).catch(() => undefined)
      await this.worker?.terminate()
      this.worker = null
      this.db.close()
    })()
    return this.closed
  }
}
