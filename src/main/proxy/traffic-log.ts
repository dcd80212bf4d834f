// The traffic log: every proxied request with its session before and after and the
// middleware's reason, in SQLite in the data dir so it survives a restart. The proxy hands
// over what it has (raw headers, X-Session and X-Session-Update as sent, the reason); it is
// packed (traffic-codec.ts) and goes in batches (every 50 ms, or sooner under a burst) to a
// writer thread (traffic-writer.ts), which stores each session's data once per version.
// Reads run on this thread's own connection once the writer has committed everything added
// before them: lists carry summaries (no session data), the detail loads the data.
// Ids are assigned at once, so the live event and the row agree.
import Database from 'better-sqlite3'
import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ListTrafficInput, TrafficEntry, TrafficSummary } from '../../shared/api'
import type { SessionData } from '../../shared/json'
import { createPrivateFile } from '../engine/private-files'
import { StorageHealth } from './storage-health'
import { entryFromStored, summaryFromStored, toWriterRow, type StoredEntry, type TrafficRecord, type WriterRow } from './traffic-codec'
import { hasLegacyTraffic, migrateInspectorDatabase } from './traffic-schema'
import { trafficWriter, type WriterPort, type WriterReply, type WriterRequest } from './traffic-writer'

export { MAX_STORED_TEXT, trafficSummary, type TrafficRecord } from './traffic-codec'

/** A batch goes to the writer after this long, or at this many entries, whichever comes first. */
const BATCH_MS = 50
const BATCH_ROWS = 500

/** The stored log's default byte budget (entries and session data). */
export const DEFAULT_TRAFFIC_MAX_BYTES = 256 * 1024 * 1024

/** Searches this short cannot use the trigram index: they scan the search column instead. */
const MIN_INDEXED_SEARCH = 3

/**
 * The writer thread's file: traffic-writer.js next to the built bundle (out/main; this code
 * may sit in out/main/chunks), or, run from source (tests, benches under tsx), the .ts entry
 * with tsx's loader.
 */
function writerWorkerFile(): { file: string; execArgv?: string[] } {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    return { file: join(dirname(here), 'traffic-writer-worker.ts'), execArgv: ['--import', tsx] }
  }
  const built = [join(dirname(here), 'traffic-writer.js'), join(dirname(here), '..', 'traffic-writer.js')].find((f) => existsSync(f))
  if (!built) throw new Error(`traffic-writer.js is not next to ${here}`)
  return { file: built }
}

/** The writer in this thread, for where a worker cannot start: replies come back synchronously. */
function inProcessWriter(path: string, maxBytes: number, db: Database.Database | undefined, onReply: (reply: WriterReply) => void): (request: WriterRequest) => void {
  let listener: ((request: WriterRequest) => void) | null = null
  const port: WriterPort = {
    on: (_event, l) => (listener = l),
    postMessage: onReply
  }
  trafficWriter(port, { path, maxBytes, ...(db ? { db } : {}) })
  return (request) => listener?.(request)
}

interface StoredRow {
  id: number
  entry: string
  data_refs: string
}

export class TrafficLog {
  /** This thread's connection: schema, the last id, and every read. */
  private readonly db: Database.Database
  private queue: WriterRow[] = []
  private timer: NodeJS.Timeout | null = null
  private lastId: number
  private seq = 0
  private readonly waiting = new Map<number, { resolve(changes: number): void; reject(e: Error): void }>()
  private readonly health: StorageHealth
  private send: (request: WriterRequest) => void
  private worker: Worker | null = null
  private closed: Promise<void> | null = null
  /** Set once a write failed: said once (StorageHealth), until a write succeeds again. */
  private writeError: string | null = null
  private readonly maxBytes: number

  /** `retention`: entries kept; `maxBytes`: their stored size kept (default 256 MiB), oldest dropped first. */
  constructor(
    private readonly path: string,
    private readonly retention = 100_000,
    options: { thread?: 'worker' | 'in-process'; maxBytes?: number; health?: StorageHealth } = {}
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_TRAFFIC_MAX_BYTES
    this.health = options.health ?? new StorageHealth()
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true })
      createPrivateFile(path)
    }
    this.db = new Database(path)
    migrateInspectorDatabase(this.db)
    const maxId = (table: string) => (this.db.prepare(`SELECT MAX(id) FROM ${table}`).pluck().get() as number | null) ?? 0
    // An older log's rows are upgraded by the writer in the background; their ids are kept.
    this.lastId = Math.max(maxId('traffic'), hasLegacyTraffic(this.db) ? maxId('traffic_v1') : 0)
    // ':memory:' is one database per connection: its writer must share this thread's.
    const thread = path === ':memory:' ? 'in-process' : (options.thread ?? 'worker')
    this.send = thread === 'worker' ? this.startWorker() : this.inProcess()
  }

  private inProcess(): (request: WriterRequest) => void {
    return inProcessWriter(this.path, this.maxBytes, this.path === ':memory:' ? this.db : undefined, (r) => this.reply(r))
  }

  private startWorker(): (request: WriterRequest) => void {
    try {
      const { file, execArgv } = writerWorkerFile()
      const worker = new Worker(file, { workerData: { path: this.path, maxBytes: this.maxBytes }, ...(execArgv ? { execArgv } : {}) })
      worker.on('message', (r: WriterReply) => this.reply(r))
      worker.on('error', (e) => this.writerFailed(e))
      worker.unref()
      this.worker = worker
      return (request) => worker.postMessage(request)
    } catch (e) {
      // No worker here (or no better-sqlite3 path to give it): write on this thread instead.
      process.stderr.write(`session-inspector: the traffic log writes on the main thread (${e instanceof Error ? e.message : String(e)})\n`)
      return this.inProcess()
    }
  }

  /** The worker died: what it had not written is lost; the rest goes on in this thread. */
  private writerFailed(e: Error): void {
    this.worker = null
    this.noteWriteError(`the traffic log's writer stopped: ${e.message}`)
    for (const [, w] of this.waiting) w.reject(new Error(this.writeError ?? 'the traffic log writer stopped'))
    this.waiting.clear()
    this.send = this.inProcess()
  }

  private noteWriteError(message: string, e: unknown = message): void {
    this.health.fail('traffic', e)
    this.writeError = message
  }

  private reply(r: WriterReply): void {
    const w = this.waiting.get(r.seq)
    this.waiting.delete(r.seq)
    if (r.type === 'error') {
      this.noteWriteError(`cannot write the traffic log: ${r.message}`, Object.assign(new Error(r.message), r.code ? { code: r.code } : {}))
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
      this.queue.push(toWriterRow(entry))
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
    if (rows.length) {
      this.writeError = null
      this.health.ok('traffic')
    }
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
    let from = 'traffic t'
    if (input.search) {
      const text = input.search.toLowerCase()
      if ([...text].length >= MIN_INDEXED_SEARCH) {
        // The trigram index: a quoted phrase matches as a substring.
        from = 'traffic_search s JOIN traffic t ON t.id = s.rowid'
        where.push('traffic_search MATCH ?')
        args.push(`"${text.replace(/"/g, '""')}"`)
      } else {
        where.push("t.search LIKE ? ESCAPE '\\'")
        args.push(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      }
    }
    if (input.sessionKey) {
      where.push('(t.key_before = ? OR t.key_after = ?)')
      args.push(input.sessionKey, input.sessionKey)
    }
    if (input.effect) {
      where.push('t.effect = ?')
      args.push(input.effect)
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : ''
    // Search alone: counted and paged in the index itself (its rowids are the ids, newest first).
    if (from !== 'traffic t' && where.length === 1) return this.listMatches(args[0] as string, input)
    const total = this.db.prepare(`SELECT COUNT(*) FROM ${from} ${filter}`).pluck().get(...args) as number
    const page = input.before ? `${filter ? `${filter} AND` : 'WHERE'} t.id < ?` : filter
    const rows = this.db
      .prepare(`SELECT t.id AS id, t.entry AS entry FROM ${from} ${page} ORDER BY t.id DESC LIMIT ?`)
      .all(...args, ...(input.before ? [input.before] : []), input.limit ?? 1000) as { id: number; entry: string }[]
    return { entries: rows.map((r) => summaryFromStored(r.id, JSON.parse(r.entry) as StoredEntry)), total }
  }

  private listMatches(match: string, input: ListTrafficInput): { entries: TrafficSummary[]; total: number } {
    const total = this.db.prepare('SELECT COUNT(*) FROM traffic_search WHERE traffic_search MATCH ?').pluck().get(match) as number
    const ids = this.db
      .prepare(`SELECT rowid FROM traffic_search WHERE traffic_search MATCH ? ${input.before ? 'AND rowid < ?' : ''} ORDER BY rowid DESC LIMIT ?`)
      .pluck()
      .all(match, ...(input.before ? [input.before] : []), input.limit ?? 1000) as number[]
    const one = this.db.prepare('SELECT entry FROM traffic WHERE id = ?').pluck()
    const entries: TrafficSummary[] = []
    for (const id of ids) {
      const entry = one.get(id) as string | undefined
      if (entry !== undefined) entries.push(summaryFromStored(id, JSON.parse(entry) as StoredEntry))
    }
    return { entries, total }
  }

  /** A stored row as the whole entry, its session data loaded (each version parsed once). */
  private entryOf(row: StoredRow): TrafficEntry {
    const refs = JSON.parse(row.data_refs) as string[]
    const loaded = new Map<number, SessionData>()
    const data = (ref: number): SessionData => {
      let d = loaded.get(ref)
      if (d === undefined) {
        const text = this.db.prepare('SELECT data FROM session_data_text WHERE hash = ?').pluck().get(refs[ref]) as string | undefined
        d = text === undefined ? {} : (JSON.parse(text) as SessionData)
        loaded.set(ref, d)
      }
      return d
    }
    return entryFromStored(row.id, JSON.parse(row.entry) as StoredEntry, data)
  }

  async get(id: number): Promise<TrafficEntry | null> {
    await this.settled()
    const row = this.db.prepare('SELECT id, entry, data_refs FROM traffic WHERE id = ?').get(id) as StoredRow | undefined
    return row ? this.entryOf(row) : null
  }

  /** Full entries by id (HAR export), oldest first. */
  async getMany(ids: number[] | undefined): Promise<TrafficEntry[]> {
    await this.settled()
    const one = this.db.prepare('SELECT id, entry, data_refs FROM traffic WHERE id = ?')
    const rows = ids ? ids.map((id) => one.get(id)).filter(Boolean) : this.db.prepare('SELECT id, entry, data_refs FROM traffic ORDER BY id ASC').all()
    return (rows as StoredRow[]).map((r) => this.entryOf(r)).sort((a, b) => a.id - b.id)
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
