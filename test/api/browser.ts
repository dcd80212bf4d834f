// A browser stand-in for tests and benchmarks: GETs pages through the proxy carrying its
// cookies, and reads the demo app's pages. No vitest here, so plain scripts can use it too.

export interface PageResponse {
  status: number
  body: string
  setCookies: string[]
}

/**
 * A browser stand-in: GETs pages through the proxy and carries the cookies it was given
 * (deleted on Max-Age=0; expiry is left to the proxy's cookie mirror, on the engine's clock).
 */
export class Browser {
  readonly cookies = new Map<string, string>()

  constructor(
    readonly baseUrl: string,
    readonly userAgent = 'contract-test-browser'
  ) {}

  async get(path: string): Promise<PageResponse> {
    return this.request(path)
  }

  /** POSTs a form (application/x-www-form-urlencoded), e.g. the demo's login. */
  async post(path: string, form: Record<string, string>): Promise<PageResponse> {
    return this.request(path, new URLSearchParams(form).toString())
  }

  private async request(path: string, form?: string): Promise<PageResponse> {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent }
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
    if (form !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded'
    const res = await fetch(this.baseUrl + path, { headers, redirect: 'manual', ...(form !== undefined ? { method: 'POST', body: form } : {}) })
    const setCookies = res.headers.getSetCookie()
    for (const line of setCookies) this.store(line)
    return { status: res.status, body: await res.text(), setCookies }
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    const maxAge = attributes.map((a) => /^\s*max-age=(-?\d+)/i.exec(a)?.[1]).find((v) => v !== undefined)
    if (maxAge !== undefined && Number(maxAge) <= 0) this.cookies.delete(name)
    else this.cookies.set(name, value)
  }

  /** The session key this browser carries (SESSION_COOKIE_NAME, default sessionid). */
  sessionKey(cookieName = 'sessionid'): string {
    const key = this.cookies.get(cookieName)
    if (!key) throw new Error(`the browser has no ${cookieName} cookie (cookies: ${[...this.cookies.keys()].join(', ') || 'none'})`)
    return key
  }

  /** The proxy's name for this browser profile (its si_client cookie). */
  get clientId(): string {
    const id = this.cookies.get('si_client')
    if (!id) throw new Error('the browser has no si_client cookie yet')
    return id
  }
}

/** The text of the demo page's `<p class="name">`, e.g. "Sonam rathore" or "Guest Guest". */
export function nameOnPage(body: string): string {
  const found = /<p class="name">([^<]*)<\/p>/.exec(body)
  if (!found) throw new Error(`no name on the page:\n${body.slice(0, 400)}`)
  return (found[1] as string).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&')
}
