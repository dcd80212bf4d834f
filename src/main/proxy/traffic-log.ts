// The traffic log: every proxied request with its session before and after and the
// middleware's reason, in SQLite in the data dir so it survives a restart. Writes are
// batched (a burst of 1,000 requests a second is one transaction every 50 ms); ids are
// assigned at once so the live event and the row agree.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ListTrafficInput, TrafficEntry, TrafficSummary } from '../../shared/api'

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
  search TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traffic_key_before ON traffic (key_before);
CREATE INDEX IF NOT EXISTS traffic_key_after ON traffic (key_after);
`

type Detail = Omit<TrafficEntry, keyof TrafficSummary>

function split(entry: TrafficEntry): { summary: TrafficSummary; detail: Detail } {
  const { requestHeaders, responseHeaders, xSession, xSessionUpdate, rejectedUpdate, decision, droppedCookies, ...summary } = entry
  const detail: Detail = { requestHeaders, responseHeaders, xSession, xSessionUpdate, decision, droppedCookies }
  if (rejectedUpdate !== undefined) detail.rejectedUpdate = rejectedUpdate
  return { summary, detail }
}

export class TrafficLog {
  private readonly db: Database.Database
  private queue: TrafficEntry[] = []
  private timer: NodeJS.Timeout | null = null
  private lastId: number
  private readonly insert: Database.Statement
  private closed = false

  constructor(
    path: string,
    private readonly retention = 100_000
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
    this.lastId = (this.db.prepare('SELECT MAX(id) AS id FROM traffic').get() as { id: number | null }).id ?? 0
    this.insert = this.db.prepare(
      'INSERT INTO traffic (id, time, method, url, status, effect, key_before, key_after, search, summary, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    )
  }

  /** The id the next entry will get. */
  nextId(): number {
    return ++this.lastId
  }

  /** Queues an entry (its id from nextId()); written within 50 ms. */
  add(entry: TrafficEntry): void {
    if (this.closed) return
    this.queue.push(entry)
    this.timer ??= setTimeout(() => this.flush(), 50)
  }

  /** Writes what is queued, then trims to the retention limit. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.queue.length === 0 || this.closed) return
    const batch = this.queue
    this.queue = []
    this.db.transaction(() => {
      for (const entry of batch) {
        const { summary, detail } = split(entry)
        const search = [entry.method, entry.url, entry.status ?? '', entry.reason, entry.error ?? '', entry.sessionBefore?.key ?? '', entry.sessionAfter?.key ?? '', entry.effect]
          .join(' ')
          .toLowerCase()
        this.insert.run(entry.id, entry.time, entry.method, entry.url, entry.status, entry.effect, entry.sessionBefore?.key ?? null, entry.sessionAfter?.key ?? null, search, JSON.stringify(summary), JSON.stringify(detail))
      }
      this.db.prepare('DELETE FROM traffic WHERE id <= ?').run(this.lastId - this.retention)
    })()
  }

  list(input: ListTrafficInput): { entries: TrafficSummary[]; total: number } {
    this.flush()
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

  get(id: number): TrafficEntry | null {
    this.flush()
    const row = this.db.prepare('SELECT summary, detail FROM traffic WHERE id = ?').get(id) as { summary: string; detail: string } | undefined
    return row ? { ...(JSON.parse(row.summary) as TrafficSummary), ...(JSON.parse(row.detail) as Detail) } : null
  }

  /** Full entries by id (HAR export), oldest first. */
  getMany(ids: number[] | undefined): TrafficEntry[] {
    this.flush()
    const rows = ids
      ? ids.map((id) => this.db.prepare('SELECT summary, detail FROM traffic WHERE id = ?').get(id)).filter(Boolean)
      : this.db.prepare('SELECT summary, detail FROM traffic ORDER BY id ASC').all()
    return (rows as { summary: string; detail: string }[])
      .map((r) => ({ ...(JSON.parse(r.summary) as TrafficSummary), ...(JSON.parse(r.detail) as Detail) }))
      .sort((a, b) => a.id - b.id)
  }

  clear(): number {
    this.flush()
    return this.db.prepare('DELETE FROM traffic').run().changes
  }

  close(): void {
    if (this.closed) return
    this.flush()
    this.closed = true
    this.db.close()
  }
}
