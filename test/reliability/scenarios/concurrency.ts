// Concurrency (issue 13): 200 browsers, each on its own keep-alive connection with its own
// cookies, hit a session-writing route of an app for 20 s ('test': 5 s) through the built
// CLI. The app increments a per-session counter (reads X-Session, answers X-Session-Update);
// each browser's requests are sequential, so every answer must be its previous one plus one,
// and the stored counter must end at exactly the number of requests it made.
import { Agent, request } from 'node:http'
import { atLeast, zero, type Scenario, type ScenarioResult } from './types'
import { startProxyProcess, type ProxyProcess } from '../support/proxy-cli'
import { serve } from '../../proxy/support/servers'

const CONNECTIONS = 200
const SECONDS = { test: 5, bench: 20 }

interface BrowserState {
  cookies: Map<string, string>
  agent: Agent
  done: number
  errors: number
  outOfOrder: number
  /** Connections this browser opened (one, if keep-alive holds). */
  opened: number
  sockets: WeakSet<object>
}

function reply(b: BrowserState, port: number, path: string, cookie: string): Promise<{ status: number; body: string; setCookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: b.agent, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookies: res.headers['set-cookie'] ?? [] }))
      res.on('error', reject)
    })
    req.once('socket', (socket) => {
      if (b.sockets.has(socket)) return
      b.sockets.add(socket)
      b.opened++
    })
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')))
    req.on('error', reject)
    req.end()
  })
}

function keep(b: BrowserState, setCookies: string[]): void {
  for (const h of setCookies) {
    const [pair = ''] = h.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    if (/max-age=0\b/i.test(h)) b.cookies.delete(name)
    else b.cookies.set(name, pair.slice(eq + 1).trim())
  }
}

async function browse(b: BrowserState, proxy: ProxyProcess, until: number, latencies: number[], problems: string[]): Promise<void> {
  while (performance.now() < until) {
    const cookie = [...b.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
    const t0 = performance.now()
    try {
      const r = await reply(b, proxy.port, '/increment', cookie)
      latencies.push(performance.now() - t0)
      keep(b, r.setCookies)
      if (r.status !== 200) {
        b.errors++
        if (problems.length < 5) problems.push(`status ${r.status}: ${r.body.slice(0, 120)}`)
        continue
      }
      b.done++
      if (r.body !== `count ${b.done}`) {
        b.outOfOrder++
        if (problems.length < 5) problems.push(`request ${b.done} of a browser got "${r.body}"`)
        b.done = Number(/count (\d+)/.exec(r.body)?.[1] ?? b.done)
      }
    } catch (e) {
      b.errors++
      if (problems.length < 5) problems.push(`request failed: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
}

async function run(scale: 'test' | 'bench', log: (line: string) => void): Promise<ScenarioResult> {
  const app = await serve((req, res) => {
    const wire = JSON.parse(Buffer.from(String(req.headers['x-session'] ?? ''), 'base64url').toString('utf8')) as { data: { n?: number } }
    const n = (wire.data.n ?? 0) + 1
    res.setHeader('X-Session-Update', Buffer.from(JSON.stringify({ accessed: true, modified: true, data: { ...wire.data, n } })).toString('base64url'))
    res.setHeader('Content-Type', 'text/plain')
    res.end(`count ${n}`)
  })
  const proxy = await startProxyProcess(app.url)
  const browsers: BrowserState[] = Array.from({ length: CONNECTIONS }, () => ({ cookies: new Map(), agent: new Agent({ keepAlive: true, maxSockets: 1 }), done: 0, errors: 0, outOfOrder: 0, opened: 0, sockets: new WeakSet() }))
  const latencies: number[] = []
  const problems: string[] = []
  const seconds = SECONDS[scale]
  try {
    const started = performance.now()
    const until = started + seconds * 1000
    const progress = setInterval(() => log(`${latencies.length} requests, proxy RSS ${proxy.rssMiB().toFixed(0)} MiB`), 5000)
    await Promise.all(browsers.map((b) => browse(b, proxy, until, latencies, problems)))
    clearInterval(progress)
    const elapsed = (performance.now() - started) / 1000
    // Every browser's stored counter is exactly the count of its answered requests.
    let lost = 0
    let missing = 0
    for (const b of browsers) {
      const key = b.cookies.get('sessionid')
      if (!key) {
        if (b.done > 0) missing++
        continue
      }
      try {
        const s = await proxy.api<{ data: { n?: number } }>(`/api/sessions/${encodeURIComponent(key)}`)
        lost += Math.abs((s.data.n ?? 0) - b.done)
        if (s.data.n !== b.done && problems.length < 5) problems.push(`a browser made ${b.done} requests, its session says ${s.data.n}`)
      } catch {
        missing++
      }
      b.agent.destroy()
    }
    const requests = latencies.length
    latencies.sort((a, b) => a - b)
    const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0
    const opened = browsers.reduce((n, b) => n + b.opened, 0)
    const errors = browsers.reduce((n, b) => n + b.errors, 0)
    const outOfOrder = browsers.reduce((n, b) => n + b.outOfOrder, 0)
    return {
      ran: `${CONNECTIONS} connections for ${seconds} s: ${requests.toLocaleString('en-US')} requests, ${(requests / elapsed).toFixed(0)} req/s, p99 ${p99.toFixed(1)} ms`,
      figures: [
        { name: 'connections (browser to proxy)', value: opened, bound: `= ${CONNECTIONS}, one per browser`, ok: opened === CONNECTIONS },
        atLeast('requests per connection (min)', Math.min(...browsers.map((b) => b.done)), 1),
        zero('errors', errors),
        zero('counter answers out of sequence', outOfOrder),
        zero('lost updates (stored vs made)', lost),
        zero('sessions missing', missing),
        zero('crashes', proxy.exited() ? 1 : 0)
      ],
      notes: problems
    }
  } finally {
    for (const b of browsers) b.agent.destroy()
    await proxy.stop()
    await app.close()
  }
}

export const scenarios: Scenario[] = [
  {
    id: 'concurrency',
    title: 'Concurrency',
    run: ({ scale, log = () => undefined }) => run(scale, log)
  }
]
