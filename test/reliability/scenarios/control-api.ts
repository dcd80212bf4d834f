// The control API under hostile input (issue 13): thousands of generated requests (bad JSON,
// wrong types, huge bodies, unknown routes, traversal in `:key` and static paths, invalid
// settings, and every way around the token, Host and Origin checks) against a real inspector
// behind a real control server, first on the db engine, then on the file engine. Each must get
// a 4xx with a clear message, and leave the settings, sessions, clock and clients as they were.
import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { sendRaw, type RawAnswer, type RawRequest } from '../support/api-raw'
import { apiCases, publicPages, type ApiCase } from '../support/api-cases'
import { SENTINEL, startApiTarget, type ApiTarget } from '../support/api-target'
import { atLeast, zero, type Scenario, type ScenarioOptions, type ScenarioResult } from './types'

const MiB = 1024 * 1024

interface Tally {
  cases: number
  fiveXx: number
  crashes: number
  hangs: number
  resets: number
  unexpected: number
  unclear: number
  stateChanged: number
  bypasses: number
  tokenLeaks: number
  traversalLeaks: number
  deadConnections: number
  groups: Map<string, number>
  failures: string[]
}

function isClear(answer: RawAnswer, mentions: string[] | undefined, head: boolean): boolean {
  if (head) return true
  const type = answer.headers['content-type'] ?? ''
  if (type.startsWith('application/json')) {
    let body: { error?: unknown; code?: unknown }
    try {
      body = JSON.parse(answer.body) as typeof body
    } catch {
      return false
    }
    if (typeof body.error !== 'string' || body.error.trim().length < 8 || typeof body.code !== 'string') return false
    return !mentions || mentions.some((name) => (body.error as string).includes(name))
  }
  // The static files' and the HTTP parser's refusals are one sentence of text.
  return type.startsWith('text/plain') && answer.body.trim().length > 0 && !mentions
}

/** Checks one answer against what its case expects; returns what went wrong, if anything. */
function judge(c: ApiCase, a: RawAnswer, secrets: string[], t: Tally): string[] {
  const wrong: string[] = []
  const head = c.request.method === 'HEAD'
  if (a.timedOut) {
    t.hangs++
    return ['no answer within the timeout']
  }
  if (a.status === 0 || a.cutShort) {
    t.resets++
    return [`connection closed before a whole answer (${a.error ?? 'no error'})`]
  }
  if (a.status >= 500) {
    t.fiveXx++
    wrong.push(`${a.status} ${a.body.slice(0, 120)}`)
  }
  const e = c.expect
  if (e.kind === 'api-4xx') {
    if (a.status < 400 || a.status > 499 || (e.status && !e.status.includes(a.status))) {
      t.unexpected++
      wrong.push(`status ${a.status}, expected ${e.status?.join('/') ?? '4xx'}: ${a.body.slice(0, 120)}`)
    } else if (!isClear(a, e.mentions, head)) {
      t.unclear++
      wrong.push(`unclear ${a.status} answer: ${a.headers['content-type']} ${a.body.slice(0, 120)}`)
    }
  } else if (e.kind === 'refused') {
    if (a.status < 400) {
      t.bypasses++
      wrong.push(`got through with ${a.status}: ${a.body.slice(0, 120)}`)
    } else if (a.status !== e.status) {
      t.unexpected++
      wrong.push(`status ${a.status}, expected ${e.status}: ${a.body.slice(0, 120)}`)
    } else if (!isClear(a, undefined, head)) {
      t.unclear++
      wrong.push(`unclear ${a.status} answer: ${a.body.slice(0, 120)}`)
    }
  } else if (a.status >= 200 && a.status < 300 ? false : a.status < 400 || a.status > 499) {
    t.unexpected++
    wrong.push(`status ${a.status} for a static path`)
  }
  const text = `${JSON.stringify(a.headers)}\n${a.body}`
  if (!c.authorised && secrets.some((s) => text.includes(s))) {
    t.tokenLeaks++
    wrong.push('the token or the secret key is in an answer sent without the token')
  }
  if (text.includes(SENTINEL)) {
    t.traversalLeaks++
    wrong.push('a file outside the UI folder was served')
  }
  return wrong
}

const healthRequest = (target: ApiTarget): RawRequest => ({ method: 'GET', target: '/api/health', headers: [['Host', `127.0.0.1:${target.port}`], ['Authorization', `Bearer ${target.token}`]] })

async function healthy(target: ApiTarget): Promise<boolean> {
  return (await sendRaw(target.port, healthRequest(target), 15_000)).status === 200
}

/** A refusal that keeps the connection open must leave it usable: the next request is answered. */
function connectionStillServes(a: RawAnswer): boolean {
  if (!a.followUp || a.status === 0 || a.headers.connection?.toLowerCase() === 'close') return true
  return a.followUp.status === 200 && a.followUp.body.includes('"ok":true')
}

async function runPass(target: ApiTarget, cases: ApiCase[], t: Tally, log: (line: string) => void): Promise<void> {
  const secrets = [target.token, (await target.inspector.api.revealSecretKey({})).secretKey]
  let before = await target.snapshot()
  let down = 0
  for (const [i, c] of cases.entries()) {
    // Every other case, and every huge body, is followed by a health check on the same connection.
    const followUp = c.group === 'huge bodies' || i % 2 === 0 ? healthRequest(target) : undefined
    const answer = await sendRaw(target.port, c.request, 15_000, followUp)
    t.cases++
    t.groups.set(c.group, (t.groups.get(c.group) ?? 0) + 1)
    const wrong = judge(c, answer, secrets, t)
    if (!connectionStillServes(answer)) {
      t.deadConnections++
      wrong.push(`the same connection did not answer the next request (${answer.followUp?.status ?? 'nothing'} ${answer.followUp?.error ?? ''})`)
    }
    const after = await target.snapshot()
    if (after !== before) {
      t.stateChanged++
      wrong.push('the settings, sessions, clock or clients changed')
      before = after
    }
    if (!(await healthy(target))) {
      t.crashes++
      wrong.push('the control server stopped answering /api/health')
      if (++down >= 3) throw new Error(`the control server is down after: ${c.what}`)
    } else down = 0
    if (wrong.length && t.failures.length < 8) t.failures.push(`[${c.group}] ${c.what.slice(0, 160)} → ${wrong.join('; ')}`)
    if ((i + 1) % 500 === 0) log(`${i + 1}/${cases.length} cases`)
  }
}

async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined)
  const bench = options.scale === 'bench'
  const total = bench ? 2400 : 500
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
  const started = performance.now()
  const t: Tally = { cases: 0, fiveXx: 0, crashes: 0, hangs: 0, resets: 0, unexpected: 0, unclear: 0, stateChanged: 0, bypasses: 0, tokenLeaks: 0, traversalLeaks: 0, deadConnections: 0, groups: new Map(), failures: [] }
  const target = await startApiTarget()
  let tokenInLogs = 0
  try {
    const passes: ['db' | 'file', number][] = [['db', Math.round((total * 2) / 3)], ['file', total - Math.round((total * 2) / 3)]]
    for (const [index, [engine, count]] of passes.entries()) {
      await target.useEngine(engine)
      const context = { port: target.port, token: target.token, keys: [...target.keys], clients: [...target.clients], hugeMax: bench ? 8 * MiB : 3 * MiB }
      const cases = fc.sample(apiCases(context), { numRuns: count, seed: seed + index })
      if (index === 0) {
        const assets = target.uiBuilt ? readdirSync(target.uiDir + '/assets').map((f) => `/assets/${f}`) : []
        cases.push(...publicPages(context, assets))
      }
      log(`${engine} engine: ${cases.length} cases`)
      await runPass(target, cases, t, log)
    }
    tokenInLogs = target.logs.filter((line) => line.includes(target.token)).length
  } finally {
    await target.close()
  }
  const seconds = (performance.now() - started) / 1000
  return {
    ran: `${t.cases.toLocaleString('en-US')} generated requests (db then file engine) in ${seconds.toFixed(0)} s`,
    figures: [
      atLeast('generated cases', t.cases, total),
      zero('5xx answers', t.fiveXx),
      zero('crashes (health check failed)', t.crashes),
      zero('hangs (no answer in 15 s)', t.hangs),
      zero('reset before the answer', t.resets),
      zero('connection unusable after a refusal', t.deadConnections),
      zero('answers not the expected 4xx', t.unexpected),
      zero('4xx without a clear message', t.unclear),
      zero('unchanged state violations', t.stateChanged),
      zero('auth bypasses', t.bypasses),
      zero('token leaks (answers, log lines)', t.tokenLeaks + tokenInLogs),
      zero('files outside the UI served', t.traversalLeaks)
    ],
    notes: [
      `seed ${seed} (replay: --seed ${seed}); ${[...t.groups].map(([g, n]) => `${g} ${n}`).join(', ')}; ${target.logs.length} log lines checked`,
      ...(target.uiBuilt ? [] : ['the web UI is not built (npm run build): static paths ran against an empty UI folder']),
      ...t.failures
    ]
  }
}

export const scenarios: Scenario[] = [{ id: 'control-api', title: 'Control API: hostile input and every way around the token', run }]
