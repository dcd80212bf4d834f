/** A JSON value: what a session may hold (Django's JSONSerializer is the only serializer). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** The session dict, `_session_expiry` and `testcookie` included. */
export type SessionData = Record<string, Json>

/** True for a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Checks that a value is JSON (finite numbers, plain objects, arrays, strings, booleans, null).
 * Returns the path of the first offending part, or null when the value is JSON.
 */
export function findNonJson(value: unknown, path = '$'): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null
  if (typeof value === 'number') return Number.isFinite(value) ? null : path
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findNonJson(value[i], `${path}[${i}]`)
      if (bad) return bad
    }
    return null
  }
  const proto = isPlainObject(value) ? Object.getPrototypeOf(value) : undefined
  if (proto === Object.prototype || proto === null) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const bad = findNonJson(v, `${path}.${k}`)
      if (bad) return bad
    }
    return null
  }
  return path
}

/** A deep copy of JSON data. */
export function cloneJson<T extends Json | SessionData>(value: T): T {
  return structuredClone(value)
}
