// The one inspection interface (issues 18 and 25): what the service asks of a session store,
// beyond what Django's SessionBase does. Django keeps listing, counting and cleaning in the
// model's manager (models.py), not in the store; so do we. Implemented once over the embedded
// engine's stores (engine-inspection.ts) and once over observe mode's AppStore
// (observe-inspection.ts). Every list is paged in the store (keyset or the store's own cursor,
// never OFFSET) and only the page is decoded.
import type { SessionData } from '../../../shared/json'
import type { SessionRecord } from '../session-store'

export interface PageQuery {
  /** How many sessions (a store with a cursor of its own, Redis SCAN, may give a few more). */
  limit: number
  /** The `next` of the page before. */
  cursor?: string | null
  /** Only keys starting with this, found through the store's key (primary key, SCAN MATCH). */
  keyPrefix?: string
}

export interface Page {
  records: SessionRecord[]
  /** null after the last page. */
  next: string | null
  /** The order of the pages, in words. */
  order: string
}

export interface Count {
  total: number
  exact: boolean
  note?: string
}

/** What the store cannot do, one sentence each; absent means it can. */
export interface InspectionLimits {
  list?: string
  count?: string
  edit?: string
}

export interface Inspection {
  readonly limits: InspectionLimits
  page(query: PageQuery): Promise<Page>
  count(): Promise<Count>
  /** One session, expired or not; null when the store has none. */
  read(key: string): Promise<SessionRecord | null>
  /** Saves new data under an existing key as a modification; the key it lives under after, or null when there is none. */
  save(key: string, data: SessionData): Promise<string | null>
  /** Makes a session expire for Django now; false when there is none. */
  expire(key: string): Promise<boolean>
  delete(key: string): Promise<boolean>
  clearExpired(): Promise<number>
}

/** A cursor the API hands out, as text: what the store needs to go on (base64url JSON). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

/** A cursor back as the store gave it; throws BadCursor when it is not one of ours. */
export function decodeCursor<T>(text: string | null | undefined, check: (v: unknown) => v is T): T | null {
  if (text === null || text === undefined || text === '') return null
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw new BadCursor()
  }
  if (!check(value)) throw new BadCursor()
  return value
}

export class BadCursor extends Error {
  constructor() {
    super('cursor: not a cursor this list gave (pass the `next` of the page before, unchanged)')
    this.name = 'BadCursor'
  }
}

/** A keyset position: the sort value (as the store writes it) and the key. */
export type KeysetCursor = { e: string; k: string }
export const isKeysetCursor = (v: unknown): v is KeysetCursor =>
  typeof v === 'object' && v !== null && typeof (v as KeysetCursor).e === 'string' && typeof (v as KeysetCursor).k === 'string'
/** A position in key order (key-prefix pages, directory listings). */
export type KeyCursor = { k: string }
export const isKeyCursor = (v: unknown): v is KeyCursor => typeof v === 'object' && v !== null && typeof (v as KeyCursor).k === 'string'

export const ORDER_BY_EXPIRY = 'expire_date DESC, session_key (the latest expiry first)'
export const ORDER_BY_KEY = 'session_key (key-prefix search through the primary key)'

/** The highest key that starts with prefix, for a range over a text key (SQLite: byte order). */
export function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`
}

/** LIKE pattern for a prefix, with % _ and \ escaped (ESCAPE '\'). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '\\$&')}%`
}

/**
 * One page of keys held in memory or listed by name (a directory, memcached's metadump, the
 * cookies seen in traffic): in key order after the cursor. Only the page's keys are read.
 */
export function keyOrderPage(keys: Iterable<string>, q: PageQuery): { keys: string[]; next: string | null } {
  const after = decodeCursor(q.cursor, isKeyCursor)?.k ?? ''
  const prefix = q.keyPrefix ?? ''
  const picked: string[] = []
  for (const k of keys) if (k > after && k.startsWith(prefix)) picked.push(k)
  picked.sort()
  const page = picked.slice(0, q.limit)
  const last = page.at(-1)
  return { keys: page, next: picked.length > q.limit && last ? encodeCursor({ k: last }) : null }
}
