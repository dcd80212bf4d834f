// Input validation for every API method, written once and run by every transport
// (the control server, Electron IPC, and the service itself for direct callers).
import { SESSION_EFFECTS, type ApiInput, type ApiMethod, type Empty } from './api'
import { ApiError } from './errors'
import { badExpiryInData, ISO_DATE_FORMAT, parseIsoDate } from './expiry'
import { checkJson, describeNonJson, isPlainObject } from './json'

type Check<T> = (value: unknown, path: string) => T

const fail = (path: string, what: string): never => {
  throw new ApiError('bad_request', `${path} must be ${what}`)
}

const str =
  (max = 4096, min = 0): Check<string> =>
  (v, p) =>
    typeof v === 'string' && v.length >= min && v.length <= max ? v : fail(p, `a string of ${min} to ${max} characters`)

const int =
  (min: number, max: number): Check<number> =>
  (v, p) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(p, `a whole number from ${min} to ${max}`)

const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false'))

const isoDate: Check<string> = (v, p) =>
  typeof v === 'string' && parseIsoDate(v) ? v : fail(p, `a valid date: ${ISO_DATE_FORMAT}`)

const sessionData: Check<Record<string, never>> = (v, p) => {
  if (!isPlainObject(v)) return fail(p, 'an object (the whole session dict)')
  const bad = checkJson(v, p)
  if (bad?.tooDeep) throw new ApiError('bad_request', describeNonJson(bad))
  if (bad) return fail(bad.path, 'a JSON value')
  const expiry = badExpiryInData(v, p)
  if (expiry) throw new ApiError('bad_request', expiry)
  return v as Record<string, never>
}

const seconds: Check<number> = (v, p) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e12 ? v : fail(p, 'a finite number of seconds, 0 or more')

const expiryValue: Check<number | string | null> = (v, p) => {
  if (v === null) return null
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && parseIsoDate(v)) return v
  return fail(p, `seconds (0 = at browser close), null (the global policy) or a valid date: ${ISO_DATE_FORMAT}`)
}

const effect: Check<string> = (v, p) =>
  typeof v === 'string' && (SESSION_EFFECTS as readonly string[]).includes(v) ? v : fail(p, `one of ${SESSION_EFFECTS.join(', ')}`)

const idList: Check<number[]> = (v, p) =>
  Array.isArray(v) && v.length <= 100_000 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)
    ? (v as number[])
    : fail(p, 'a list of traffic entry ids')

type Shape = Record<string, { check: Check<unknown>; optional?: boolean }>
const req = (check: Check<unknown>) => ({ check })
const opt = (check: Check<unknown>) => ({ check, optional: true })

function object<T>(shape: Shape): Check<T> {
  return (value, path) => {
    const input = value === undefined || value === null ? {} : value
    if (!isPlainObject(input)) return fail(path, 'an object')
    for (const name of Object.keys(input)) {
      if (!Object.hasOwn(shape, name)) throw new ApiError('bad_request', `${path}.${name} is not a field of this request (allowed: ${Object.keys(shape).join(', ') || 'none'})`)
    }
    const out: Record<string, unknown> = {}
    for (const [name, field] of Object.entries(shape)) {
      const v = input[name]
      if (v === undefined) {
        if (!field.optional) fail(`${path}.${name}`, 'given')
        continue
      }
      out[name] = field.check(v, `${path}.${name}`)
    }
    return out as T
  }
}

const empty = object<Empty>({})
const key = req(str(4096, 1))

const VALIDATORS: { [M in ApiMethod]: Check<ApiInput<M>> } = {
  health: empty,
  getStatus: empty,
  getSettings: empty,
  updateSettings: object({
    settings: req((v, p) => (isPlainObject(v) ? v : fail(p, 'an object of setting names to values')))
  }),
  resetSettings: empty,
  revealSecretKey: empty,
  regenerateSecretKey: empty,
  previewCookie: empty,
  getClock: empty,
  advanceClock: object({ seconds: req(seconds) }),
  setClock: object({ now: req(isoDate) }),
  freezeClock: object({ frozen: req(bool) }),
  resetClock: empty,
  listSessions: object({ search: opt(str(1000)), limit: opt(int(1, 100_000)), offset: opt(int(0, Number.MAX_SAFE_INTEGER)), user: opt(str(200, 1)) }),
  getSession: object({ key }),
  updateSessionData: object({ key, data: req(sessionData) }),
  setSessionExpiry: object({ key, value: req(expiryValue) }),
  expireSession: object({ key }),
  deleteSession: object({ key }),
  clearExpired: empty,
  getUser: object({ id: req(str(200, 1)) }),
  logoutUser: object({ id: req(str(200, 1)), except: opt(str(4096, 1)) }),
  listClients: empty,
  renameClient: object({ id: req(str(200, 1)), name: req(str(100)) }),
  closeBrowser: object({ client: opt(str(200, 1)) }),
  listTraffic: object({
    limit: opt(int(1, 100_000)),
    before: opt(int(1, Number.MAX_SAFE_INTEGER)),
    sessionKey: opt(str(4096, 1)),
    search: opt(str(1000)),
    effect: opt(effect)
  }),
  getTraffic: object({ id: req(int(1, Number.MAX_SAFE_INTEGER)) }),
  clearTraffic: empty,
  exportHar: object({ ids: opt(idList), redact: opt(bool) })
}

/**
 * Validates the input of an API method; throws ApiError('bad_request') naming the field.
 * An absent input counts as `{}`.
 */
export function validateInput<M extends ApiMethod>(method: M, input: unknown): ApiInput<M> {
  const check = VALIDATORS[method] as Check<ApiInput<M>> | undefined
  if (!check) throw new ApiError('not_found', `unknown method ${String(method)}`)
  return check(input, method)
}

/** True when `name` is an API method (IPC and HTTP check names before dispatching). */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(VALIDATORS, name)
}
