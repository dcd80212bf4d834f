// The traffic log's writer: the one connection that inserts, trims and clears, run in a
// worker thread so that SQLite's inserts and WAL checkpoints (tens of microseconds a request,
// and a pause of 10 ms or more every few thousand rows) stay off the thread that proxies.
// trafficWriter() is sent to the worker as source text, so it uses nothing but its
// arguments; where a worker cannot start, the same function runs in-process.

/** One traffic row, in the table's column order (serialised on the proxy's thread). */
export type TrafficRow = [
  id: number,
  time: string,
  method: string,
  url: string,
  status: number | null,
  effect: string,
  keyBefore: string | null,
  keyAfter: string | null,
  /** UTF-8 bytes of summary + detail, for the log's byte budget. */
  bytes: number,
  search: string,
  summary: string,
  detail: string
]

export type WriterRequest =
  /** trimThrough: the count retention's cut (ids up to it go); the byte budget is the writer's own. */
  | { type: 'write'; seq: number; rows: TrafficRow[]; trimThrough: number }
  | { type: 'clear'; seq: number }
  | { type: 'close'; seq: number }

export type WriterReply = { type: 'done'; seq: number; changes?: number } | { type: 'error'; seq: number; message: string }

/** What the writer needs of a message port (worker_threads' parentPort, or an in-process stand-in). */
export interface WriterPort {
  on(event: 'message', listener: (request: WriterRequest) => void): unknown
  postMessage(reply: WriterReply): void
}

/** The better-sqlite3 constructor, as much of it as the writer uses. */
export interface WriterDatabase {
  new (path: string): {
    pragma(source: string): unknown
    prepare(source: string): { run(...args: unknown[]): { changes: number }; get(...args: unknown[]): unknown; iterate(...args: unknown[]): IterableIterator<unknown> }
    transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void
    close(): unknown
  }
}

export const TRAFFIC_COLUMNS = 'id, time, method, url, status, effect, key_before, key_after, bytes, search, summary, detail'

/**
 * The writer thread's body. The table exists already: the log creates it before starting this.
 * Besides the count retention (trimThrough), it keeps the stored bytes within `maxBytes`,
 * dropping the oldest entries (never the newest one).
 */
export function trafficWriter(Database: WriterDatabase, port: WriterPort, options: { path: string; columns: string; maxBytes: number }): void {
  const db = new Database(options.path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const insert = db.prepare(`INSERT INTO traffic (${options.columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const trim = db.prepare('DELETE FROM traffic WHERE id <= ?')
  const clear = db.prepare('DELETE FROM traffic')
  const bytesThrough = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM traffic WHERE id <= ?')
  const oldest = db.prepare('SELECT id, bytes FROM traffic ORDER BY id')
  let total = (db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM traffic').get() as { n: number }).n
  const write = db.transaction((rows: TrafficRow[], trimThrough: number) => {
    for (const row of rows) {
      insert.run(...row)
      total += row[8]
    }
    if (trimThrough > 0) {
      total -= (bytesThrough.get(trimThrough) as { n: number }).n
      trim.run(trimThrough)
    }
    if (total <= options.maxBytes) return
    const newest = rows.length ? (rows[rows.length - 1] as TrafficRow)[0] : Infinity
    let through = 0
    for (const r of oldest.iterate() as IterableIterator<{ id: number; bytes: number }>) {
      if (total <= options.maxBytes || r.id >= newest) break
      total -= r.bytes
      through = r.id
    }
    if (through > 0) trim.run(through)
  })
  port.on('message', (request) => {
    try {
      if (request.type === 'write') {
        write(request.rows, request.trimThrough)
        port.postMessage({ type: 'done', seq: request.seq })
      } else if (request.type === 'clear') {
        const changes = clear.run().changes
        total = 0
        port.postMessage({ type: 'done', seq: request.seq, changes })
      } else {
        db.close()
        port.postMessage({ type: 'done', seq: request.seq })
      }
    } catch (e) {
      port.postMessage({ type: 'error', seq: request.seq, message: e instanceof Error ? e.message : String(e) })
    }
  })
}
