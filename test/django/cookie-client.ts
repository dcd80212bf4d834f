// A small browser stand-in for tests against Django and the proxy: one tough-cookie jar,
// no redirects followed, every response's Set-Cookie lines kept, and Django's CSRF-protected
// login form filled in.
import { CookieJar } from 'tough-cookie'
import { TEST_USER } from './django-server'

export interface ClientResponse {
  status: number
  headers: Headers
  /** Each Set-Cookie line as sent. */
  setCookies: string[]
  body: string
}

export interface RequestOptions {
  method?: 'GET' | 'POST'
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>
  headers?: Record<string, string>
}

export class CookieClient {
  readonly jar = new CookieJar()

  constructor(readonly baseUrl: string) {}

  async request(path: string, options: RequestOptions = {}): Promise<ClientResponse> {
    const url = new URL(path, this.baseUrl).toString()
    const headers: Record<string, string> = { ...options.headers }
    const cookie = await this.jar.getCookieString(url)
    // A Cookie header given by the caller replaces the jar's (a hand-made request).
    if (cookie && headers.cookie === undefined) headers.cookie = cookie
    let body: string | undefined
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(options.form).toString()
    }
    const response = await fetch(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' })
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) await this.jar.setCookie(line, url, { ignoreError: true })
    return { status: response.status, headers: response.headers, setCookies, body: await response.text() }
  }

  get(path: string, headers?: Record<string, string>): Promise<ClientResponse> {
    return this.request(path, { headers })
  }

  /** The value of a cookie the jar would send to `path`, if any. */
  async cookie(name: string, path = '/'): Promise<string | undefined> {
    const cookies = await this.jar.getCookies(new URL(path, this.baseUrl).toString())
    return cookies.find((c) => c.key === name)?.value
  }

  /**
   * Logs in through django.contrib.auth's LoginView: GET the form for its CSRF token,
   * then POST it. `headers` go on both requests (e.g. a hand-built X-Session).
   */
  async login(user = TEST_USER, headers: { get?: Record<string, string>; post?: Record<string, string> } = {}): Promise<ClientResponse> {
    const form = await this.get('/login/', headers.get)
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(form.body)?.[1]
    if (!token) throw new Error(`no CSRF token on the login page (status ${form.status}):\n${form.body.slice(0, 500)}`)
    return this.request('/login/', { form: { ...user, csrfmiddlewaretoken: token }, headers: headers.post })
  }
}
