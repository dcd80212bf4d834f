// Observe mode's signed_cookies engine (port of django/contrib/sessions/backends/
// signed_cookies.py, from the outside): there is no server store; the session key is the
// cookie value, signing.dumps(session, salt=...signed_cookies, compress=True), and Django
// loads it with max_age=SESSION_COOKIE_AGE. So the sessions are those seen in traffic, and
// the proxy does what a store would: an edit, an expiry or a deletion here replaces (or
// drops) the browser's cookie on its next request, and while the clock runs ahead, the
// cookies the browsers keep carry engine time and the app gets them re-signed in its own.
import type { SessionData } from '../../../shared/json'
import type { EngineName } from '../../../shared/settings'
import { decodeFailure, type SessionRecord } from '../session-store'
import type { GiveBackReport } from './journal'
import { OldestKey } from '../oldest-key'
import { b62Decode, signWithTimestamp, unsignWithTimestamp } from '../signing'
import { keyOrderPage, type Count, type Page, type PageQuery } from '../inspection/inspection'
import { decodeSigned, encodeSigned, FREEZE_LIMIT, secretKeys, type AppStore, type AppStoreContext, type CookieRewrite, type StoreLimits } from './app-store'

export const SIGNED_COOKIES_SALT = 'django.contrib.sessions.backends.signed_cookies'
const SEEN_LIMIT = 10_000

export class SignedCookiesAppStore implements AppStore {
  readonly engine: EngineName = 'signed_cookies'
  readonly location = "the browsers' session cookies (signed_cookies)"
  private applied = 0
  /** Cookie values seen in traffic, as the browsers keep them (engine time), newest last. */
  private readonly values = new Set<string>()
  private readonly oldestValue = new OldestKey(() => this.values.values())
  /** What replaces a browser's cookie on its next request: a new value, or null to drop it. */
  private readonly overrides = new Map<string, string | null>()

  constructor(private readonly ctx: AppStoreContext) {}

  get limits(): StoreLimits {
    return {
      freeze: FREEZE_LIMIT,
      list: "signed_cookies keeps each session in its browser's cookie: the list shows the sessions seen in traffic since Session Inspector started"
    }
  }

  async check(): Promise<void> {
    // no server store to reach
  }

  seen(value: string): void {
    if (!value.includes(':') || this.overrides.has(value)) return
    this.values.delete(value)
    this.values.add(value)
    if (this.values.size > SEEN_LIMIT) this.values.delete(this.oldestValue.take() as string)
  }

  /** The signature's timestamp (seconds), or null when the value is not a signed one. */
  private timestamp(value: string): number | null {
    const parts = value.split(':')
    if (parts.length < 3) return null
    try {
      return b62Decode(parts[parts.length - 2] as string)
    } catch {
      return null
    }
  }

  async record(value: string): Promise<SessionRecord | null> {
    if (this.overrides.has(value) || this.timestamp(value) === null) return null
    const ts = this.timestamp(value) as number
    // Expiry is judged from the timestamp (Django's max_age), so decode without it and say when.
    const decoded = decodeSigned(this.ctx, value, SIGNED_COOKIES_SALT, this.ctx.clock.now())
    const { data } = decoded
    const savedAt = new Date(ts * 1000)
    const expireDate = new Date(savedAt.getTime() + this.ctx.settings().SESSION_COOKIE_AGE * 1000)
    return { key: value, data, expireDate, savedAt, ...decodeFailure(decoded) }
  }

  async page(q: PageQuery): Promise<Page> {
    const { keys, next } = keyOrderPage(this.values, q)
    const records = await Promise.all(keys.map((v) => this.record(v)))
    return { records: records.filter((r): r is SessionRecord => r !== null), next, order: 'cookie value' }
  }

  async count(): Promise<Count> {
    return { total: this.values.size, exact: false, note: this.limits.list }
  }

  private replace(old: string, next: string | null): void {
    this.overrides.set(old, next)
    this.values.delete(old)
    if (next) this.seen(next)
  }

  async save(value: string, data: SessionData): Promise<string | null> {
    const next = encodeSigned(this.ctx, data, SIGNED_COOKIES_SALT, this.ctx.clock.now())
    this.replace(value, next)
    return next
  }

  async expireNow(value: string): Promise<boolean> {
    const aged = this.resign(value, this.ctx.clock.now(), -this.ctx.settings().SESSION_COOKIE_AGE - 1)
    if (!aged) return false
    this.replace(value, aged)
    return true
  }

  async delete(value: string): Promise<boolean> {
    if (this.timestamp(value) === null) return false
    this.replace(value, null)
    return true
  }

  async clearExpired(): Promise<number> {
    return 0 // Django's signed_cookies: a no-op
  }

  /** Nothing is stored: the lag lives in the cookies re-signed on their way, and ends with the run. */
  async giveBack(): Promise<GiveBackReport> {
    this.applied = 0
    return { restored: 0, left: 0 }
  }

  async applyLag(lagMs: number): Promise<void> {
    this.applied = lagMs
  }

  /**
   * The same payload signed anew with its timestamp moved by `seconds` (or set from `at`),
   * when the signature is one of the app's keys; null for a value that does not verify.
   */
  private resign(value: string, at: Date | null, seconds: number): string | null {
    const ts = this.timestamp(value)
    if (ts === null) return null
    for (const key of secretKeys(this.ctx)) {
      try {
        const payload = unsignWithTimestamp(value, { key, salt: SIGNED_COOKIES_SALT }, new Date(0))
        const when = new Date(((at ? Math.floor(at.getTime() / 1000) : ts) + seconds) * 1000)
        return signWithTimestamp(payload, { key: this.ctx.settings().SECRET_KEY, salt: SIGNED_COOKIES_SALT }, when)
      } catch {
        // not this key
      }
    }
    return null
  }

  rewriteRequestCookie(value: string): CookieRewrite | undefined {
    const override = this.overrides.get(value)
    if (override === null) return { toApp: null, toBrowser: null }
    const current = override ?? value
    const lag = Math.round(this.applied / 1000)
    if (override === undefined && lag === 0) return undefined
    const toApp = lag === 0 ? current : (this.resign(current, null, -lag) ?? current)
    return { toApp, ...(override !== undefined ? { toBrowser: override } : {}) }
  }

  rewriteResponseCookie(value: string): string {
    const lag = Math.round(this.applied / 1000)
    const kept = lag === 0 || value === '' ? value : (this.resign(value, null, lag) ?? value)
    // The same data signed in the same second is the same value: Django issuing it again (to
    // another browser, say) starts it afresh, and the inspector's change of it no longer applies.
    this.overrides.delete(kept)
    this.seen(kept)
    return kept
  }

  async close(): Promise<void> {
    // nothing held open
  }
}
