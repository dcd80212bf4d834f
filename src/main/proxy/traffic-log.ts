// The traffic log: every proxied request with its session before and after and the
// middleware's reason, in SQLite in the data dir so it survives a restart. Entries are
// serialised here and written in batches (every 50 ms, or sooner under a burst) by a writer
// thread (traffic-writer.ts); reads use this thread's own connection once the writer has
// committed everything added before them. Ids are assigned at once, so the live event and
// the row agree.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { ListTrafficInput, TrafficEntry, TrafficSummary } from '../../shared/api'
import { truncatedMark } from '../../shared/truncate'
import { createPrivateFile } from '../engine/private-files'
import { TRAFFIC_COLUMNS, trafficWriter, type TrafficRow, type WriterPort, type WriterReply, type WriterRequest } from './traffic-writer'

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

type Detail = Omit<TrafficEntry, keyof TrafficSummary>

/** The stored log's default byte budget (summary + detail of every entry). */
export const DEFAULT_TRAFFIC_MAX_BYTES = 256 * 1024 * 1024
/**
 * Longest header value, refused update, error or Set-Cookie kept whole in an entry; longer
 * ones are cut here and end with truncatedMark(). Session data (before, after, X-Session,
 * the applied update) is kept whole: the diff needs it, and the byte budget bounds it.
 */
export const MAX_STORED_TEXT = 16 * 1024

function cut(text: string): string {
  return text.length > MAX_STORED_TEXT ? text.slice(0, MAX_STORED_TEXT) + truncatedMark(Buffer.byteLength(text)) : text
}

function cutHeaders(headers: [string, string][]): [string, string][] {
  return headers.some(([n, v]) => n.length + v.length > MAX_STORED_TEXT) ? headers.map(([n, v]) => [cut(n), cut(v)]) : headers
}

/** The entry as stored: raw text that can be huge (1 MiB refused updates, 4 MiB response heads) cut short. */
function forStorage(entry: TrafficEntry): TrafficEntry {
  const e = { ...entry, requestHeaders: cutHeaders(entry.requestHeaders), responseHeaders: cutHeaders(entry.responseHeaders) }
  if (e.rejectedUpdate !== undefined) e.rejectedUpdate = cut(e.rejectedUpdate)
  if (e.error !== undefined) e.error = cut(e.error)
  if (e.setCookie) e.setCookie = cut(e.setCookie)
  e.url = cut(e.url)
  return e
}

function split(entry: TrafficEntry): { summary: TrafficSummary; detail: Detail } {
  const { requestHeaders, responseHeaders, xSession, xSessionUpdate, rejectedUpdate, decision, droppedCookies, ...summary } = entry
  const detail: Detail = { requestHeaders, responseHeaders, xSession, xSessionUpdate, decision, droppedCookies }
  if (rejectedUpdate !== undefined) detail.rejectedUpdate = rejectedUpdate
  return { summary, detail }
}

function toRow(whole: TrafficEntry): TrafficRow {
  const entry = forStorage(whole)
  const { summary, detail } = split(entry)
  const search = [entry.method, entry.url, entry.status ?? '', entry.reason, entry.error ?? '', entry.sessionBefore?.key ?? '', entry.sessionAfter?.key ?? '', entry.effect]
    .join(' ')
    .toLowerCase()
  const summaryText = JSON.stringify(summary)
  const detailText = JSON.stringify(detail)
  const bytes = Buffer.byteLength(summaryText) + Buffer.byteLength(detailText)
  return [entry.id, entry.time, entry.method, entry.url, entry.status, entry.effect, entry.sessionBefore?.key ?? null, entry.sessionAfter?.key ?? null, bytes, search, summaryText, detailText]
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

  /** Queues an entry (its id from nextId()); the writer has it within 50 ms. */
  add(entry: TrafficEntry): void {
    if (this.closed) return
    this.queue.push(toRow(entry))
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
      .prepare(`SELECT summary FROM traffic ${page} ORDER BY id DESC LIMIT ?`)
      .all(...args, ...(input.before ? [input.before] : []), input.limit ?? 1000) as { summary: string }[]
    return { entries: rows.map((r) => JSON.parse(r.summary) as TrafficSummary), total }
  }

  async get(id: number): Promise<TrafficEntry | null> {
    await this.settled()
    const row = this.db.prepare('SELECT summary, detail FROM traffic WHERE id = ?').get(id) as { summary: string; detail: string } | undefined
    return row ? { ...(JSON.parse(row.summary) as TrafficSummary), ...(JSON.parse(row.detail) as Detail) } : null
  }

  /** Full entries by id (HAR export), oldest first. */
  async getMany(ids: number[] | undefined): Promise<TrafficEntry[]> {
    await this.settled()
    const one = this.db.prepare('SELECT summary, detail FROM traffic WHERE id = ?')
    const rows = ids ? ids.map((id) => one.get(id)).filter(Boolean) : this.db.prepare('SELECT summary, detail FROM traffic ORDER BY id ASC').all()
    return (rows as { summary: string; detail: string }[])
      .map((r) => ({ ...(JSON.parse(r.summary) as TrafficSummary), ...(JSON.parse(r.detail) as Detail) }))
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
