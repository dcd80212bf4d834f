// Immutable edits of a JSON value by path, for the session data editor.
import { checkJson, describeNonJson, isPlainObject, type Json, type SessionData } from '../../shared/json'

export type JsonPath = readonly (string | number)[]
export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array'
export const JSON_KINDS: readonly JsonKind[] = ['string', 'number', 'boolean', 'null', 'object', 'array']

export function kindOf(value: Json): JsonKind {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value as JsonKind
}

/** A stable id for a path (error bookkeeping, React keys, labels). */
export function pathId(path: JsonPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '$'
}

export function setAt(root: Json, path: JsonPath, value: Json): Json {
  if (path.length === 0) return value
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  if (Array.isArray(root) && typeof head === 'number') {
    const copy = root.slice()
    copy[head] = setAt(root[head] ?? null, rest, value)
    return copy
  }
  if (isPlainObject(root) && typeof head === 'string') {
    return { ...root, [head]: setAt((root as Record<string, Json>)[head] ?? null, rest, value) }
  }
  throw new Error(`no ${pathId(path)} in this value`)
}

export function removeAt(root: Json, path: JsonPath): Json {
  if (path.length === 0) throw new Error('cannot remove the root')
  const parentPath = path.slice(0, -1)
  const last = path[path.length - 1]
  const parent = getAt(root, parentPath)
  if (Array.isArray(parent) && typeof last === 'number') return setAt(root, parentPath, parent.filter((_, i) => i !== last))
  if (isPlainObject(parent) && typeof last === 'string') {
    const copy = { ...(parent as Record<string, Json>) }
    delete copy[last]
    return setAt(root, parentPath, copy)
  }
  throw new Error(`no ${pathId(path)} in this value`)
}

export function getAt(root: Json, path: JsonPath): Json | undefined {
  let node: Json | undefined = root
  for (const part of path) {
    if (Array.isArray(node) && typeof part === 'number') node = node[part]
    else if (isPlainObject(node) && typeof part === 'string') node = (node as Record<string, Json>)[part]
    else return undefined
  }
  return node
}

/** The value a node gets when its type is switched, keeping what can be kept. */
export function convertTo(value: Json, kind: JsonKind): Json {
  switch (kind) {
    case 'string':
      return value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)
    case 'number': {
      const n = typeof value === 'string' ? Number(value) : typeof value === 'boolean' ? Number(value) : NaN
      return Number.isFinite(n) ? n : 0
    }
    case 'boolean':
      return typeof value === 'string' ? value === 'true' : Boolean(value) && !(Array.isArray(value) && value.length === 0)
    case 'null':
      return null
    case 'object':
      return isPlainObject(value) ? value : {}
    case 'array':
      return Array.isArray(value) ? value : []
  }
}

/** Parses the raw JSON mode's text into session data, or says precisely why not. */
export function parseSessionJson(text: string): { ok: true; data: SessionData } | { ok: false; error: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, error: `Invalid JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (!isPlainObject(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`
    return { ok: false, error: `The session data must be a JSON object ({"key": value, …}), got ${got}` }
  }
  const bad = checkJson(value)
  if (bad) return { ok: false, error: bad.tooDeep ? describeNonJson(bad) : `${bad.path} is not a finite number (JSON cannot hold it)` }
  return { ok: true, data: value as SessionData }
}

/** Reads a number as typed in a field; null when it is not one. */
export function parseNumberText(text: string): number | null {
  if (!/^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
