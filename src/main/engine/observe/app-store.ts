// Observe mode's stores (issues 7 and 11): the Django app keeps its own SessionMiddleware and
// its own session store, and Session Inspector reads and writes that store in the app's own
// formats. One interface, async throughout (network stores), with one implementation per
// Django engine: db (SQLite, PostgreSQL, MySQL), cached_db, cache (Redis, memcached), file,
// signed_cookies. The app's clock is the real one, so a clock change is passed on to the store
// as a lag: every stored deadline moves back by it, and reads add it back.
import type { SessionData } from '../../../shared/json'
import { isPlainObject } from '../../../shared/json'
import type { EngineName, Settings } from '../../../shared/settings'
import type { Clock } from '../clock'
import { BadSignature } from '../errors'
import type { GiveBackReport, Journal } from './journal'
import { OldestKey } from '../oldest-key'
import type { Count, Page, PageQuery } from '../inspection/inspection'
import type { Decoded, SessionRecord } from '../session-store'
import { dumps, loads } from '../signing'

/** What a store cannot do, each as one sentence for the UI and the API; absent means it can. */
export interface StoreLimits {
  list?: string
  edit?: string
  clock?: string
  /** Every observed store: Django's own clock keeps running. */
  freeze: string
}

export const FREEZE_LIMIT =
  "observe-django: the clock cannot be frozen, because the Django app's own clock keeps running (advance, set and reset still age its sessions)"

/** What every observe store gets. */
export interface AppStoreContext {
  settings(): Settings
  clock: Clock
  /** SECRET_KEY_FALLBACKS (Django 4.1+): sessions signed with any of them still load. */
  fallbackKeys: readonly string[]
  /** Where every change the clock makes is written before it is applied (none: in memory only, for tests). */
  journal?: Journal
  /** A clock change or give-back in progress over many entries (null: done). */
  progress?: (p: MoveProgress | null) => void
}

/** How far a clock change (or a give-back) has got through the store. */
export interface MoveProgress {
  moving: 'advance' | 'give-back'
  done: number
  total: number
}

/**
 * How far the lag may go before a stored date leaves what the store or Django can hold:
 * maxLagMs (advancing) and minLagMs (setting the clock before real time), each with the one
 * sentence that names the limit.
 */
export interface LagBounds {
  maxLagMs: number
  maxReason: string
  minLagMs: number
  minReason: string
}

/** Django's datetime: years 1 to 9999. */
export const DJANGO_MIN_MS = new Date('0001-01-01T00:00:00Z').getTime()
export const DJANGO_MAX_MS = new Date('9999-12-31T23:59:59.999Z').getTime()

/** The tighter of two bounds. */
export function tighter(a: LagBounds, b: LagBounds | undefined): LagBounds {
  if (!b) return a
  return {
    ...(b.maxLagMs < a.maxLagMs ? { maxLagMs: b.maxLagMs, maxReason: b.maxReason } : { maxLagMs: a.maxLagMs, maxReason: a.maxReason }),
    ...(b.minLagMs > a.minLagMs ? { minLagMs: b.minLagMs, minReason: b.minReason } : { minLagMs: a.minLagMs, minReason: a.minReason })
  }
}

export const UNBOUNDED: LagBounds = { maxLagMs: Number.MAX_SAFE_INTEGER, maxReason: '', minLagMs: -Number.MAX_SAFE_INTEGER, minReason: '' }

/** How the session cookie of one request is rewritten on its way (signed_cookies only). */
export interface CookieRewrite {
  /** The value to send the app instead (null: send none, the session was deleted here). */
  toApp: string | null
  /** The Set-Cookie value the browser must get for it, when the inspector changed it. */
  toBrowser?: string | null
}

export interface AppStore {
  readonly engine: EngineName
  /** Where the sessions live, for the banner and the header, e.g. "PostgreSQL 127.0.0.1:5432/app". */
  readonly location: string
  readonly limits: StoreLimits
  /** Connects and reads once; throws a one-line Error (unreachable, credentials, missing table). */
  check(): Promise<void>
  /** One page of the stored sessions, read in the store (expired ones included where it keeps them); dates on the engine's clock. */
  page(query: PageQuery): Promise<Page>
  /** How many sessions the store holds, counted in the store. */
  count(): Promise<Count>
  /** One session, expired or not; null when the store has none. */
  record(key: string): Promise<SessionRecord | null>
  /** Saves new data under an existing key as a modification (expiry counts from now); the key it lives under after, or null. */
  save(key: string, data: SessionData): Promise<string | null>
  /** Makes a session expire for Django now; false when there is none. */
  expireNow(key: string): Promise<boolean>
  delete(key: string): Promise<boolean>
  clearExpired(): Promise<number>
  /**
   * The app's clock is now lagMs behind the engine's: moves every stored deadline so that
   * Django sees as much time passed (and gives it back when the lag shrinks).
   */
  applyLag(lagMs: number): Promise<void>
  /**
   * Gives back every change the journal holds for this store (this run's and an earlier,
   * killed run's): each value as it was, unless Django wrote it since. The lag is 0 after.
   * Throws a one-line Error when the store cannot be reached; the journal keeps what is left.
   */
  giveBack(): Promise<GiveBackReport>
  /** How far the lag may go (stores without stored dates: none). */
  lagBounds?(): Promise<LagBounds>
  /** A session key (or signed cookie) seen in traffic: stores that cannot list their keys keep these. */
  seen?(key: string): void
  /** signed_cookies: the request's session cookie as the app must see it; undefined leaves it alone. */
  rewriteRequestCookie?(value: string): CookieRewrite | undefined
  /** signed_cookies: the app's Set-Cookie value as the browser must keep it. */
  rewriteResponseCookie?(value: string): string
  close(): Promise<void>
}

/** Django's SessionBase.key_salt for every store class named SessionStore. */
export const SESSION_SALT = 'django.contrib.sessions.SessionStore'

/** The keys to try, SECRET_KEY first (Django 4.1+: then each of SECRET_KEY_FALLBACKS). */
export function secretKeys(ctx: AppStoreContext): string[] {
  return [ctx.settings().SECRET_KEY, ...ctx.fallbackKeys]
}

/**
 * signing.loads() of a session payload under any of the keys; says why it failed ("wrong
 * SECRET_KEY?") instead of throwing. maxAge: Django's signed_cookies max_age check.
 */
export function decodeSigned(ctx: AppStoreContext, text: string, salt: string, appNow: Date, maxAgeSeconds?: number): Decoded {
  let last: unknown
  for (const key of secretKeys(ctx)) {
    try {
      const value = loads(text, { key, salt }, appNow, maxAgeSeconds)
      return isPlainObject(value) ? { data: value as SessionData } : { data: {}, error: 'cannot decode: the data is not an object', kind: 'not-an-object' }
    } catch (e) {
      last = e
      if (!(e instanceof BadSignature) || e.constructor !== BadSignature) break
    }
  }
  if (last instanceof BadSignature && last.constructor === BadSignature) return { data: {}, error: 'cannot decode: wrong SECRET_KEY? (bad signature)', kind: 'bad-signature' }
  return { data: {}, error: `cannot decode: ${(last as Error).message}`, kind: 'malformed' }
}

/** signing.dumps() with SECRET_KEY (never a fallback: Django signs with the current key). */
export function encodeSigned(ctx: AppStoreContext, data: SessionData, salt: string, appNow: Date): string {
  return dumps(data, { key: ctx.settings().SECRET_KEY, salt }, appNow)
}

/** True when a record could not be read because the key does not sign it. */
export const wrongKey = (r: Pick<SessionRecord, 'decodeErrorKind'>): boolean => r.decodeErrorKind === 'bad-signature'

/**
 * Save times this process made (engine ms), with the expiry each save wrote, the oldest
 * forgotten first. A save time holds only while the session still has that expiry: once
 * Django saves it again (a new expiry), its time is worked out from the store instead.
 */
export class SaveTimes {
  private readonly times = new Map<string, { at: number; expire: number | null }>()
  private readonly oldest = new OldestKey(() => this.times.keys())
  note(key: string, at: number, expire: number | null = null): void {
    this.times.delete(key)
    this.times.set(key, { at, expire })
    if (this.times.size > 100_000) this.times.delete(this.oldest.take() as string)
  }
  /** The save time noted for key, if its expiry (engine ms) is still the one written then, within toleranceMs. */
  get(key: string, expire?: Date | null, toleranceMs = 1): Date | null {
    const t = this.times.get(key)
    if (!t) return null
    if (t.expire !== null && expire !== undefined && (expire === null || Math.abs(expire.getTime() - t.expire) > toleranceMs)) {
      this.times.delete(key)
      return null
    }
    return new Date(t.at)
  }
  forget(key: string): void {
    this.times.delete(key)
  }
}

/** One line for a driver's error: its message without stack or trailing detail. */
export function oneLine(e: unknown): string {
  const err = e as { message?: string; code?: string }
  const text = (err?.message || String(err?.code ?? e)).split('\n')[0] as string
  return err?.code && !text.includes(String(err.code)) ? `${text} (${err.code})` : text
}
