// inspector.sqlite3's schema (the traffic log and the browser clients), and every upgrade
// of it, in one place: PRAGMA user_version says which migrations have run. Whoever opens
// the file calls migrateInspectorDatabase() first; it is idempotent and safe to race.
import type Database from 'better-sqlite3'

/** Wait this long for another connection's write lock before SQLITE_BUSY (trims run in short batches). */
export const BUSY_TIMEOUT_MS = 5000

/** Format 2 (user_version 1): entries with named fields, session data once per version, FTS5 search. */
const SCHEMA_1 = `
CREATE TABLE traffic (
  id INTEGER PRIMARY KEY,
  effect TEXT NOT NULL,
  key_before TEXT,
  key_after TEXT,
  search TEXT NOT NULL,
  -- StoredEntry (traffic-codec.ts) as JSON; its session data are indexes into data_refs
  entry TEXT NOT NULL,
  -- JSON array of session_data hashes
  data_refs TEXT NOT NULL,
  -- UTF-8 bytes of entry, for the byte budget (session_data counts its own)
  bytes INTEGER NOT NULL
);
CREATE INDEX traffic_by_key_before ON traffic (key_before);
CREATE INDEX traffic_by_key_after ON traffic (key_after);
CREATE INDEX traffic_by_effect ON traffic (effect);
-- Each version of a session's data once, by the SHA-256 of its JSON text. last_id: the newest
-- entry naming it, so that trimming entries through id N drops the data with last_id <= N.
-- The text is in a table of its own: SQLite rewrites a whole row on UPDATE, and last_id
-- changes on every request that names the data.
CREATE TABLE session_data (
  hash TEXT PRIMARY KEY,
  bytes INTEGER NOT NULL,
  last_id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_data_by_last_id ON session_data (last_id);
CREATE TABLE session_data_text (
  hash TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
-- Substring search over traffic.search (method, URL, status, reason, keys): trigrams, by rowid.
-- External content: a trimmed row is taken out with FTS5's 'delete' command and its text,
-- which costs far less than contentless_delete's tombstones (whose merges took seconds).
CREATE VIRTUAL TABLE traffic_search USING fts5(search, content='traffic', content_rowid='id', tokenize='trigram');
CREATE TABLE IF NOT EXISTS clients (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL
);
`

type Db = Database.Database

const hasTable = (db: Db, name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined

/** Each step takes the database from user_version i to i + 1. */
const MIGRATIONS: ((db: Db) => void)[] = [
  (db) => {
    // Before user_version: the traffic table held JSON (formats 0 and 1). It is kept aside as
    // traffic_v1 and its rows are upgraded in the background by the writer (traffic-writer.ts).
    if (hasTable(db, 'traffic')) {
      // Not a traffic log of ours (no such column): SQLite's error, for the caller to move the file aside.
      db.prepare('SELECT id, summary, detail FROM traffic LIMIT 0').all()
      db.exec('ALTER TABLE traffic RENAME TO traffic_v1; DROP INDEX IF EXISTS traffic_key_before; DROP INDEX IF EXISTS traffic_key_after')
    }
    db.exec(SCHEMA_1)
  }
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Sets the connection's options and brings the schema to SCHEMA_VERSION. */
export function migrateInspectorDatabase(db: Db): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // A WAL grown by a burst is cut back after its next checkpoint (a small disk matters).
  db.pragma('journal_size_limit = 8388608')
  const version = () => db.pragma('user_version', { simple: true }) as number
  if (version() === SCHEMA_VERSION) return
  db.transaction(() => {
    const from = version()
    if (from > SCHEMA_VERSION) {
      throw new Error(`${db.name} was written by a newer Session Inspector (schema ${from}; this one knows up to ${SCHEMA_VERSION})`)
    }
    for (let v = from; v < SCHEMA_VERSION; v++) (MIGRATIONS[v] as (db: Db) => void)(db)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }).immediate()
}

/** Entries of an older log still waiting to be upgraded (the writer empties and drops traffic_v1). */
export function hasLegacyTraffic(db: Db): boolean {
  return hasTable(db, 'traffic_v1')
}
