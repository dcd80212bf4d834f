/** A JSON value: what a session may hold (Django's JSONSerializer is the only serializer). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** The session dict, `_session_expiry` and `testcookie` included. */
export type SessionData = Record<string, Json>

/** True for a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * How deep session data may nest (containers inside containers, the session dict itself
 * counting as one). Far past any real session, well inside what Python's json (about 1,000)
 * and every check here can walk: deeper input from outside is refused, never walked into.
 */
export const MAX_JSON_DEPTH = 100

/** Why a value is not session JSON: the path of the offending part, and whether it nests too deep. */
export interface NonJson {
  path: string
  tooDeep: boolean
}

/**
 * Checks that a value is JSON (finite numbers, plain objects, arrays, strings, booleans, null)
 * nested at most MAX_JSON_DEPTH deep; `depth` is how many containers already enclose `value`.
 * Returns the first offending part, or null when the value is JSON.
 */
export function checkJson(value: unknown, path = '$', depth = 0): NonJson | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, tooDeep: false }
  const container = Array.isArray(value) || (isPlainObject(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null))
  if (!container) return { path, tooDeep: false }
  if (depth >= MAX_JSON_DEPTH) return { path, tooDeep: true }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = checkJson(value[i], `${path}[${i}]`, depth + 1)
      if (bad) return bad
    }
    return null
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const bad = checkJson(v, `${path}.${k}`, depth + 1)
    if (bad) return bad
  }
  return null
}

/** One line for a NonJson: "data.x is not a JSON value", or that it nests too deep. */
export function describeNonJson(bad: NonJson): string {
  if (!bad.tooDeep) return `${bad.path} is not a JSON value`
  const path = bad.path.length > 80 ? `${bad.path.slice(0, 80)}…` : bad.path
  return `${path} nests more than ${MAX_JSON_DEPTH} levels deep (session data may nest at most ${MAX_JSON_DEPTH} levels)`
}

/** A deep copy of JSON data. */
export function cloneJson<T extends Json | SessionData>(value: T): T {
  return structuredClone(value)
}
