// HTTP load for the proxy benchmark: autocannon (from npm) in this process, or wrk (a
// separate C process) when asked, for throughput; an evenly paced client for latency. Latency percentiles come from every response time, not
// autocannon's whole-millisecond histogram, since the targets are about fractions of a ms.
import { execFile } from 'node:child_process'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'

export type LoadTool = 'autocannon' | 'wrk'

export interface LoadOptions {
  url: string
  connections: number
  durationSeconds: number
  headers: Record<string, string>
  /** Requests per second, evenly spaced (an open-loop client of our own); unset: as fast as the target answers. */
  rate?: number
}

export interface LoadResult {
  requestsPerSecond: number
  /** Milliseconds. */
  p50: number
  p99: number
  /** Responses that were not 2xx, plus socket errors and timeouts. */
  failures: number
  requests: number
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] as number
}

async function withAutocannon(o: LoadOptions): Promise<LoadResult> {
  let times = new Float64Array(1 << 16)
  let count = 0
  let failures = 0
  // Without a callback autocannon returns its instance, which is also a promise of the result.
  const options = { url: o.url, connections: o.connections, duration: o.durationSeconds, headers: o.headers, pipelining: 1 }
  const instance = autocannon(options) as unknown as autocannon.Instance &
    Promise<autocannon.Result>
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status < 200 || status >= 300) {
      failures++
      return
    }
    if (count === times.length) {
      const bigger = new Float64Array(times.length * 2)
      bigger.set(times)
      times = bigger
    }
    times[count++] = responseTime
  })
  const result = await instance
  const sorted = times.slice(0, count).sort()
  return {
    requestsPerSecond: count / o.durationSeconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failures: failures + result.errors + result.timeouts,
    requests: count
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

/** "1.23ms" → 1.23 */
function wrkTime(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim())
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] as number) : NaN
}

async function withWrk(o: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.durationSeconds}s`, '--latency']
  for (const [name, value] of Object.entries(o.headers)) args.push('-H', `${name}: ${value}`)
  args.push(o.url)
  const out = await new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { timeout: (o.durationSeconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${stderr || error.message}`))
      else resolve(stdout)
    })
  })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const total = Number(/(\d+) requests in/.exec(out)?.[1])
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const errors = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  const p50 = wrkTime(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '')
  const p99 = wrkTime(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '')
  if (!Number.isFinite(rps)) throw new Error(`cannot read wrk's output:\n${out}`)
  return { requestsPerSecond: rps, p50, p99, failures: non2xx + errors, requests: total }
}

/**
 * A fixed rate, evenly spaced over up to `connections` keep-alive sockets. autocannon's
 * overallRate sends each second's requests in a burst and wrk cannot pace (that is wrk2),
 * so neither measures latency below saturation. Latency counts from the scheduled moment,
 * so waiting for a free socket is included (no coordinated omission).
 */
async function paced(o: LoadOptions & { rate: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections })
  const url = new URL(o.url)
  const total = Math.round(o.rate * o.durationSeconds)
  const times = new Float64Array(total)
  let done = 0
  let ok = 0
  let failures = 0
  const start = performance.now()
  await new Promise<void>((resolve) => {
    let sent = 0
    const finish = (due: number, good: boolean) => {
      if (good) times[ok++] = performance.now() - due
      else failures++
      if (++done === total) resolve()
    }
    const tick = () => {
      const dueCount = Math.min(total, Math.floor(((performance.now() - start) / 1000) * o.rate) + 1)
      for (; sent < dueCount; sent++) {
        const due = start + (sent * 1000) / o.rate
        const req = http.get({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: o.headers, agent }, (res) => {
          res.resume()
          res.once('end', () => finish(due, res.statusCode === 200))
        })
        req.once('error', () => finish(due, false))
      }
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
  agent.destroy()
  const sorted = times.slice(0, ok).sort()
  return { requestsPerSecond: ok / o.durationSeconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, requests: ok }
}

/** Runs one load phase against one URL: paced when `rate` is set, else as fast as it answers. */
export function runLoad(tool: LoadTool, options: LoadOptions): Promise<LoadResult> {
  if (options.rate) return paced({ ...options, rate: options.rate })
  return tool === 'wrk' ? withWrk(options) : withAutocannon(options)
}

/** True when wrk is on the PATH. */
export function hasWrk(): Promise<boolean> {
  return new Promise((resolve) => execFile('wrk', ['--version'], (error, stdout) => resolve(!error || /wrk/.test(String(stdout)))))
}
