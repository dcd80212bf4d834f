// Bad input through the proxy (issue 13): fast-check generates requests no browser would
// send, written as raw bytes on loopback sockets to the built CLI in front of a fuzz app:
// malformed, huge and duplicate Cookie headers, invalid session keys, client-sent X-Session*
// headers, malformed X-Session-Update answers from the app, odd methods and paths, oversized
// heads, half-closed sockets, slow partial writes and garbage. Every case has the answers it
// may get; the figures count what fell outside them, and the proxy's RSS.
//
// What is expected (the app is up throughout, and never answers 5xx itself, so any 5xx is
// the proxy's and unexpected; a 502 belongs to upstream-faults):
//   - a well-formed request, whatever its cookies, session key, X-Session* headers, method,
//     path or body: the app's own status and body, the app having seen exactly the body and
//     path sent and one X-Session (the proxy's), the browser no X-Session* header;
//   - a bad X-Session-Update from the app: still the app's status and body, the update
//     refused (the traffic entry says rejected); a valid one is applied;
//   - a head over Node's 16 KiB: 431; a malformed request line or header: 400 (or, where
//     Node's parser is lenient, the app's answer); CONNECT: 405;
//   - a FIN after a complete request: the full answer; a FIN mid-request: 400 or a close;
//   - garbage: 400 or a close. A hang (no answer and no close within 10 s) is never expected.
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { atLeast, atMost, zero, type Scenario, type ScenarioResult } from './types'
import { startFuzzApp, type AppPlan } from '../support/proxy-app'
import { startProxyProcess } from '../support/proxy-cli'
import { rawRequest, splitAt, type RawOutcome } from '../support/proxy-raw'
import { casesArb, type Case } from '../support/proxy-cases'

const COUNTS = { test: 2000, bench: 20_000 }
/** RSS may grow this much from the end of the warm-up to the end of the run. */
const RSS_GROWTH_MIB = { test: 64, bench: 64 }
const TIMEOUT_MS = 10_000
/** Connections that send half a head and then nothing, held open through the whole run (slowloris). */
const STALLED = { test: 20, bench: 100 }
/** Node's default maxHeaderSize, which the proxy keeps. */
const MAX_HEAD = 16 * 1024

interface Tally {
  runs: number
  byKind: Map<string, number>
  hangs: number
  unexpected5xx: number
  unexpected: number
  toBrowser: number
  samples: string[]
  /** fz id → whether the proxy must refuse the update ('either': the engine decides). */
  verdicts: Map<string, { verdict: 'valid' | 'refused' | 'either'; summary: string }>
}

function describe(c: Case, o: RawOutcome): string {
  const what = `${c.kind}: ${c.summary}`
  return `${what.length > 160 ? `${what.slice(0, 160)}…` : what} → ${o.hung ? 'no answer (hang)' : o.status === 0 ? `closed without an answer${o.error ? ` (${o.error})` : ''}` : `${o.status}${o.cutShort ? ' cut short' : ''}`}`
}

/** Checks one outcome against the case's expectations; returns what is wrong, if anything. */
function judge(c: Case, id: string, o: RawOutcome, t: Tally): string | null {
  if (o.hung) {
    t.hangs++
    return 'hang'
  }
  if (o.headers.some(([n]) => /^x[-_]session/i.test(n))) {
    t.toBrowser++
    return 'an X-Session* header reached the browser'
  }
  const allowed = c.expect.statuses
  if (!allowed.includes(o.status) || (o.status !== 0 && o.cutShort)) {
    if (o.status >= 500) t.unexpected5xx++
    else t.unexpected++
    return `expected ${allowed.map((s) => s || 'a close').join(' or ')}`
  }
  if (c.plan && o.status === c.plan.status) {
    // The app's answer: what it received must be what was sent, and its body must arrive whole.
    const echo = o.headers.find(([n]) => n === 'x-fuzz-body')?.[1]
    const sent = c.body ?? Buffer.alloc(0)
    const want = `${sent.length} ${createHash('sha1').update(sent).digest('hex')}`
    const url = decodeURIComponent(o.headers.find(([n]) => n === 'x-fuzz-url')?.[1] ?? '')
    const problem =
      echo !== want ? `the app received a body of ${echo ?? '?'} instead of ${want}`
      : c.expect.path !== undefined && url !== c.expect.path ? `the app saw the path ${JSON.stringify(url.slice(0, 200))} instead of ${JSON.stringify(c.expect.path.slice(0, 200))}`
      : !c.head && o.body.toString('latin1') !== `ok ${id}` ? `the app's body arrived as ${JSON.stringify(o.body.toString('latin1').slice(0, 80))}`
      : null
    if (problem) {
      t.unexpected++
      return problem
    }
  }
  return null
}

/** The head's size as Node counts it against maxHeaderSize: the request line, then names and values without ': ' and CRLF. */
function countedHead(bytes: Buffer): number {
  const end = bytes.indexOf('\r\n\r\n')
  const lines = bytes.subarray(0, end === -1 ? bytes.length : end).toString('latin1').split('\r\n')
  return lines.reduce((n, line, i) => n + (i === 0 ? line.length : line.length - 2), 0)
}

export function buildRequest(c: Case, id: string, host: string): Buffer {
  if (c.raw) return Buffer.concat([c.raw])
  const head = [c.requestLine ?? `${c.method} ${c.target} HTTP/1.1`, `Host: ${host}`, `X-Fuzz: ${id}`, ...c.headers.map(([n, v]) => `${n}: ${v}`)]
  if (c.close) head.push('Connection: close')
  const body = c.body ?? Buffer.alloc(0)
  let bodyBytes: Buffer = body
  if (c.framing === 'chunked') {
    head.push('Transfer-Encoding: chunked')
    const parts = splitAt(body, c.chunkCuts ?? [])
    bodyBytes = Buffer.concat([...parts.filter((p) => p.length).flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')])
  } else if (c.framing === 'length') head.push(`Content-Length: ${body.length}`)
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), bodyBytes])
}

async function run(scale: 'test' | 'bench', log: (l: string) => void, seed: number | undefined): Promise<ScenarioResult> {
  const numRuns = COUNTS[scale]
  const app = await startFuzzApp()
  const proxy = await startProxyProcess(app.upstream.url)
  const t: Tally = { runs: 0, byKind: new Map(), hangs: 0, unexpected5xx: 0, unexpected: 0, toBrowser: 0, samples: [], verdicts: new Map() }
  const started = performance.now()
  const warmup = Math.min(1000, Math.floor(numRuns / 5))
  let rssAfterWarmup = NaN
  let rssMax = 0
  const notes: string[] = []
  const stalled: Socket[] = []
  try {
    for (let i = 0; i < STALLED[scale]; i++) {
      const socket = connect(proxy.port, '127.0.0.1', () => socket.write(`GET /stalled HTTP/1.1\r\nHost: ${proxy.host}\r\nX-Half: `))
      socket.on('error', () => undefined)
      stalled.push(socket)
    }
    const property = fc.asyncProperty(casesArb(), async (c) => {
      const id = `c${t.runs++}`
      t.byKind.set(c.kind, (t.byKind.get(c.kind) ?? 0) + 1)
      if (c.plan) app.plan(id, c.plan as AppPlan)
      const fz = c.verdict ? `fz${t.runs}` : undefined
      let kase: Case = fz ? { ...c, target: `${c.target}${c.target.includes('?') ? '&' : '?'}fz=${fz}`, expect: { ...c.expect, path: c.expect.path === undefined ? undefined : `${c.expect.path}${c.expect.path.includes('?') ? '&' : '?'}fz=${fz}` } } : c
      if (fz && c.verdict) t.verdicts.set(fz, { verdict: c.verdict, summary: c.summary })
      const bytes = buildRequest(kase, id, proxy.host)
      const pieces = kase.partial !== undefined ? [bytes.subarray(0, Math.max(1, Math.floor(kase.partial * bytes.length)))] : splitAt(bytes, kase.cuts ?? [])
      // Past Node's 16 KiB limit on the head (of what is sent), whatever it holds, the answer is a 431 (near it, either).
      const headLength = c.raw ? 0 : countedHead(Buffer.concat(pieces))
      if (headLength > MAX_HEAD + 512) kase = { ...kase, expect: { statuses: [431] } }
      else if (headLength > MAX_HEAD - 512 && !kase.expect.statuses.includes(431)) kase = { ...kase, expect: { ...kase.expect, statuses: [...kase.expect.statuses, 431] } }
      const o = await rawRequest(proxy.port, { pieces, pauseMs: kase.pauseMs, halfClose: kase.halfClose, head: kase.head, timeoutMs: TIMEOUT_MS })
      const wrong = judge(kase, id, o, t)
      if (t.runs === warmup) rssAfterWarmup = proxy.rssMiB()
      if (t.runs % 500 === 0) {
        const rss = proxy.rssMiB()
        rssMax = Math.max(rssMax, rss)
        log(`${t.runs} cases, proxy RSS ${rss.toFixed(0)} MiB`)
      }
      if (proxy.exited()) throw new Error(`the proxy exited: ${JSON.stringify(proxy.exited())}\n${proxy.stderr().slice(-2000)}`)
      if (wrong && t.samples.length < 8) t.samples.push(`${describe(kase, o)}: ${wrong}`)
      return wrong === null
    })
    const details = await fc.check(property, { numRuns, seed, endOnFailure: true })
    if (details.failed) {
      notes.push(`fast-check seed ${details.seed}, path ${details.counterexamplePath ?? ''}: failed after ${details.numRuns} runs`)
      if (details.errorInstance) notes.push(String(details.errorInstance).split('\n').slice(0, 4).join(' '))
    }
    // The proxy still serves an ordinary request.
    const last = await rawRequest(proxy.port, { pieces: [Buffer.from(`GET /after HTTP/1.1\r\nHost: ${proxy.host}\r\nConnection: close\r\n\r\n`)], timeoutMs: TIMEOUT_MS })
    const servesAfter = last.status === 200 ? 0 : 1
    const rssEnd = proxy.rssMiB()
    // Every update the app sent was judged as the case expected (looked up in the traffic log by its fz id).
    const rejected = new Set((await proxy.traffic({ effect: 'rejected' })).entries.map((e) => /[?&]fz=(fz\d+)/.exec(e.url)?.[1]).filter(Boolean))
    let misjudged = 0
    for (const [fz, { verdict, summary }] of t.verdicts) {
      const wrong = verdict === 'refused' ? !rejected.has(fz) : verdict === 'valid' ? rejected.has(fz) : false
      if (wrong && misjudged++ < 3) notes.push(`update ${fz} (${summary.slice(0, 100)}): expected ${verdict}, the traffic log says ${rejected.has(fz) ? 'rejected' : 'not rejected'}`)
    }
    const leaks = app.leaks()
    notes.push(...t.samples, ...leaks.samples)
    notes.push(`cases by kind: ${[...t.byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`)
    const crashed = proxy.exited() ? 1 : 0
    const held = stalled.filter((sk) => !sk.destroyed && sk.readyState === 'open').length
    // Anything the proxy wrote on stderr besides the upstream's state is an error it met.
    const odd = proxy.stderr().split('\n').filter((l) => l.trim() && !/upstream \S+ is (up|down)/.test(l))
    notes.push(...odd.slice(0, 3).map((l) => `proxy stderr: ${l.slice(0, 200)}`))
    return {
      ran: `${t.runs.toLocaleString('en-US')} generated requests in ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${details.seed})`,
      figures: [
        atLeast('cases', t.runs, numRuns),
        zero('crashes', crashed),
        zero('hangs', t.hangs),
        zero('unexpected 5xx', t.unexpected5xx),
        zero('other unexpected answers', t.unexpected),
        zero('client X-Session* reaching the app', leaks.count),
        zero('X-Session* reaching the browser', t.toBrowser),
        zero('X-Session-Update misjudged', misjudged),
        zero('not serving afterwards', servesAfter),
        zero('unexpected lines on the proxy\'s stderr', odd.length),
        { name: 'stalled connections held meanwhile', value: held, bound: `reported (of ${STALLED[scale]})`, ok: true },
        atMost('RSS growth after warm-up', Math.round(Math.max(0, rssEnd - rssAfterWarmup)), RSS_GROWTH_MIB[scale], 'MiB'),
        { name: 'RSS peak', value: Math.round(Math.max(rssMax, proxy.peakRssMiB())), unit: 'MiB', bound: 'reported', ok: true }
      ],
      notes
    }
  } finally {
    for (const sk of stalled) sk.destroy()
    await proxy.stop()
    await app.close()
  }
}

export const scenarios: Scenario[] = [
  {
    id: 'proxy-input',
    title: 'Bad input through the proxy',
    run: ({ scale, log = () => undefined, seed }) => run(scale, log, seed)
  }
]
