// Upstream faults (issue 13): the built CLI in front of an app that goes down, resets in the
// middle of a response, waits before its first byte, streams a 200 MB body and speaks invalid
// HTTP. Each time the browser must get a clear answer (a 502 page saying why, or a response
// visibly cut short), the traffic log must record it, and the proxy must serve the next
// request; through the 200 MB body its RSS stays flat.
import { request } from 'node:http'
import { atMost, zero, type Figure, type Scenario, type ScenarioResult } from './types'
import { startFaultyApp, type Fault } from '../support/proxy-faulty-app'
import { startProxyProcess, type ProxyProcess } from '../support/proxy-cli'
import { rawRequest, type RawOutcome } from '../support/proxy-raw'

const SCALE = {
  test: { rounds: 3, downRequests: 5, streamBytes: 50 * 1024 * 1024, slowMs: [200, 1200] },
  bench: { rounds: 20, downRequests: 20, streamBytes: 200 * 1024 * 1024, slowMs: [200, 1000, 3000] }
}
const RSS_GROWTH_MIB = 64

/** What the browser must see for each fault: a 502 page, a response cut short, or the app's answer. */
const FAULTS: { fault: Fault; expect: 'page' | 'cut' | 'answer'; words: RegExp }[] = [
  { fault: 'reset-before-head', expect: 'page', words: /reset|hang up|closed/i },
  { fault: 'close-before-head', expect: 'page', words: /hang up|closed|reset/i },
  { fault: 'reset-mid-body', expect: 'cut', words: /broke off/i },
  { fault: 'cut-chunked', expect: 'cut', words: /broke off|closed/i },
  { fault: 'not-http', expect: 'page', words: /not an HTTP response \(HPE_INVALID_CONSTANT\)/ },
  { fault: 'bad-status-line', expect: 'page', words: /answered with invalid HTTP \(HPE_INVALID_STATUS\)/ },
  { fault: 'bad-header', expect: 'page', words: /answered with invalid HTTP \(HPE_INVALID_HEADER_TOKEN\)/ },
  { fault: 'bad-content-length', expect: 'page', words: /answered with invalid HTTP \(HPE_INVALID_CONTENT_LENGTH\)/ },
  { fault: 'huge-head', expect: 'page', words: /response headers too large \(HPE_HEADER_OVERFLOW\)/ }
]

interface Expectation {
  url: string
  expect: 'page' | 'cut' | 'answer'
  words: RegExp
  label: string
}

const get = (proxy: ProxyProcess, path: string): Promise<RawOutcome> =>
  rawRequest(proxy.port, { pieces: [Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${proxy.host}\r\nConnection: close\r\n\r\n`)], timeoutMs: 15_000 })

/** Why the browser's answer is not the clear one expected, or null. */
function unclear(e: Expectation, o: RawOutcome): string | null {
  if (o.hung) return 'no answer (hang)'
  const body = o.body.toString('utf8')
  if (e.expect === 'page') {
    if (o.status !== 502) return `status ${o.status} instead of a 502 page`
    if (!body.includes('could not get an answer from the app') || !/Error: <code>[^<]+<\/code>/.test(body)) return `a 502 without the reason: ${body.slice(0, 120)}`
    if (!e.words.test(body)) return `a 502 page that does not say ${e.words}: ${/Error: <code>([^<]+)<\/code>/.exec(body)?.[1]}`
    return null
  }
  if (e.expect === 'cut') return o.status === 200 && o.cutShort ? null : `status ${o.status}${o.cutShort ? ' cut short' : ' complete'} instead of a 200 visibly cut short`
  return o.status === 200 && !o.cutShort ? null : `status ${o.status}${o.cutShort ? ' cut short' : ''} instead of the app's 200`
}

/** Downloads a path through the proxy, counting bytes (never holding them), sampling the proxy's RSS. */
function download(proxy: ProxyProcess, path: string): Promise<{ status: number; bytes: number; rssPeak: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let rssPeak = proxy.rssMiB()
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, proxy.rssMiB())), 100)
    const req = request({ host: '127.0.0.1', port: proxy.port, path, agent: false }, (res) => {
      let bytes = 0
      res.on('data', (c: Buffer) => (bytes += c.length))
      res.on('error', () => undefined)
      res.on('close', () => {
        clearInterval(sampler)
        resolve({ status: res.statusCode ?? 0, bytes, rssPeak: Math.max(rssPeak, proxy.rssMiB()), seconds: (performance.now() - started) / 1000 })
      })
    })
    req.on('error', (e) => {
      clearInterval(sampler)
      reject(e)
    })
    req.end()
  })
}

async function run(scale: 'test' | 'bench', log: (line: string) => void): Promise<ScenarioResult> {
  const s = SCALE[scale]
  const app = await startFaultyApp()
  const proxy = await startProxyProcess(app.url)
  const expectations: Expectation[] = []
  const problems: string[] = []
  const wordsSeen = new Map<string, string>()
  let unclearAnswers = 0
  let notServing = 0
  let n = 0
  const note = (p: string) => problems.length < 8 && problems.push(p)
  /** One request that must get `e`'s answer; then an ordinary one that must be served. */
  const inject = async (label: string, path: string, expect: Expectation['expect'], words: RegExp) => {
    const url = `${path}${path.includes('?') ? '&' : '?'}i=u${++n}x`
    const e = { url, expect, words, label }
    expectations.push(e)
    const o = await get(proxy, url)
    const why = unclear(e, o)
    if (why) {
      unclearAnswers++
      note(`${label}: ${why}`)
    }
    const after = await get(proxy, `/ok?i=after${n}`)
    if (after.status !== 200 || after.body.toString() !== `ok after${n}`) {
      notServing++
      note(`after ${label}: the next request got ${after.status}`)
    }
  }
  try {
    await get(proxy, '/ok?i=warm')
    for (let round = 0; round < s.rounds; round++) {
      for (const f of FAULTS) await inject(f.fault, `/${f.fault}`, f.expect, f.words)
      for (const ms of s.slowMs) await inject(`slow first byte (${ms} ms)`, `/slow-first-byte?ms=${ms}`, 'answer', /./)
    }
    log(`${n} faults injected, RSS ${proxy.rssMiB().toFixed(0)} MiB`)

    // A slow first byte holds up no one else: an ordinary request meanwhile is answered first.
    let heldUp = 0
    for (let round = 0; round < s.rounds; round++) {
      const order: string[] = []
      const slow = get(proxy, `/slow-first-byte?ms=1500&i=slow${round}`).then(() => order.push('slow'))
      await new Promise((r) => setTimeout(r, 50))
      await get(proxy, `/ok?i=meanwhile${round}`).then(() => order.push('ok'))
      await slow
      if (order[0] !== 'ok') heldUp++
    }

    // The app goes down: a 502 saying the connection was refused, each time; back up, served at once.
    await app.down()
    for (let i = 0; i < s.downRequests; i++) {
      const url = `/ok?i=u${++n}x`
      expectations.push({ url, expect: 'page', words: /refused/i, label: 'app down' })
      const o = await get(proxy, url)
      const why = unclear({ url, expect: 'page', words: /refused/i, label: 'app down' }, o)
      if (why) {
        unclearAnswers++
        note(`app down: ${why}`)
      }
    }
    await app.up()
    const back = await get(proxy, '/ok?i=back')
    if (back.status !== 200) {
      notServing++
      note(`the app came back, the proxy answered ${back.status}`)
    }

    // A huge streamed body: every byte arrives, the proxy's RSS stays flat.
    const rssBefore = proxy.rssMiB()
    const big = await download(proxy, `/stream?bytes=${s.streamBytes}&i=big`)
    const mb = s.streamBytes / 1024 / 1024
    log(`${mb} MB streamed in ${big.seconds.toFixed(1)} s, RSS ${rssBefore.toFixed(0)} → peak ${big.rssPeak.toFixed(0)} MiB`)

    // The traffic log has every fault, with its status and the reason in words.
    await new Promise((r) => setTimeout(r, 300))
    const entries = (await proxy.traffic()).entries
    let unrecorded = 0
    for (const e of expectations) {
      const entry = entries.find((x) => x.url === e.url)
      const error = entry?.error ?? ''
      const ok = !entry ? false : e.expect === 'page' ? entry.status === 502 && entry.effect === 'upstream-error' && e.words.test(error) : e.expect === 'cut' ? e.words.test(error) : entry.status === 200 && !entry.error
      if (entry && !wordsSeen.has(e.label)) wordsSeen.set(e.label, `${entry.status ?? '-'} ${error || '(no error)'}`)
      if (!ok) {
        unrecorded++
        note(`${e.label}: the traffic log has ${entry ? `status ${entry.status}, effect ${entry.effect}, error ${JSON.stringify(error)}` : 'no entry'}`)
      }
    }
    const crashed = proxy.exited() ? 1 : 0
    const figures: Figure[] = [
      { name: 'faults injected', value: expectations.length, bound: 'reported', ok: expectations.length > 0 },
      zero('crashes', crashed),
      zero('unclear answers to the browser', unclearAnswers),
      zero('faults missing from the traffic log', unrecorded),
      zero('not serving after a fault', notServing),
      zero('requests held up by a slow first byte', heldUp),
      zero(`${mb} MB body: bytes lost`, big.status === 200 ? s.streamBytes - big.bytes : s.streamBytes),
      atMost(`${mb} MB body: RSS growth`, Math.round(Math.max(0, big.rssPeak - rssBefore)), RSS_GROWTH_MIB, 'MiB')
    ]
    return {
      ran: `${expectations.length} faults (${s.rounds} rounds of ${FAULTS.length + s.slowMs.length} kinds, the app down ${s.downRequests} times) and a ${mb} MB body at ${(mb / big.seconds).toFixed(0)} MB/s`,
      figures,
      notes: [...problems, ...[...wordsSeen].map(([label, text]) => `${label} → ${text.slice(0, 140)}`)]
    }
  } finally {
    await proxy.stop()
    await app.close()
  }
}

export const scenarios: Scenario[] = [
  {
    id: 'upstream-faults',
    title: 'Upstream faults',
    run: ({ scale, log = () => undefined }) => run(scale, log)
  }
]
