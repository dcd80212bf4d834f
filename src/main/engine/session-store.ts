// Port of django/contrib/sessions/backends/base.py (SessionBase): keys, lazy loading,
// flush/cycle_key, encoding. The dict and expiry maths live in src/shared/session-dict.ts;
// storage is async here (Redis), so every method that may load is async.
import { randomInt } from 'node:crypto'
import type { Json, SessionData } from '../../shared/json'
import { isPlainObject } from '../../shared/json'
import { SessionDict, type SessionContext } from '../../shared/session-dict'
import type { ExpiryOptions, ExpiryValue } from '../../shared/expiry'
import type { EngineName, Settings } from '../../shared/settings'
import type { Clock } from './clock'
import { BadSignature, CreateError, SerializationError } from './errors'
import { djangoBehaviour } from '../../shared/django-versions'
import { constantTimeEqual, dumps, loads, saltedHmacSha1, type SignerOptions } from './signing'
import type { SecurityLog } from './security-log'

export const VALID_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'
/** A key made only of VALID_KEY_CHARS: every key the engine (or Django) creates. */
export const VALID_KEY = new RegExp(`^[${VALID_KEY_CHARS}]+$`)

/** What every store gets: the live settings, the clock, the security log. */
export interface StoreContext {
  settings(): Settings
  clock: Clock
  log: SecurityLog
}

/** A stored session as the inspector lists it. */
export interface SessionRecord {
  key: string
  data: SessionData
  /** When the store stops loading it (null: the store cannot tell). */
  expireDate: Date | null
  /** Engine time of the last save, when known. */
  savedAt: Date | null
  decodeError?: string
}

/** What peek() saw: the key and data the app is handed, before the load's side effects. */
export interface Peek {
  key: string | null
  data: SessionData
  /**
   * Where the store can tell: an object that stays the same while the stored session does
   * (the db store's cached row), so what is worked out from the data can be kept per version.
   */
  version?: object
}

/** get_random_string(32, VALID_KEY_CHARS) */
export function randomSessionKey(): string {
  let key = ''
  for (let i = 0; i < 32; i++) key += VALID_KEY_CHARS[randomInt(VALID_KEY_CHARS.length)]
  return key
}

const notLoaded = (): SessionData => {
  throw new Error('internal: session data read before it was loaded')
}

/** The dict's view of the store's context: a class, so opening a store makes no closures. */
class DictContext implements SessionContext {
  constructor(private readonly ctx: StoreContext) {}
  now(): Date {
    return this.ctx.clock.now()
  }
  cookieAge(): number {
    return this.ctx.settings().SESSION_COOKIE_AGE
  }
  expireAtBrowserClose(): boolean {
    return this.ctx.settings().SESSION_EXPIRE_AT_BROWSER_CLOSE
  }
}

export abstract class SessionStore {
  abstract readonly engine: EngineName
  /** Salt of encode()/decode(): "django.contrib.sessions." + the class's qualname. */
  protected readonly keySalt: string = 'django.contrib.sessions.SessionStore'
  private key: string | null = null
  private readonly dict: SessionDict
  /** While peeking, the load's writes are queued here instead of run. */
  private deferred: (() => Promise<void>)[] | null = null
  private pendingPeek: { peek: Peek; modified: boolean; effects: (() => Promise<void>)[] } | null = null
  /** Set by a load() that can name the version of what it read (see Peek.version). */
  protected loadedVersion: object | undefined = undefined

  constructor(
    protected readonly ctx: StoreContext,
    sessionKey: string | null = null
  ) {
    this.dict = new SessionDict(new DictContext(ctx), notLoaded)
    this.setKey(sessionKey)
  }

  // ------------------------------------------------------------------ storage (per store)

  /**
   * Loads the data for the current key; may clear the key or create a new one (Django's
   * load()). A store that reads synchronously (SQLite) answers without a promise, which
   * spares every session read the microtasks of a promise chain.
   */
  protected abstract load(): SessionData | Promise<SessionData>
  /** True if a record exists for the key. */
  abstract exists(key: string): Promise<boolean>
  /** Saves under a new, unused key (sets modified). */
  abstract create(): Promise<void>
  /** Saves; with mustCreate, fails with CreateError if the key exists; without, UpdateError if it is gone. */
  abstract save(mustCreate?: boolean): Promise<void>
  /** Deletes the given key's record, or the current one's. */
  abstract delete(key?: string | null): Promise<void>
  /** Removes expired records; returns how many (0 where Django's is a no-op). */
  abstract clearExpired(): Promise<number>

  // ------------------------------------------------------------------ inspection (beyond Django)

  /** Every stored session with decoded data and expiry, expired ones included where the store keeps them. */
  abstract list(): Promise<SessionRecord[]>
  /** One stored session, expired or not; null when the store has no record. */
  abstract record(key: string): Promise<SessionRecord | null>
  /** Makes a stored session expire at the engine's now; false when there is no record. */
  abstract expireNow(key: string): Promise<boolean>

  /** Saves `data` under an existing key as a modification (the inspector's edit); UpdateError if gone. */
  async saveAs(key: string, data: SessionData): Promise<void> {
    this.key = key
    this.dict.replaceData({})
    this.dict.update(data)
    await this.save(false)
  }

  // ------------------------------------------------------------------ keys

  get sessionKey(): string | null {
    return this.key
  }

  /** Django's `_session_key` setter: a key shorter than 8 characters becomes null. */
  protected setKey(value: string | null): void {
    this.key = value && value.length >= 8 ? value : null
  }

  protected get settings(): Settings {
    return this.ctx.settings()
  }

  /** The engine's now. */
  now(): Date {
    return this.ctx.clock.now()
  }

  protected async getNewSessionKey(): Promise<string> {
    for (;;) {
      const key = randomSessionKey()
      if (!(await this.exists(key))) return key
    }
  }

  protected async getOrCreateSessionKey(): Promise<string> {
    if (this.key === null) this.key = await this.getNewSessionKey()
    return this.key
  }

  // ------------------------------------------------------------------ flags and loading

  get accessed(): boolean {
    return this.dict.accessed
  }

  get modified(): boolean {
    return this.dict.modified
  }

  set modified(value: boolean) {
    this.dict.modified = value
  }

  /** Django's `session.modified = True`. */
  markModified(): void {
    this.dict.modified = true
  }

  /** Django's `_get_session(no_load)`: marks accessed, loads on first use. */
  protected async getSession(noLoad = false): Promise<SessionData> {
    this.dict.accessed = true
    if (!this.dict.isLoaded()) {
      let data = this.key === null || noLoad ? {} : this.load()
      if (data instanceof Promise) data = await data
      if (!this.dict.isLoaded()) this.dict.replaceData(data)
    }
    return this.dict.peekData() as SessionData
  }

  /** The loaded dict, for the data methods below: no promise once loaded. */
  private loaded(): SessionDict | Promise<SessionDict> {
    if (this.dict.isLoaded()) {
      this.dict.accessed = true
      return this.dict
    }
    return this.getSession().then(() => this.dict)
  }

  /** The data if loaded, without touching flags (inspectors and the middleware's reasons). */
  peekData(): SessionData | undefined {
    return this.dict.peekData()
  }

  /** Runs a write of load(), or queues it while peeking. */
  protected async loadSideEffect(write: () => Promise<void>): Promise<void> {
    if (this.deferred) this.deferred.push(write)
    else await write()
  }

  /** Django's create() called from inside load() (file store): while peeking, the key is picked now and the write queued. */
  protected async createInLoad(): Promise<void> {
    if (!this.deferred) return this.create()
    this.setKey(await this.getNewSessionKey())
    this.dict.modified = true
    this.deferred.push(async () => {
      try {
        await this.save(true)
      } catch (e) {
        if (!(e instanceof CreateError)) throw e
        await this.create()
      }
    })
  }

  /**
   * Reads the session as load() would, for handing it to the app, without any of the
   * load's effects on this object or the store: afterwards the session is still
   * unaccessed and unloaded. commitPeek() applies them if the app touched the session.
   */
  async peek(): Promise<Peek> {
    const before = { key: this.key, accessed: this.dict.accessed, modified: this.dict.modified }
    const effects: (() => Promise<void>)[] = []
    this.deferred = effects
    this.loadedVersion = undefined
    try {
      let data = this.key === null ? {} : this.load()
      if (data instanceof Promise) data = await data
      this.pendingPeek = { peek: { key: this.key, data }, modified: this.dict.modified, effects }
      const version = this.loadedVersion
      return version ? { key: this.key, data: structuredClone(data), version } : { key: this.key, data: structuredClone(data) }
    } finally {
      this.deferred = null
      this.key = before.key
      this.dict.accessed = before.accessed
      this.dict.modified = before.modified
      this.dict.unload()
    }
  }

  /** The app touched the session: it counts as loaded at peek time, with the load's effects. */
  async commitPeek(): Promise<void> {
    const pending = this.pendingPeek
    if (!pending) {
      await this.getSession()
      return
    }
    this.pendingPeek = null
    this.key = pending.peek.key
    this.dict.modified = this.dict.modified || pending.modified
    this.dict.replaceData(pending.peek.data)
    this.dict.accessed = true
    for (const write of pending.effects) await write()
  }

  // ------------------------------------------------------------------ the dict interface

  async get(key: string, fallback?: Json): Promise<Json | undefined> {
    return (await this.loaded()).get(key, fallback)
  }
  async getItem(key: string): Promise<Json> {
    return (await this.loaded()).getItem(key)
  }
  async set(key: string, value: Json): Promise<void> {
    ;(await this.loaded()).set(key, value)
  }
  /** `del s[k]` (named deleteItem because delete(key?) is Django's storage method). */
  async deleteItem(key: string): Promise<void> {
    ;(await this.loaded()).delete(key)
  }
  async has(key: string): Promise<boolean> {
    return (await this.loaded()).has(key)
  }
  async pop(key: string, ...fallback: [Json?]): Promise<Json> {
    const dict = await this.loaded()
    return fallback.length ? dict.pop(key, fallback[0] as Json) : dict.pop(key)
  }
  async setdefault(key: string, value: Json): Promise<Json> {
    return (await this.loaded()).setdefault(key, value)
  }
  async update(values: SessionData): Promise<void> {
    ;(await this.loaded()).update(values)
  }
  async keys(): Promise<string[]> {
    return (await this.loaded()).keys()
  }
  async values(): Promise<Json[]> {
    return (await this.loaded()).values()
  }
  async items(): Promise<[string, Json][]> {
    return (await this.loaded()).items()
  }
  /** Empties the session without reading the store (accessed + modified). */
  clear(): void {
    this.dict.clear()
  }
  /** True when there is no key and no loaded data. */
  isEmpty(): boolean {
    const data = this.dict.peekData()
    return !this.key && (!data || Object.keys(data).length === 0)
  }
  /** Replaces all data as a modification (the inspector's edit). */
  async replaceAll(data: SessionData): Promise<void> {
    const dict = await this.loaded()
    dict.replaceData({})
    dict.update(data)
  }

  async setTestCookie(): Promise<void> {
    ;(await this.loaded()).setTestCookie()
  }
  async testCookieWorked(): Promise<boolean> {
    return (await this.loaded()).testCookieWorked()
  }
  async deleteTestCookie(): Promise<void> {
    ;(await this.loaded()).deleteTestCookie()
  }

  getSessionCookieAge(): number {
    return this.settings.SESSION_COOKIE_AGE
  }
  /** With `expiry` given, Django guarantees not to load (nor mark accessed): so does this. */
  async getExpiryAge(opts: ExpiryOptions = {}): Promise<number> {
    return ('expiry' in opts ? this.dict : await this.loaded()).getExpiryAge(opts)
  }
  async getExpiryDate(opts: ExpiryOptions = {}): Promise<Date> {
    return ('expiry' in opts ? this.dict : await this.loaded()).getExpiryDate(opts)
  }
  async setExpiry(value: ExpiryValue): Promise<void> {
    ;(await this.loaded()).setExpiry(value)
  }
  async getExpireAtBrowserClose(): Promise<boolean> {
    return (await this.loaded()).getExpireAtBrowserClose()
  }

  /**
   * After a save: is this a new session rather than the one the cookie named? (The
   * middleware's "created".) A server-side store made one when the key changed.
   */
  isNewSession(cookieKey: string | null): boolean {
    return this.key !== cookieKey
  }

  // ------------------------------------------------------------------ flush and cycle

  /** Empties the session, deletes it from the store, and drops the key (logout). */
  async flush(): Promise<void> {
    this.clear()
    await this.delete()
    this.key = null
  }

  /** Keeps the data under a new key and deletes the old record (login). */
  async cycleKey(): Promise<void> {
    const data = await this.getSession()
    const old = this.key
    await this.create()
    this.dict.replaceData(data)
    if (old) await this.delete(old)
  }

  // ------------------------------------------------------------------ encoding

  /** signing.dumps(data, salt=keySalt, compress=True); non-JSON data is refused before anything is written. */
  encode(data: SessionData): string {
    if (!isPlainObject(data)) throw new SerializationError('session data must be an object')
    try {
      return dumps(data, { key: this.settings.SECRET_KEY, salt: this.keySalt }, this.now())
    } catch (e) {
      throw new SerializationError(`session data is not JSON-serializable: ${(e as Error).message}`)
    }
  }

  /** Django's decode(): a bad signature is logged on the security channel; anything bad → {}. */
  decode(text: string): SessionData {
    return this.tryDecode(text).data
  }

  /**
   * decode() that also says why it failed (for the inspector: "wrong SECRET_KEY?"). The
   * inspector's listing passes log=false: only a request's load is Django's decode, so only
   * that writes the security log line (a listing would repeat it on every refresh).
   */
  tryDecode(text: string, log = true): { data: SessionData; error?: string } {
    try {
      const value = loads(text, this.signerOptions(this.keySalt), this.now())
      if (isPlainObject(value)) return { data: value as SessionData }
      return { data: {}, error: 'cannot decode: the data is not an object' }
    } catch (e) {
      // Django 3.2 then tries the pre-3.1 format ("Session data corrupted" when that fails too).
      const legacy = djangoBehaviour.legacyDecode(this.settings.DJANGO_VERSION) ? this.legacyDecode(text) : null
      if (legacy) return { data: legacy }
      if (e instanceof BadSignature || legacy === false) {
        if (log) this.ctx.log.warning('Session data corrupted')
        return { data: {}, error: 'cannot decode: wrong SECRET_KEY? (bad signature)' }
      }
      return { data: {}, error: `cannot decode: ${(e as Error).message}` }
    }
  }

  /** How this Django signs and checks: SECRET_KEY, then SECRET_KEY_FALLBACKS (4.1+) or SHA-1 signatures (3.2). */
  protected signerOptions(salt: string): SignerOptions {
    const s = this.settings
    if (djangoBehaviour.legacyDecode(s.DJANGO_VERSION)) return { key: s.SECRET_KEY, salt, legacySha1: true }
    if (djangoBehaviour.secretKeyFallbacks(s.DJANGO_VERSION) && s.SECRET_KEY_FALLBACKS.length) return { key: s.SECRET_KEY, salt, fallbackKeys: s.SECRET_KEY_FALLBACKS }
    return { key: s.SECRET_KEY, salt }
  }

  /**
   * Django 3.2's _legacy_decode: base64 of "<sha1 salted_hmac hex>:<json>" (sessions saved
   * before 3.1). The data, or false for a hash that does not match (logged as corrupted),
   * or null when the text is not in that format at all.
   */
  private legacyDecode(text: string): SessionData | false | null {
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return false
    const raw = Buffer.from(text, 'base64')
    const colon = raw.indexOf(0x3a)
    if (colon === -1) return false
    const hash = raw.subarray(0, colon).toString('latin1')
    const serialized = raw.subarray(colon + 1)
    const expected = saltedHmacSha1('django.contrib.sessionsSessionStore', serialized, this.settings.SECRET_KEY).toString('hex')
    if (!constantTimeEqual(hash, expected)) return false
    try {
      const value: unknown = JSON.parse(serialized.toString('utf8'))
      return isPlainObject(value) ? (value as SessionData) : false
    } catch {
      return false
    }
  }
}
