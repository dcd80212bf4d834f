// Cookie parsing that never throws: the request `Cookie` header and `Set-Cookie` values,
// for the proxy's cookie mirror and the UI's cookie tables.

export interface RequestCookie {
  name: string
  value: string
}

/** Parses a `Cookie` header into name/value pairs, in order (duplicates kept). Malformed parts are skipped. */
export function parseCookieHeader(header: string | string[] | undefined): RequestCookie[] {
  if (!header) return []
  const text = Array.isArray(header) ? header.join('; ') : header
  const out: RequestCookie[] = []
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (!name) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    out.push({ name, value })
  }
  return out
}

/** The value Django's request.COOKIES holds: parse_cookie fills a dict in order, so a repeated name keeps the last. */
export function getCookie(cookies: RequestCookie[], name: string): string | undefined {
  let found: string | undefined
  for (const c of cookies) if (c.name === name) found = c.value
  return found
}

/** Serialises name/value pairs back into a `Cookie` header. */
export function formatCookieHeader(cookies: RequestCookie[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ')
}

export interface SetCookie {
  name: string
  value: string
  /** Max-Age in seconds, when present and numeric */
  maxAge?: number
  /** Expires as a Date, when present and parseable */
  expires?: Date
  path?: string
  domain?: string
  secure: boolean
  httpOnly: boolean
  sameSite?: string
  /** The raw attributes, in order, as sent. */
  attributes: [string, string | true][]
}

/** Parses one `Set-Cookie` value; returns null when it has no name=value pair. */
export function parseSetCookie(header: string): SetCookie | null {
  const parts = header.split(';')
  const first = parts.shift() ?? ''
  const eq = first.indexOf('=')
  if (eq <= 0) return null
  const name = first.slice(0, eq).trim()
  if (!name) return null
  let value = first.slice(eq + 1).trim()
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
  const cookie: SetCookie = { name, value, secure: false, httpOnly: false, attributes: [] }
  for (const raw of parts) {
    const i = raw.indexOf('=')
    const key = (i === -1 ? raw : raw.slice(0, i)).trim()
    if (!key) continue
    const val = i === -1 ? true : raw.slice(i + 1).trim()
    cookie.attributes.push([key, val])
    switch (key.toLowerCase()) {
      case 'max-age':
        if (typeof val === 'string' && /^-?\d+$/.test(val)) cookie.maxAge = Number(val)
        break
      case 'expires':
        if (typeof val === 'string') {
          const t = Date.parse(val)
          if (!Number.isNaN(t)) cookie.expires = new Date(t)
        }
        break
      case 'path':
        if (typeof val === 'string') cookie.path = val
        break
      case 'domain':
        if (typeof val === 'string') cookie.domain = val
        break
      case 'secure':
        cookie.secure = true
        break
      case 'httponly':
        cookie.httpOnly = true
        break
      case 'samesite':
        if (typeof val === 'string') cookie.sameSite = val
        break
    }
  }
  return cookie
}

/**
 * The cookie's lifetime at the moment it was set, as a browser reads it (RFC 6265 §5.3):
 * Max-Age wins over Expires; neither means a browser-session cookie (null).
 * `now` is the clock the cookie was set on. Returns the expiry moment, or null.
 */
export function cookieExpiresAt(cookie: SetCookie, now: Date, serverDate?: Date): Date | null {
  if (cookie.maxAge !== undefined) return new Date(now.getTime() + Math.max(cookie.maxAge, 0) * 1000)
  if (cookie.expires) {
    // Expires is absolute on the server's clock; carry its distance from the response Date onto `now`.
    const base = serverDate ?? now
    return new Date(now.getTime() + (cookie.expires.getTime() - base.getTime()))
  }
  return null
}
