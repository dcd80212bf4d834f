// kill -9 under load loses no session whose Set-Cookie reached the browser: the session
// database commits the writes of each tick together (WAL, synchronous=NORMAL) and a response
// that sets the cookie is released only after its commit. Restarted on the same data dir,
// every such cookie still loads its session. Needs the build (npm run build).
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { startCli, type RunningCli } from './support'

const wire = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** /login?n=N stores {n: N} in a new session; /check answers the session's data as JSON. */
function upstream(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const header = req.headers['x-session']
  const session = typeof header === 'string' ? (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { key: string | null; data: object }) : null
  if (url.pathname === '/login') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Session-Update': wire({ data: { n: Number(url.searchParams.get('n')) } }) })
    res.end('ok')
    return
  }
  const body = JSON.stringify(session ? { key: session.key, data: session.data } : null)
  res.writeHead(200, { 'Content-Type': 'application/json', 'X-Session-Update': wire({ accessed: true }) })
  res.end(body)
}

let server: http.Server | undefined
let cli: RunningCli | undefined
let dir: string | undefined
afterEach(async () => {
  cli?.kill()
  cli = undefined
  await new Promise((r) => server?.close(r) ?? r(null))
  server = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

/** One GET through the proxy: status, Set-Cookie's sessionid (if any) and the body. */
function get(agent: http.Agent, base: string, path: string, cookie?: string): Promise<{ status: number; sessionid?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { agent, headers: cookie ? { Cookie: `sessionid=${cookie}` } : {} }, (res) => {
      // The cookie counts as received once the response head is here, as a browser stores it.
      const sessionid = (res.headers['set-cookie'] ?? []).map((c) => /^sessionid=(\w+)/.exec(c)?.[1]).find(Boolean)
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sessionid, body }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, sessionid, body }))
      if (sessionid) received.set(sessionid, Number(new URL(path, base).searchParams.get('n')))
    })
    req.on('error', reject)
  })
}
/** Session keys whose Set-Cookie arrived, with the n each was created with. */
const received = new Map<string, number>()

it('kill -9 under load, restart: every session whose Set-Cookie arrived is still there', { timeout: 60_000 }, async () => {
  server = http.createServer(upstream)
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const address = server.address() as { port: number }
  dir = mkdtempSync(join(tmpdir(), 'si-kill-'))
  const args = ['--upstream', `http://127.0.0.1:${address.port}`, '--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--token', 'T']
  cli = await startCli(args)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  received.clear()
  let n = 0
  let killed = false
  // 16 clients logging in as fast as they can; the proxy is killed while they are at it.
  const clients = Array.from({ length: 16 }, async () => {
    while (!killed) await get(agent, cli!.proxyUrl, `/login?n=${n++}`).catch(() => undefined)
  })
  // Under load until 200 sessions were acknowledged (however slow the machine), then killed.
  for (let waited = 0; received.size < 200 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
  await cli.stop('SIGKILL')
  killed = true
  await Promise.all(clients)
  agent.destroy()
  const sent = n
  expect(received.size).toBeGreaterThan(100) // it was under load when killed
  expect(sent).toBeGreaterThan(received.size) // and some requests were cut off

  cli = await startCli(args)
  const check = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const lost: string[] = []
  const entries = [...received]
  for (let i = 0; i < entries.length; i += 8) {
    await Promise.all(
      entries.slice(i, i + 8).map(async ([key, value]) => {
        const r = await get(check, cli!.proxyUrl, '/check', key)
        const seen = JSON.parse(r.body) as { key: string | null; data: { n?: number } } | null
        if (seen?.key !== key || seen.data.n !== value) lost.push(key)
      })
    )
  }
  check.destroy()
  expect(lost).toEqual([])
})
