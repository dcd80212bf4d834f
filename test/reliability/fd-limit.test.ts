// Issue 23, item 6: a proxy out of file descriptors is not an app that is down. The built
// CLI runs with its limit lowered by prlimit(1) to exactly what it has open; the requests
// that then need a new connection to the app get a 503 saying what it is ("the proxy is out
// of file descriptors: N open, limit M"), said once in the log, and the upstream's state
// stays true (up). With the limit raised again, the same connections are answered by the app.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import http, { type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startCli, type RunningCli } from '../cli/support'

let cli: RunningCli | null = null
let app: Server | null = null
const dir = mkdtempSync(join(tmpdir(), 'si-fd-'))
afterAll(() => {
  cli?.kill()
  app?.close()
  rmSync(dir, { recursive: true, force: true })
})

const hasPrlimit = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' })
    return process.platform === 'linux'
  } catch {
    return false
  }
})()

/** GET through `agent`: status and body. */
function get(url: string, agent: http.Agent, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (d: string) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })
}

describe.skipIf(!hasPrlimit)('out of file descriptors (prlimit on the running proxy)', () => {
  it('answers 503 naming the limit, logs it once, and leaves the upstream up', async () => {
    // The app closes every connection: each request through the proxy needs a new socket to it.
    app = http.createServer((_, res) => res.writeHead(200, { Connection: 'close' }).end('from the app')).listen(0, '127.0.0.1')
    await new Promise((r) => app?.once('listening', r))
    const upstream = `http://127.0.0.1:${(app.address() as { port: number }).port}`
    const ready = join(dir, 'ready.json')
    cli = await startCli(['--data-dir', join(dir, 'data'), '--upstream', upstream, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--ready-json', ready])
    const { pid, token } = JSON.parse(readFileSync(ready, 'utf8')) as { pid: number; token: string }

    // Browsers with open keep-alive connections (16), and one to the control API.
    const K = 16
    const browsers = new http.Agent({ keepAlive: true, maxSockets: K })
    const control = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const status = async () => JSON.parse((await get(`${cli?.controlUrl}/api/status`, control, { Authorization: `Bearer ${token}` })).body) as { upstreamState: string; upstreamError?: string }
    const round = () => Promise.all(Array.from({ length: K }, () => get(`${cli?.proxyUrl}/`, browsers)))
    expect((await round()).map((r) => r.status)).toEqual(Array(K).fill(200))
    expect((await status()).upstreamState).toBe('up')
    await new Promise((r) => setTimeout(r, 300)) // the app's closed connections are gone

    const open = readdirSync(`/proc/${pid}/fd`).length
    execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${open}:`])
    const starved = await round()
    const refused = starved.filter((r) => r.status === 503)
    expect(refused.length, JSON.stringify(starved.map((r) => r.status))).toBeGreaterThan(0)
    expect(starved.filter((r) => r.status === 502)).toEqual([])
    expect(refused[0]?.body).toContain(`the proxy is out of file descriptors: ${open} open, limit ${open} (EMFILE)`)
    expect(refused[0]?.body).toContain('The app is not at fault')
    const during = await status()
    expect(during.upstreamState).toBe('up')

    execFileSync('prlimit', [`--pid=${pid}`, '--nofile=4096:'])
    expect((await round()).map((r) => r.status)).toEqual(Array(K).fill(200))
    expect((await status()).upstreamState).toBe('up')
    const lines = cli.stderr.split('\n').filter((l) => l.includes('out of file descriptors'))
    expect(lines).toEqual([`session-inspector: the proxy is out of file descriptors: ${open} open, limit ${open} (EMFILE); the upstream's state is not changed by it (raise the limit: ulimit -n)`])
    expect(cli.stderr).not.toMatch(/is down/)
    browsers.destroy()
    control.destroy()
    expect((await cli.stop('SIGTERM')).code).toBe(0)
  })
})
