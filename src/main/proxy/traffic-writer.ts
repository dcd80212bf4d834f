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
  search: string,
  summary: string,
  detail: string
]

export type WriterRequest =
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
    prepare(source: string): { run(...args: unknown[]): { changes: number } }
    transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void
    close(): unknown
  }
}

export const TRAFFIC_COLUMNS = 'id, time, method, url, status, effect, key_before, key_after, search, summary, detail'

/** The writer thread's body. The table exists already: the log creates it before starting this. */
export function trafficWriter(Database: WriterDatabase, port: WriterPort, options: { path: string; columns: string }): void {
  const db = new Database(options.path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const insert = db.prepare(`INSERT INTO traffic (${options.columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const trim = db.prepare('DELETE FROM traffic WHERE id <= ?')
  const clear = db.prepare('DELETE FROM traffic')
  const write = db.transaction((rows: TrafficRow[], trimThrough: number) => {
    for (const row of rows) insert.run(...row)
    if (trimThrough > 0) trim.run(trimThrough)
  })
  port.on('message', (request) => {
    try {
      if (request.type === 'write') {
        write(request.rows, request.trimThrough)
        port.postMessage({ type: 'done', seq: request.seq })
      } else if (request.type === 'clear') {
        port.postMessage({ type: 'done', seq: request.seq, changes: clear.run().changes })
      } else {
        db.close()
        port.postMessage({ type: 'done', seq: request.seq })
      }
    } catch (e) {
      port.postMessage({ type: 'error', seq: request.seq, message: e instanceof Error ? e.message : String(e) })
    }
  })
}
