// Shared by the adapter and demo tests: hand-built X-Session headers, real servers on
// 127.0.0.1:0, and requests that decode X-Session-Update.
import { createServer, request, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { encodeWireSession, parseWireUpdate, type WireSession, type WireUpdate } from '../../src/shared/wire'

/** A key as the engine makes them. */
export const KEY = 'k3y0f32charactersabcdefghijklmno'
/** An engine clock far from real time, so that using Date.now() would show. */
export const FAR_NOW = '2041-06-15T08:30:00.000Z'

/** An X-Session value; the expiry fields are filled in for an engine at `now`. */
export function sessionHeader(partial: Partial<WireSession> = {}): string {
  const now = partial.now ?? FAR_NOW
  const cookieAge = partial.cookieAge ?? 1_209_600
  return encodeWireSession({
    v: 1,
    key: KEY,
    data: {},
    expiryAge: cookieAge,
    expiryDate: new Date(Date.parse(now) + cookieAge * 1000).toISOString(),
    expireAtBrowserClose: false,
    expireAtBrowserCloseSetting: false,
    cookieAge,
    now,
    ...partial
  })
}

export interface Server {
  url: string
  close(): Promise<void>
}

export function listen(handler: RequestListener, options: { maxHeaderSize?: number } = {}): Promise<Server> {
  const server = createServer(options, handler)
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}

export interface Reply {
  status: number
  headers: Headers
  body: string
  /** The decoded X-Session-Update, or null when the response has none. */
  update: WireUpdate | null
}

/** Sends a request; `session` is the X-Session value (omitted: none is sent). */
export async function call(url: string, init: { session?: string; headers?: Record<string, string>; method?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.session !== undefined) headers['X-Session'] = init.session
  const response = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual' })
  const body = await response.text()
  const raw = response.headers.get('x-session-update')
  let update: WireUpdate | null = null
  if (raw !== null) {
    const parsed = parseWireUpdate(raw)
    if (!parsed.ok) throw new Error(`the app sent a malformed X-Session-Update: ${parsed.error}`)
    update = parsed.value
  }
  return { status: response.status, headers: response.headers, body, update }
}

export interface RawReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A node:http request, for what fetch cannot do: repeated headers (`[name, value]` pairs are
 * appended) and headers over the 16 KiB default (`maxHeaderSize`).
 */
export function rawCall(url: string, headers: [string, string][], options: { maxHeaderSize?: number } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { maxHeaderSize: options.maxHeaderSize }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    for (const [name, value] of headers) req.appendHeader(name, value)
    req.on('error', reject)
    req.end()
  })
}
