// One browser profile's cookie jar as the proxy saw it (docs/browser.md): every Set-Cookie it
// forwarded, with its lifetime on the engine's clock. It decides which cookies of a
// request have expired or were discarded by a simulated close, so the proxy can drop them
// before the app sees them and tell the browser to forget them.
import type { MirroredCookie } from '../../shared/api'
import { cookieExpiresAt, parseSetCookie, type RequestCookie, type SetCookie } from '../../shared/cookies'

export interface StoredCookie {
  name: string
  value: string
  /** Cookie path (the default-path of the request when the header had none). */
  path: string
  /** Domain attribute without a leading dot, or null for a host-only cookie. */
  domain: string | null
  /** The host it was set for (host-only matching). */
  host: string
  setAt: number
  /** Engine ms, or null for a browser-session cookie. */
  expiresAt: number | null
  discarded: boolean
  secure: boolean
  sameSite: string | null
}

/** RFC 6265 §5.1.4 default-path: the request path up to its last "/". */
export function defaultPath(requestPath: string): string {
  const path = requestPath.split('?')[0] ?? '/'
  if (!path.startsWith('/')) return '/'
  const last = path.lastIndexOf('/')
  return last <= 0 ? '/' : path.slice(0, last)
}

/** RFC 6265 §5.1.4 path-match. */
export function pathMatches(cookiePath: string, requestPath: string): boolean {
  const path = requestPath.split('?')[0] || '/'
  if (path === cookiePath) return true
  if (!path.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/'
}

function domainMatches(cookie: StoredCookie, host: string): boolean {
  if (cookie.domain === null) return cookie.host === host
  return host === cookie.domain || host.endsWith(`.${cookie.domain}`)
}

export interface RecordContext {
  host: string
  requestPath: string
  /** The engine's time, ms. */
  now: number
  /** The response's Date header (the app's clock), if it had a readable one. */
  serverDate?: Date
  /** The real time of the response, ms (default Date.now()). */
  realNow?: number
}

/**
 * Cookies kept per domain (or host, for host-only cookies), as browsers do (Chromium and
 * Firefox: 180), and in all (Firefox: 3,000): past them the least recently set go first.
 * Unbounded, an app that sets a new cookie name per response grew a browser's mirror
 * forever, and every response serialised all of it (memory, and milliseconds a request).
 * A cookie the mirror forgot is passed on as it comes, like any it never saw set.
 */
export const MAX_COOKIES_PER_DOMAIN = 180
export const MAX_COOKIES = 3000

const domainOf = (c: StoredCookie) => c.domain ?? `host:${c.host}`

const identity = (c: { name: string; path: string; domain: string | null; host: string }) => `${c.name}\u0000${c.path}\u0000${c.domain ?? `host:${c.host}`}`

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>()

  constructor(initial: StoredCookie[] = []) {
    for (const c of initial) this.cookies.set(identity(c), c)
    this.trim()
  }

  all(): StoredCookie[] {
    return [...this.cookies.values()]
  }

  /**
   * Records a Set-Cookie the proxy forwards. A deletion (Max-Age<=0 or a past Expires)
   * removes the cookie, as the browser would. Returns true when the jar changed.
   */
  record(header: string, ctx: RecordContext): boolean {
    const parsed = parseSetCookie(header)
    if (!parsed) return false
    const cookie = this.toStored(parsed, ctx)
    const id = identity(cookie)
    if (cookie.expiresAt !== null && cookie.expiresAt <= ctx.now) return this.cookies.delete(id)
    // Map order is the order of setting: a cookie set again becomes the most recent.
    this.cookies.delete(id)
    this.cookies.set(id, cookie)
    this.trim()
    return true
  }

  /** Forgets the least recently set cookies past MAX_COOKIES_PER_DOMAIN and MAX_COOKIES. */
  private trim(): void {
    const perDomain = new Map<string, number>()
    for (const c of this.cookies.values()) perDomain.set(domainOf(c), (perDomain.get(domainOf(c)) ?? 0) + 1)
    let over = this.cookies.size - MAX_COOKIES
    for (const [id, c] of this.cookies) {
      const d = domainOf(c)
      const count = perDomain.get(d) ?? 0
      if (count <= MAX_COOKIES_PER_DOMAIN && over <= 0) continue
      this.cookies.delete(id)
      perDomain.set(d, count - 1)
      over--
    }
  }

  private toStored(c: SetCookie, ctx: RecordContext): StoredCookie {
    // Expires is a moment on the app's (real) clock: measure it from the response's Date,
    // or from the real time of arrival when the app sent none (or an unreadable one), never
    // from the engine's clock, which may be fast-forwarded.
    const date = ctx.serverDate && !Number.isNaN(ctx.serverDate.getTime()) ? ctx.serverDate : new Date(ctx.realNow ?? Date.now())
    const expires = cookieExpiresAt(c, new Date(ctx.now), date)
    return {
      name: c.name,
      value: c.value,
      path: c.path && c.path.startsWith('/') ? c.path : defaultPath(ctx.requestPath),
      domain: c.domain ? c.domain.replace(/^\./, '').toLowerCase() : null,
      host: ctx.host,
      setAt: ctx.now,
      expiresAt: expires ? expires.getTime() : null,
      discarded: false,
      secure: c.secure,
      sameSite: c.sameSite ?? null
    }
  }

  /**
   * Splits a request's cookies: those to forward, and the mirrored ones that are gone
   * (expired on the engine's clock or discarded by a close). Cookies never seen set pass.
   */
  filter(cookies: RequestCookie[], ctx: { host: string; requestPath: string; now: number }): { forward: RequestCookie[]; dropped: StoredCookie[] } {
    const forward: RequestCookie[] = []
    const dropped: StoredCookie[] = []
    const gone = (c: StoredCookie) => c.discarded || (c.expiresAt !== null && c.expiresAt <= ctx.now)
    for (const rc of cookies) {
      const matches = this.all().filter(
        (c) => c.name === rc.name && c.value === rc.value && domainMatches(c, ctx.host) && pathMatches(c.path, ctx.requestPath)
      )
      // A cookie the browser may hold live under another path or domain is never dropped.
      if (matches.length === 0 || !matches.every(gone)) {
        forward.push(rc)
        continue
      }
      // Kept in the mirror: a request that left the browser before it was told to forget
      // the cookie (a page's parallel loads) still carries it, and must lose it too.
      for (const m of matches) if (!dropped.includes(m)) dropped.push(m)
    }
    return { forward, dropped }
  }

  /**
   * Simulated browser close: discards the browser-session cookies. Returns the ones it
   * discarded, and the persistent ones still live at engine time `now`, which survive it.
   */
  close(now: number): { discarded: StoredCookie[]; kept: StoredCookie[] } {
    const discarded: StoredCookie[] = []
    const kept: StoredCookie[] = []
    for (const c of this.cookies.values()) {
      if (c.discarded) continue
      if (c.expiresAt === null) {
        c.discarded = true
        discarded.push(c)
      } else if (c.expiresAt > now) {
        kept.push(c)
      }
    }
    return { discarded, kept }
  }

  /** The cookies as the API shows them, state on the engine's clock. */
  view(now: number, sessionCookieName: string): MirroredCookie[] {
    return this.all()
      .map((c) => ({
        name: c.name,
        value: c.value,
        path: c.path,
        domain: c.domain,
        setAt: new Date(c.setAt).toISOString(),
        expiresAt: c.expiresAt === null ? null : new Date(c.expiresAt).toISOString(),
        sessionOnly: c.expiresAt === null,
        state: c.discarded ? ('discarded' as const) : c.expiresAt !== null && c.expiresAt <= now ? ('expired' as const) : ('live' as const),
        isSessionCookie: c.name === sessionCookieName
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }
}

/** The Set-Cookie that makes the browser forget a cookie it holds (same name, path, domain). */
export function forgetCookie(c: StoredCookie): string {
  const parts = [`${c.name}=""`, 'expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Max-Age=0', `Path=${c.path}`]
  if (c.domain) parts.splice(1, 0, `Domain=${c.domain}`)
  if (c.sameSite) parts.push(`SameSite=${c.sameSite}`)
  if (c.secure || c.sameSite?.toLowerCase() === 'none') parts.push('Secure')
  return parts.join('; ')
}
