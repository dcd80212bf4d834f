// A browser for proxy tests: node:http requests with a real cookie jar (tough-cookie, which
// keeps Path, Max-Age/Expires, deletions, HttpOnly and Secure as a browser does for
// http://127.0.0.1, a potentially trustworthy origin), and the raw response to assert on.
import { request, type IncomingHttpHeaders } from 'node:http'
import { CookieJar, type Cookie } from 'tough-cookie'

export interface Reply {
  status: number
  headers: IncomingHttpHeaders
  /** Every Set-Cookie value as sent, in order. */
  setCookies: string[]
  body: string
}

export interface RequestInit {
  method?: string
  headers?: Record<string, string | string[]>
  body?: string | Buffer
}

/** One browser profile: a cookie jar on real time, like a real browser's. */
export class Browser {
  readonly jar = new CookieJar()

  constructor(readonly baseUrl: string) {}

  /** Sends a request with the jar's cookies for the URL; stores what the response sets. */
  async request(path: string, init: RequestInit = {}): Promise<Reply> {
    const url = new URL(path, this.baseUrl)
    const headers: Record<string, string | string[]> = { 'User-Agent': 'proxy-test-browser/1', ...init.headers }
    const cookie = this.jar.getCookieStringSync(url.href)
    if (cookie && !Object.keys(headers).some((h) => h.toLowerCase() === 'cookie')) headers.Cookie = cookie
    const reply = await send(url, { ...init, headers })
    for (const header of reply.setCookies) this.jar.setCookieSync(header, url.href, { ignoreError: true })
    return reply
  }

  get(path: string, headers?: Record<string, string | string[]>): Promise<Reply> {
    return this.request(path, { headers })
  }

  /** The cookies the browser would send to a path. */
  cookies(path = '/'): Cookie[] {
    return this.jar.getCookiesSync(new URL(path, this.baseUrl).href)
  }

  /** The value of one cookie the browser would send to a path. */
  cookie(name: string, path = '/'): string | undefined {
    return this.cookies(path).find((c) => c.key === name)?.value
  }
}

/** A plain request, no jar: exactly the headers given. */
export function send(url: URL, init: RequestInit = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const setCookies: string[] = []
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]?.toLowerCase() === 'set-cookie') setCookies.push(res.rawHeaders[i + 1] as string)
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, setCookies, body: Buffer.concat(chunks).toString('utf8') })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/** The Set-Cookie values for one cookie name. */
export function setCookiesNamed(reply: Reply, name: string): string[] {
  return reply.setCookies.filter((s) => s.startsWith(`${name}=`))
}

/** The text of the elements with a class, tags removed and entities decoded (the demo's pages). */
export function textOf(body: string, className: string): string[] {
  const found: string[] = []
  const re = new RegExp(`<(\\w+) class="${className}">([\\s\\S]*?)</\\1>`, 'g')
  for (const m of body.matchAll(re)) found.push(decodeEntities((m[2] ?? '').replace(/<[^>]*>/g, '')).trim())
  return found
}

export function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&')
}
