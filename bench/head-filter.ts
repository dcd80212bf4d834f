// The head filter's cost on the normal path (issue 23.5): CPU per request of a keep-alive
// node:http client to a local app, through the proxy's upstream agent (the filter) and through
// a plain keep-alive agent, rounds interleaved. Prints, never asserts.
//   node --import tsx bench/head-filter.ts [--requests 20000] [--rounds 4] [--concurrency 8] [--body 0]
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { upstreamAgent } from '../src/main/proxy/upstream'

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '4' }, concurrency: { type: 'string', default: '8' }, body: { type: 'string', default: '0' } } })
const requests = Number(values.requests)
const body = 'x'.repeat(Number(values.body))

async function main(): Promise<void> {
  const app = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.setHeader('X-Session-Update', 'eyJkYXRhIjp7ImEiOjF9fQ')
    res.end(body)
  })
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r))
  const url = new URL(`http://127.0.0.1:${(app.address() as AddressInfo).port}/`)
  const agents = { filtered: upstreamAgent(url), plain: new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }) }
  const one = (agent: http.Agent) =>
    new Promise<void>((resolve, reject) => {
      http.get({ hostname: url.hostname, port: url.port, path: '/', agent }, (res) => {
        res.resume()
        res.on('end', resolve)
      }).on('error', reject)
    })
  const run = async (agent: http.Agent) => {
    let left = requests
    const cpu = process.cpuUsage()
    const start = performance.now()
    await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
      while (left-- > 0) await one(agent)
    }))
    const used = process.cpuUsage(cpu)
    return { us: (used.user + used.system) / requests, rps: requests / ((performance.now() - start) / 1000) }
  }
  await run(agents.plain)
  await run(agents.filtered)
  const totals = { filtered: [] as number[], plain: [] as number[] }
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const name of ['plain', 'filtered'] as const) {
      const r = await run(agents[name])
      totals[name].push(r.us)
      console.log(`round ${round} ${name.padEnd(8)} ${r.us.toFixed(1)} µs CPU/req (client + app, one process), ${Math.round(r.rps)} req/s`)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const [p, f] = [median(totals.plain), median(totals.filtered)]
  console.log(`median: plain ${p.toFixed(1)}, filtered ${f.toFixed(1)} µs CPU/req (${(((f - p) / p) * 100).toFixed(1)}%, ${(f - p).toFixed(1)} µs)`)
  app.close()
  for (const a of Object.values(agents)) a.destroy()
}
void main()
