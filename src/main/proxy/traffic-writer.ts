// The traffic log's writer: the one connection that inserts, trims and clears, run in a
// worker thread (traffic-writer-worker.ts) so that SQLite's inserts, hashing session data
// and decoding X-Session stay off the thread that proxies; where a worker cannot start, the
// same function runs in-process. Trimming (the count retention, the byte budget) and the
// upgrade of an older log run in small batches between writes, each its own short
// transaction, so that no other connection waits long for the write lock.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { decodeHeaders, toWriterRow, type WriterRow } from './traffic-codec'
import { legacyEntry, type LegacyRow } from './traffic-legacy'
import { hasLegacyTraffic, migrateInspectorDatabase } from './traffic-schema'

export type WriterRequest =
  /** trimThrough: the count retention's cut (ids up to it go); the byte budget is the writer's own. */
  | { type: 'write'; seq: number; rows: WriterRow[]; trimThrough: number }
  | { type: 'clear'; seq: number }
  | { type: 'close'; seq: number }

export type WriterReply =
  | { type: 'done'; seq: number; changes?: number }
  /** code: SQLite's (SQLITE_FULL, SQLITE_BUSY, ...) when it gave one. */
  | { type: 'error'; seq: number; message: string; code?: string }

/** What the writer needs of a message port (worker_threads' parentPort, or an in-process stand-in). */
export interface WriterPort {
  on(event: 'message', listener: (request: WriterRequest) => void): unknown
  postMessage(reply: WriterReply): void
}

export interface WriterOptions {
  path: string
  maxBytes: number
}

/** In-process only: the caller's own connection (':memory:' is one database per connection). */
export interface InProcessOptions extends WriterOptions {
  db?: Database.Database
}

/** Rows deleted, or older rows upgraded, per transaction: tens of milliseconds of write lock (FTS5's deletes are most of it). */
export const TRIM_BATCH = 500
const UPGRADE_BATCH = 500
/** The least pause between two background batches. */
const BATCH_PAUSE_MS = 5

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url')

/** The writer thread's body: opens its own connection and answers the port's requests in order. */
export function trafficWriter(port: WriterPort, options: InProcessOptions): void {
  const db = options.db ?? new Database(options.path)
  migrateInspectorDatabase(db)
  const insert = db.prepare('INSERT INTO traffic (id, effect, key_before, key_after, search, entry, data_refs, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const insertSearch = db.prepare('INSERT INTO traffic_search (rowid, search) VALUES (?, ?)')
  const dataExists = db.prepare('UPDATE session_data SET last_id = max(last_id, ?) WHERE hash = ?')
  const insertData = db.prepare('INSERT INTO session_data (hash, bytes, last_id) VALUES (?, ?, ?)')
  const insertText = db.prepare('INSERT OR REPLACE INTO session_data_text (hash, data) VALUES (?, ?)')
  const oldestId = db.prepare('SELECT MIN(id) AS id FROM traffic').pluck()
  const oldest = db.prepare('SELECT id, bytes FROM traffic WHERE id < ? ORDER BY id LIMIT ?')
  const dataFreedAt = db.prepare('SELECT COALESCE(SUM(bytes), 0) FROM session_data WHERE last_id = ?').pluck()
  const bytesThrough = db.prepare('SELECT (SELECT COALESCE(SUM(bytes), 0) FROM traffic WHERE id <= ?) + (SELECT COALESCE(SUM(bytes), 0) FROM session_data WHERE last_id <= ?)').pluck()
  const trimRows = db.prepare('DELETE FROM traffic WHERE id <= ?')
  const trimSearch = db.prepare("INSERT INTO traffic_search (traffic_search, rowid, search) SELECT 'delete', id, search FROM traffic WHERE id <= ?")
  const trimText = db.prepare('DELETE FROM session_data_text WHERE hash IN (SELECT hash FROM session_data WHERE last_id <= ?)')
  const trimData = db.prepare('DELETE FROM session_data WHERE last_id <= ?')
  let total = db.prepare('SELECT (SELECT COALESCE(SUM(bytes), 0) FROM traffic) + (SELECT COALESCE(SUM(bytes), 0) FROM session_data)').pluck().get() as number
  let newest = (db.prepare('SELECT MAX(id) FROM traffic').pluck().get() as number | null) ?? 0
  /** The count retention's cut so far (ids up to it go), and whether a trim batch is due. */
  let countCut = 0
  let scheduled = false
  let closed = false
  let upgrading = hasLegacyTraffic(db)

  const store = (row: WriterRow) => {
    const refs: string[] = []
    const add = (text: string) => {
      const hash = sha256(text)
      let ref = refs.indexOf(hash)
      if (ref >= 0) return ref
      if (dataExists.run(row.id, hash).changes === 0) {
        const bytes = Buffer.byteLength(text)
        insertData.run(hash, bytes, row.id)
        insertText.run(hash, text)
        total += bytes
      }
      ref = refs.push(hash) - 1
      return ref
    }
    for (const text of row.texts) add(text)
    decodeHeaders(row, add)
    const entry = JSON.stringify(row.entry)
    const bytes = Buffer.byteLength(entry)
    insert.run(row.id, row.effect, row.keyBefore, row.keyAfter, row.search, entry, JSON.stringify(refs), bytes)
    insertSearch.run(row.id, row.search)
    total += bytes
    if (row.id > newest) newest = row.id
  }
  const write = db.transaction((rows: WriterRow[]) => {
    for (const row of rows) store(row)
  })

  /** Entries through `through` go, with the session data only they named. */
  const trimTo = db.transaction((through: number) => {
    total -= bytesThrough.get(through, through) as number
    trimSearch.run(through)
    trimRows.run(through)
    trimText.run(through)
    trimData.run(through)
  })

  /** How far one batch trims now: the count retention first, then the byte budget (never the newest entry). */
  const nextCut = (): number => {
    const first = oldestId.get() as number | null
    if (first === null) return 0
    if (countCut >= first) return Math.min(countCut, first + TRIM_BATCH - 1)
    if (total <= options.maxBytes) return 0
    let over = total - options.maxBytes
    let through = 0
    for (const r of oldest.all(newest, TRIM_BATCH) as { id: number; bytes: number }[]) {
      over -= r.bytes + (dataFreedAt.get(r.id) as number)
      through = r.id
      if (over <= 0) break
    }
    return through
  }

  const legacy = upgrading ? db.prepare('SELECT id, summary, detail FROM traffic_v1 ORDER BY id DESC LIMIT ?') : null
  const dropLegacy = upgrading ? db.prepare('DELETE FROM traffic_v1 WHERE id >= ?') : null
  /** One batch of an older log's rows (newest first) in format 2; true while some remain. */
  const upgradeBatch = db.transaction((): boolean => {
    const rows = (legacy?.all(UPGRADE_BATCH) ?? []) as LegacyRow[]
    for (const row of rows) {
      if (row.id <= countCut) continue
      try {
        store(toWriterRow(legacyEntry(row)))
      } catch {
        // a damaged row of the old log: not carried over
      }
    }
    if (rows.length < UPGRADE_BATCH) {
      db.exec('DROP TABLE traffic_v1')
      return false
    }
    dropLegacy?.run((rows[rows.length - 1] as LegacyRow).id)
    return true
  })

  /** One trim batch, if one is due; true if it trimmed. A failure (busy, full) waits for the next write. */
  const trimBatch = (): boolean => {
    try {
      const through = nextCut()
      if (through > 0) trimTo(through)
      return through > 0
    } catch {
      return false
    }
  }

  /**
   * One batch of background work, then a pause as long as the batch took (at least
   * BATCH_PAUSE_MS): the write lock is free half the time, so another connection on the
   * file (the clients' saves) gets it at its next try instead of losing every race.
   */
  let pause = BATCH_PAUSE_MS
  const step = () => {
    scheduled = false
    if (closed) return
    const started = performance.now()
    try {
      if (upgrading) upgrading = upgradeBatch()
    } catch {
      // busy or full: tried again after the next write
      return
    }
    const more = upgrading || trimBatch()
    pause = Math.max(BATCH_PAUSE_MS, performance.now() - started)
    if (more) schedule()
  }
  const schedule = () => {
    if (scheduled || closed) return
    scheduled = true
    setTimeout(step, pause)
  }
  if (upgrading) schedule()

  const fail = (seq: number, e: unknown) => {
    const code = (e as { code?: unknown }).code
    port.postMessage({ type: 'error', seq, message: e instanceof Error ? e.message : String(e), ...(typeof code === 'string' ? { code } : {}) })
  }

  port.on('message', (request) => {
    try {
      if (request.type === 'write') {
        countCut = Math.max(countCut, request.trimThrough)
        if (request.rows.length) write(request.rows)
        // One trim batch before the answer (what a steady stream needs: reads see the log
        // within its limits); a longer backlog goes on in the background.
        if (!upgrading) trimBatch()
        port.postMessage({ type: 'done', seq: request.seq })
        schedule()
      } else if (request.type === 'clear') {
        db.exec("INSERT INTO traffic_search (traffic_search) VALUES ('delete-all')")
        const changes = db.prepare('DELETE FROM traffic').run().changes + (upgrading ? db.prepare('DELETE FROM traffic_v1').run().changes : 0)
        db.exec('DELETE FROM session_data; DELETE FROM session_data_text')
        total = 0
        port.postMessage({ type: 'done', seq: request.seq, changes })
      } else {
        closed = true
        if (!options.db) db.close()
        port.postMessage({ type: 'done', seq: request.seq })
      }
    } catch (e) {
      fail(request.seq, e)
      // Whatever did not fit: trimming may make room for the next write.
      schedule()
    }
  })
}
