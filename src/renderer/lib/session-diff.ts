// The session before and after one request, key by key: added, removed, changed, same.
import type { Json, SessionData } from '../../shared/json'

export type DiffKind = 'added' | 'removed' | 'changed' | 'same'

export interface DiffRow {
  key: string
  kind: DiffKind
  before?: Json
  after?: Json
}

export interface SessionDiff {
  rows: DiffRow[]
  counts: Record<DiffKind, number>
}

/** Deep equality of JSON values; key order in objects does not matter (Django's dict does not keep it on the wire). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => jsonEqual(x, b[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]))
}

/** Compares the top-level keys, sorted; null stands for "no session". */
export function diffSessions(before: SessionData | null, after: SessionData | null): SessionDiff {
  const b = before ?? {}
  const a = after ?? {}
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
  const counts: Record<DiffKind, number> = { added: 0, removed: 0, changed: 0, same: 0 }
  const rows = keys.map((key): DiffRow => {
    const inBefore = Object.prototype.hasOwnProperty.call(b, key)
    const inAfter = Object.prototype.hasOwnProperty.call(a, key)
    const kind: DiffKind = !inBefore ? 'added' : !inAfter ? 'removed' : jsonEqual(b[key], a[key]) ? 'same' : 'changed'
    counts[kind]++
    const row: DiffRow = { key, kind }
    if (inBefore) row.before = b[key]
    if (inAfter) row.after = a[key]
    return row
  })
  return { rows, counts }
}

/** A value as the diff shows it: primitives inline, objects and arrays as indented JSON. */
export function showJson(value: Json | undefined): string {
  if (value === undefined) return ''
  return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : JSON.stringify(value)
}
