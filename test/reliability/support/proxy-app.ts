// The app behind the proxy in the bad-input scenario: answers each request as its case
// planned (looked up by the X-Fuzz header: status, raw X-Session-Update values), echoes
// what it received (body length and hash, path), and counts every X-Session* header a
// client managed to get past the proxy.
import { createHash } from 'node:crypto'
import { serve, type Upstream } from '../../proxy/support/servers'

export interface AppPlan {
  status: number
  /** Raw X-Session-Update values, sent as separate headers (none: no update). */
  updates: string[]
  /** Also send X-Session-* headers of the app's own, which must not reach the browser. */
  reflectSessionHeaders?: boolean
  /** Set-Cookie values to send. */
  setCookies?: string[]
}

export interface FuzzApp {
  upstream: Upstream
  plan(id: string, plan: AppPlan): void
  /** Requests whose X-Session* headers were not exactly the proxy's one valid X-Session (the first few described). */
  leaks(): { count: number; samples: string[] }
  requests(): number
  close(): Promise<void>
}

function isProxysWireSession(value: string): boolean {
  try {
    const raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { v?: unknown; now?: unknown; data?: unknown }
    return raw.v === 1 && typeof raw.now === 'string' && typeof raw.data === 'object' && raw.data !== null
  } catch {
    return false
  }
}

export async function startFuzzApp(): Promise<FuzzApp> {
  const plans = new Map<string, AppPlan>()
  const samples: string[] = []
  let leaked = 0
  let requests = 0
  const upstream = await serve((req, res) => {
    requests++
    const id = String(req.headers['x-fuzz'] ?? '')
    const plan = plans.get(id) ?? { status: 200, updates: [] }
    plans.delete(id)
    // Exactly one X-Session, the proxy's own; nothing else of the namespace, in any spelling.
    const names: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (/^x[-_]session/i.test(req.rawHeaders[i] as string)) names.push(req.rawHeaders[i] as string)
    const wire = req.headers['x-session']
    if (names.length !== 1 || names[0]?.toLowerCase() !== 'x-session' || typeof wire !== 'string' || !isProxysWireSession(wire)) {
      if (leaked++ < 5) samples.push(`case ${id}: the app saw ${names.length ? names.join(', ') : 'no X-Session'}`)
    }
    const hash = createHash('sha1')
    let length = 0
    req.on('data', (c: Buffer) => {
      hash.update(c)
      length += c.length
    })
    req.on('error', () => undefined)
    req.on('end', () => {
      const headers: string[] = ['Content-Type', 'text/plain', 'X-Fuzz-Body', `${length} ${hash.digest('hex')}`, 'X-Fuzz-Url', encodeURIComponent(req.url ?? '')]
      for (const u of plan.updates) headers.push('X-Session-Update', u)
      for (const c of plan.setCookies ?? []) headers.push('Set-Cookie', c)
      if (plan.reflectSessionHeaders) headers.push('X-Session', typeof wire === 'string' ? wire : 'x', 'X-Session-Debug', 'y', 'x_session_id', 'z')
      const body = `ok ${id}`
      headers.push('Content-Length', String(Buffer.byteLength(body)))
      res.writeHead(plan.status, headers)
      res.end(req.method === 'HEAD' ? undefined : body)
    })
  })
  return {
    upstream,
    plan: (id, plan) => plans.set(id, plan),
    leaks: () => ({ count: leaked, samples }),
    requests: () => requests,
    close: () => upstream.close()
  }
}
