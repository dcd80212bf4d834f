// Observe mode's journal (issue 18): every change the clock makes to the app's own store (an
// expiry moved, a TTL shortened, a file's mtime aged, a run-out cache entry kept aside) is
// written here, and flushed to disk (synchronous=FULL), before it is applied. Giving the time
// back reads it: each value goes back exactly as it was, unless Django wrote it since. A kill
// -9 loses nothing: the next start (or `session-inspector restore`) gives back what is left.
import Database from 'better-sqlite3'

/** What one change did to one key: `old` as it was before the first change, `prev` before this one, `next` after. */
export interface JournalEntry {
  key: string
  old: string
  prev: string
  next: string
  /** A kept-aside cache entry: its value (and flags); a TTL change: nothing. */
  extra?: Buffer | null
}

/** One change about to be applied: the key, its value now, and the value it gets. */
export interface JournalChange {
  key: string
  from: string
  to: string
  extra?: Buffer | null
}

export type JournalKind = 'expiry' | 'ttl' | 'parked' | 'mtime'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS change (
  store TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  old TEXT NOT NULL,
  prev TEXT NOT NULL,
  next TEXT NOT NULL,
  extra BLOB,
  PRIMARY KEY (store, kind, key)
) WITHOUT ROWID;
`

export class Journal {
  private readonly db: Database.Database
  private readonly upsert: Database.Statement
  private readonly drop: Database.Statement

  constructor(readonly path: string) {
    try {
      this.db = new Database(path)
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
      this.db.pragma('busy_timeout = 5000')
      this.db.exec(SCHEMA)
    } catch (e) {
      throw new Error(`cannot open observe mode's journal ${path}: ${(e as Error).message}`)
    }
    // A key changed again keeps the value it had first, unless someone else (Django) wrote it
    // since our last change: then what it holds now is the value to give back.
    this.upsert = this.db.prepare(`INSERT INTO change (store, kind, key, old, prev, next, extra) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (store, kind, key) DO UPDATE SET
        old = CASE WHEN change.next = excluded.prev THEN change.old ELSE excluded.old END,
        prev = excluded.prev, next = excluded.next, extra = coalesce(excluded.extra, change.extra)`)
    this.drop = this.db.prepare('DELETE FROM change WHERE store = ? AND kind = ? AND key = ?')
  }

  /** Records changes about to be applied, durably (one transaction, fsync'd) before it returns. */
  record(store: string, kind: JournalKind, changes: readonly JournalChange[]): void {
    if (!changes.length) return
    this.db.transaction(() => {
      for (const c of changes) this.upsert.run(store, kind, c.key, c.from, c.from, c.to, c.extra ?? null)
    })()
  }

  /** The entries of one store and kind, in key order, after `after`. */
  entries(store: string, kind: JournalKind, after: string | null, limit: number): JournalEntry[] {
    return this.db
      .prepare('SELECT key, old, prev, next, extra FROM change WHERE store = ? AND kind = ? AND key > ? ORDER BY key LIMIT ?')
      .all(store, kind, after ?? '', limit) as JournalEntry[]
  }

  get(store: string, kind: JournalKind, key: string): JournalEntry | undefined {
    return this.db.prepare('SELECT key, old, prev, next, extra FROM change WHERE store = ? AND kind = ? AND key = ?').get(store, kind, key) as JournalEntry | undefined
  }

  /** Forgets entries once their value is back (or Django's own write stands). */
  forget(store: string, kind: JournalKind, keys: readonly string[]): void {
    if (!keys.length) return
    this.db.transaction(() => {
      for (const k of keys) this.drop.run(store, kind, k)
    })()
  }

  count(store?: string): number {
    const row = (store === undefined ? this.db.prepare('SELECT COUNT(*) AS n FROM change').get() : this.db.prepare('SELECT COUNT(*) AS n FROM change WHERE store = ?').get(store)) as { n: number }
    return row.n
  }

  /** The stores with changes not yet given back, with how many. */
  stores(): { store: string; count: number }[] {
    return this.db.prepare('SELECT store, COUNT(*) AS count FROM change GROUP BY store ORDER BY store').all() as { store: string; count: number }[]
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

/** One store's part of the journal. */
export class StoreJournal {
  constructor(
    private readonly journal: Journal,
    readonly store: string
  ) {}
  record(kind: JournalKind, changes: readonly JournalChange[]): void {
    this.journal.record(this.store, kind, changes)
  }
  entries(kind: JournalKind, after: string | null, limit: number): JournalEntry[] {
    return this.journal.entries(this.store, kind, after, limit)
  }
  get(kind: JournalKind, key: string): JournalEntry | undefined {
    return this.journal.get(this.store, kind, key)
  }
  forget(kind: JournalKind, keys: readonly string[]): void {
    this.journal.forget(this.store, kind, keys)
  }
  count(): number {
    return this.journal.count(this.store)
  }
}

/** What a give-back did, for the CLI's restore and the log. */
export interface GiveBackReport {
  /** Values put back as they were. */
  restored: number
  /** Left as they are: Django wrote them since (its write is the user's), or the entry is gone. */
  left: number
}

/** Rows a clock change moves per batch, each batch journaled then applied in its own short transaction. */
export const BATCH = 1000

/** Walks a store's journal of one kind batch by batch, giving each batch back and forgetting it. */
export async function giveBackKind(
  journal: StoreJournal,
  kind: JournalKind,
  apply: (batch: JournalEntry[]) => Promise<number>,
  report: GiveBackReport,
  progress?: (done: number) => void
): Promise<void> {
  let done = 0
  for (;;) {
    // Forgotten as they are given back, so each page starts from the first left.
    const batch = journal.entries(kind, null, BATCH)
    if (!batch.length) return
    const restored = await apply(batch)
    journal.forget(
      kind,
      batch.map((e) => e.key)
    )
    report.restored += restored
    report.left += batch.length - restored
    done += batch.length
    progress?.(done)
  }
}
