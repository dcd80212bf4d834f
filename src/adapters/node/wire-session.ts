// The app's side of wire protocol v1: Django's request.session over the data the proxy sent
// in `X-Session`, recording what the view did so that it can answer with `X-Session-Update`.
import { cloneJson, isPlainObject, type Json, type SessionData } from '../../shared/json'
import { EXPIRY_KEY } from '../../shared/expiry'
import { SessionDict } from '../../shared/session-dict'
import { type WireSession as WireSessionHeader, type WireUpdate } from '../../shared/wire'

/** Django's defaults, for the in-memory session used without the proxy (`required: false`). */
const DEFAULT_COOKIE_AGE = 1_209_600

function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
  if (isPlainObject(a) && isPlainObject(b) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], (b as Record<string, Json>)[k]))
  }
  return false
}

/**
 * `req.session`: the whole Session API of docs/sessions.md (Django's names in camelCase), over
 * the session the proxy handed to this request. Every time question (getExpiryAge,
 * getExpiryDate, setExpiry with a duration) is answered from the engine's clock in the
 * header, which may be fast-forwarded, never from this process's clock.
 *
 * flush(), cycleKey() and clearExpired() are recorded and carried out by the proxy once the
 * response head is written; the new key made by cycleKey() is therefore not known here.
 */
export class WireSession extends SessionDict {
  private key: string | null
  private flushed = false
  private cycled = false
  private clearExpiredAsked = false
  private readonly original: SessionData
  private readonly clock: Date
  private readonly saveEveryRequest: boolean

  /**
   * @param header the parsed `X-Session` value, or null for an in-memory session that is
   *   never saved (the app runs without the proxy and asked for `required: false`).
   */
  constructor(readonly header: WireSessionHeader | null) {
    const now = header ? new Date(header.now) : new Date()
    const data = header ? header.data : {}
    const cookieAge = header && Number.isFinite(header.cookieAge) ? header.cookieAge : DEFAULT_COOKIE_AGE
    // Older proxies send only get_expire_at_browser_close(), which equals the setting
    // exactly when the data holds no custom expiry.
    const browserClose =
      typeof header?.expireAtBrowserCloseSetting === 'boolean'
        ? header.expireAtBrowserCloseSetting
        : header !== null && !(EXPIRY_KEY in header.data) && header.expireAtBrowserClose === true
    super({ now: () => new Date(now), cookieAge: () => cookieAge, expireAtBrowserClose: () => browserClose }, () => cloneJson(data))
    this.clock = now
    this.original = data
    this.key = header ? header.key : null
    this.saveEveryRequest = header?.saveEveryRequestSetting === true
  }

  /** True when the session came from Session Inspector (false for the `required: false` stand-in). */
  get inspected(): boolean {
    return this.header !== null
  }

  /** Django's session_key: null for no session, after flush() and after cycleKey() (the proxy picks the new key). */
  get sessionKey(): string | null {
    return this.key
  }

  /** The engine's clock for this request (the header's `now`). */
  now(): Date {
    return new Date(this.clock)
  }

  /** Django's is_empty(): no key and no loaded data. Does not load. */
  isEmpty(): boolean {
    if (this.key !== null || this.cycled) return false
    const data = this.peekData()
    return data === undefined || Object.keys(data).length === 0
  }

  /** flush(): empties the session and drops its key; the proxy deletes it from the store. */
  flush(): void {
    this.clear()
    this.key = null
    this.flushed = true
    // Django's cycle-then-flush deletes both keys and ends with none: flush alone does that,
    // whereas the proxy's fixed order (flush, then cycleKey) would create a new one.
    this.cycled = false
  }

  /** cycle_key(): the same data under a new key, chosen by the proxy; marks modified like Django's create(). */
  cycleKey(): void {
    void this.session
    this.cycled = true
    this.key = null
    this.modified = true
  }

  /** SessionStore.clear_expired(): the proxy removes expired sessions from the current store. */
  clearExpired(): void {
    this.clearExpiredAsked = true
  }

  /**
   * What `X-Session-Update` says for everything done so far, or null when the view never
   * touched the session (then no header is sent at all).
   */
  buildUpdate(): WireUpdate | null {
    if (!this.inspected) return null
    const update: WireUpdate = {}
    if (this.accessed) update.accessed = true
    if (this.flushed) update.flush = true
    if (this.cycled) update.cycleKey = true
    const data = this.peekData()
    if (data !== undefined && (this.modified || (this.saveEveryRequest && !jsonEqual(data, this.original)))) {
      update.data = cloneJson(data)
    }
    if (this.modified) update.modified = true
    if (this.clearExpiredAsked) update.clearExpired = true
    return Object.keys(update).length > 0 ? update : null
  }
}
