// The app behind the proxy in the kill -9 scenario: it writes the session on every request
// (X-Session-Update). /login?user=U starts {user: U, n: 1}; /step?n=K sets n to K; /whoami
// answers the session the proxy loaded, unchanged. Every value
// carries a check field so a torn or mixed-up write shows as corrupt, and a pad so each save
// is more than a few bytes.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SessionValue {
  user: string
  n: number
  check: string
  pad: string
}

const PAD = 'p'.repeat(300)

export function checkOf(user: string, n: number): string {
  return createHash('sha256').update(`${user}:${n}`).digest('hex').slice(0, 16)
}

export function sessionValue(user: string, n: number): SessionValue {
  return { user, n, check: checkOf(user, n), pad: PAD }
}

/** Whether stored data is a whole value written by this app (not torn, not mixed up). */
export function isWholeValue(data: unknown): data is SessionValue {
  const d = data as Partial<SessionValue> | null
  return typeof d?.user === 'string' && typeof d.n === 'number' && d.check === checkOf(d.user, d.n) && d.pad === PAD
}

function decodeSession(header: string | string[] | undefined): { data?: Record<string, unknown> } {
  if (typeof header !== 'string') return {}
  try {
    return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { data?: Record<string, unknown> }
  } catch {
    return {}
  }
}

export interface DurabilityApp {
  url: string
  close(): Promise<void>
}

export async function startDurabilityApp(): Promise<DurabilityApp> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid')
    let value: SessionValue | null = null
    if (url.pathname === '/login') value = sessionValue(url.searchParams.get('user') ?? 'nobody', 1)
    else if (url.pathname === '/step') {
      const user = decodeSession(req.headers['x-session']).data?.user
      if (typeof user === 'string') value = sessionValue(user, Number(url.searchParams.get('n')))
    }
    if (url.pathname === '/whoami') {
      // Reads the session only: what the proxy loaded for this cookie, as JSON.
      res.setHeader('Content-Type', 'application/json')
      return void res.end(JSON.stringify(decodeSession(req.headers['x-session']).data ?? null))
    }
    if (value) res.setHeader('X-Session-Update', Buffer.from(JSON.stringify({ data: value, modified: true })).toString('base64url'))
    res.setHeader('Content-Type', 'text/plain')
    res.end(value ? `ok ${value.user} ${value.n}\n` : 'no session\n')
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
