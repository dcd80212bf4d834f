// Port of the dict interface and flags of django/contrib/sessions/backends/base.py
// (SessionBase minus storage). The engine's SessionStore wraps it with lazy, async
// loading from a store; the adapters use it directly on the data the proxy handed over.
import { checkJson, cloneJson, describeNonJson, type Json, type NonJson, type SessionData } from './json'
import {
  EXPIRY_KEY,
  expiryToStore,
  getExpireAtBrowserClose,
  getExpiryAge,
  getExpiryDate,
  type ExpiryOptions,
  type ExpiryValue
} from './expiry'

/** Django's test cookie: `testcookie` = `"worked"` in the session data. */
export const TEST_COOKIE_NAME = 'testcookie'
export const TEST_COOKIE_VALUE = 'worked'

/** Raised by getItem()/delete() for a missing key, like Python's KeyError. */
export class SessionKeyError extends Error {
  readonly code = 'key_error'
  constructor(readonly key: string) {
    super(`KeyError: ${JSON.stringify(key)} is not in the session`)
    this.name = 'SessionKeyError'
  }
}

/** Raised when a value put into the session is not JSON (Django's JSONSerializer would fail). */
export class NotJsonError extends TypeError {
  readonly code = 'not_json'
  constructor(where: string | NonJson) {
    super(
      typeof where === 'object' && where.tooDeep
        ? `session values must be JSON; ${describeNonJson(where)}`
        : `session values must be JSON (strings, numbers, booleans, null, arrays, plain objects); ${typeof where === 'object' ? where.path : where} is not`
    )
    this.name = 'NotJsonError'
  }
}

/** What expiry questions need to know besides the data: the clock and two settings. */
export interface SessionContext {
  now(): Date
  /** SESSION_COOKIE_AGE */
  cookieAge(): number
  /** SESSION_EXPIRE_AT_BROWSER_CLOSE */
  expireAtBrowserClose(): boolean
}

const NOT_GIVEN: unique symbol = Symbol('not given')

function assertJson(value: unknown, key: string): asserts value is Json {
  // A value sits inside the session dict: one level is taken already.
  const bad = checkJson(value, key, 1)
  if (bad !== null) throw new NotJsonError(bad)
}

/**
 * The session dict with Django's flags: reading sets `accessed`, writing sets `modified`.
 * Data comes from `loader` the first time it is needed (Django's `_get_session`).
 */
export class SessionDict {
  accessed = false
  modified = false
  private cache: SessionData | undefined

  constructor(
    protected readonly ctx: SessionContext,
    private readonly loader: () => SessionData
  ) {}

  /** True once the data has been loaded (or replaced). */
  isLoaded(): boolean {
    return this.cache !== undefined
  }

  /** Django's `_session` property: marks accessed and loads on first use. */
  protected get session(): SessionData {
    this.accessed = true
    if (this.cache === undefined) this.cache = this.loader()
    return this.cache
  }

  /** The data without touching the flags (for stores and inspectors, not for views). */
  peekData(): SessionData | undefined {
    return this.cache
  }

  /** Sets the data without touching the flags (Django's `_session_cache = ...`). */
  replaceData(data: SessionData): void {
    this.cache = data
  }

  /** Forgets loaded data, so the next access loads again. */
  unload(): void {
    this.cache = undefined
  }

  /** `s.get(k, default)`: accessed. */
  get<T extends Json = Json>(key: string, fallback?: T): Json | T | undefined {
    const session = this.session
    return Object.prototype.hasOwnProperty.call(session, key) ? session[key] : fallback
  }

  /** `s[k]`: accessed; throws SessionKeyError when missing. */
  getItem(key: string): Json {
    const session = this.session
    if (!Object.prototype.hasOwnProperty.call(session, key)) throw new SessionKeyError(key)
    return session[key] as Json
  }

  /** `s[k] = v`: modified. */
  set(key: string, value: Json): void {
    assertJson(value, key)
    this.session[key] = cloneJson(value)
    this.modified = true
  }

  /** `del s[k]`: modified; throws SessionKeyError when missing. */
  delete(key: string): void {
    const session = this.session
    if (!Object.prototype.hasOwnProperty.call(session, key)) throw new SessionKeyError(key)
    delete session[key]
    this.modified = true
  }

  /** `k in s`: accessed. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.session, key)
  }

  /** `pop(k, default?)`: modified only if k existed; throws without a default when missing. */
  pop(key: string, fallback: Json | typeof NOT_GIVEN = NOT_GIVEN): Json {
    const session = this.session
    const present = Object.prototype.hasOwnProperty.call(session, key)
    this.modified = this.modified || present
    if (present) {
      const value = session[key] as Json
      delete session[key]
      return value
    }
    if (fallback === NOT_GIVEN) throw new SessionKeyError(key)
    return fallback
  }

  /** `setdefault(k, v)`: modified only if k was absent. */
  setdefault(key: string, value: Json): Json {
    const session = this.session
    if (Object.prototype.hasOwnProperty.call(session, key)) return session[key] as Json
    assertJson(value, key)
    this.modified = true
    session[key] = cloneJson(value)
    return session[key] as Json
  }

  /** `update(obj)`: modified. */
  update(values: SessionData): void {
    for (const [k, v] of Object.entries(values)) assertJson(v, k)
    Object.assign(this.session, cloneJson(values))
    this.modified = true
  }

  keys(): string[] {
    return Object.keys(this.session)
  }

  values(): Json[] {
    return Object.values(this.session)
  }

  items(): [string, Json][] {
    return Object.entries(this.session)
  }

  /** `clear()`: accessed + modified, and no store read (Django ticket #7702). */
  clear(): void {
    this.cache = {}
    this.accessed = true
    this.modified = true
  }

  /** Django's `session.modified = True`. */
  markModified(): void {
    this.modified = true
  }

  setTestCookie(): void {
    this.set(TEST_COOKIE_NAME, TEST_COOKIE_VALUE)
  }

  testCookieWorked(): boolean {
    return this.get(TEST_COOKIE_NAME) === TEST_COOKIE_VALUE
  }

  deleteTestCookie(): void {
    this.delete(TEST_COOKIE_NAME)
  }

  getSessionCookieAge(): number {
    return this.ctx.cookieAge()
  }

  /** get_expiry_age(modification?, expiry?): reads `_session_expiry` (accessed). */
  getExpiryAge(opts: ExpiryOptions = {}): number {
    const stored = 'expiry' in opts ? undefined : this.get(EXPIRY_KEY)
    return getExpiryAge(stored, this.ctx.now(), this.ctx.cookieAge(), opts)
  }

  /** get_expiry_date(modification?, expiry?): reads `_session_expiry` (accessed). */
  getExpiryDate(opts: ExpiryOptions = {}): Date {
    const stored = 'expiry' in opts ? undefined : this.get(EXPIRY_KEY)
    return getExpiryDate(stored, this.ctx.now(), this.ctx.cookieAge(), opts)
  }

  /** set_expiry(value): seconds, 0 (browser close), Date/ISO, Duration, or null. */
  setExpiry(value: ExpiryValue): void {
    const stored = expiryToStore(value, this.ctx.now())
    if (stored === undefined) {
      if (this.has(EXPIRY_KEY)) this.delete(EXPIRY_KEY)
      return
    }
    this.set(EXPIRY_KEY, stored)
  }

  getExpireAtBrowserClose(): boolean {
    return getExpireAtBrowserClose(this.get(EXPIRY_KEY), this.ctx.expireAtBrowserClose())
  }
}
