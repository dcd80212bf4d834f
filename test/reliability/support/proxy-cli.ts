// The built CLI (bin/session-inspector.js) as a child process for the reliability scenarios:
// its own process, so that a crash is an exit and its RSS is the proxy's alone (read from
// /proc), with the control API at hand to read the traffic log back.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TrafficEntry, TrafficSummary } from '../../../src/shared/api'

const BIN = resolve(__dirname, '../../../bin/session-inspector.js')
/** The output kept of a long run (the tail): enough to show why it ended. */
const KEEP_OUTPUT = 64 * 1024

export interface ProxyProcess {
  pid: number
  proxyUrl: string
  /** host:port of the proxy, for Host headers. */
  host: string
  port: number
  controlUrl: string
  /** The process ended (a crash, during a scenario): code or signal, else null while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | null
  /** The last 64 KiB of its stderr. */
  stderr(): string
  /** Resident set size now, MiB (VmRSS); NaN once it has exited. */
  rssMiB(): number
  /** The highest RSS so far, MiB (VmHWM). */
  peakRssMiB(): number
  /** GET on the control API with the token; throws on a non-2xx answer. */
  api<T>(path: string): Promise<T>
  /** Every traffic summary the log holds, newest first (pages through it). */
  traffic(filter?: { effect?: string; search?: string }): Promise<{ entries: TrafficSummary[]; total: number }>
  entry(id: number): Promise<TrafficEntry>
  /** SIGTERM (SIGKILL after 15 s) and removes its data dir. */
  stop(): Promise<void>
}

const tail = (text: string) => (text.length > KEEP_OUTPUT ? text.slice(-KEEP_OUTPUT) : text)

function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

/** Starts the CLI in front of `upstream` on 127.0.0.1 ephemeral ports, in a fresh data dir. */
export async function startProxyProcess(upstream: string, extraArgs: string[] = []): Promise<ProxyProcess> {
  if (!existsSync(join(BIN, '../../out/main/cli.js'))) throw new Error('the CLI is not built: run `npm run build` first')
  const dataDir = mkdtempSync(join(tmpdir(), 'si-reliability-'))
  const token = 'reliability-token'
  const args = [BIN, '--upstream', upstream, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', dataDir, ...extraArgs]
  // The token in the environment: on the command line the CLI warns that every user can read it.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SESSION_INSPECTOR_TOKEN: token } })
  let stdout = ''
  let stderr = ''
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = tail(stdout + d)))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = tail(stderr + d)))
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      done()
    })
  )
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the CLI did not start within 20 s:\n${stdout}\n${stderr}`)), 20_000)
    const check = () => {
      if (!stdout.includes('Press Ctrl+C to stop.')) return
      clearTimeout(timer)
      child.stdout.off('data', check)
      ready()
    }
    child.stdout.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      fail(new Error(`the CLI exited before it was ready:\n${stderr}`))
    })
  })
  const proxyUrl = /proxy:\s+(http:\/\/\S+)/.exec(stdout)?.[1]
  const controlUrl = /web UI:\s+(http:\/\/[^/\s]+)/.exec(stdout)?.[1]
  if (!proxyUrl || !controlUrl) throw new Error(`cannot read the URLs from:\n${stdout}`)
  const url = new URL(proxyUrl)
  const pid = child.pid as number

  async function api<T>(path: string): Promise<T> {
    const r = await fetch(`${controlUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } })
    const text = await r.text()
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${text.slice(0, 300)}`)
    return JSON.parse(text) as T
  }

  return {
    pid,
    proxyUrl,
    host: url.host,
    port: Number(url.port),
    controlUrl,
    exited: () => exit,
    stderr: () => stderr,
    rssMiB: () => procStatusMiB(pid, 'VmRSS'),
    peakRssMiB: () => procStatusMiB(pid, 'VmHWM'),
    api,
    async traffic(filter = {}) {
      const entries: TrafficSummary[] = []
      let total = 0
      let before: number | undefined
      for (;;) {
        const q = new URLSearchParams({ limit: '1000' })
        if (filter.effect) q.set('effect', filter.effect)
        if (filter.search) q.set('search', filter.search)
        if (before !== undefined) q.set('before', String(before))
        const page = await api<{ entries: TrafficSummary[]; total: number }>(`/api/traffic?${q}`)
        total = page.total
        entries.push(...page.entries)
        if (page.entries.length < 1000) return { entries, total }
        before = (page.entries[page.entries.length - 1] as TrafficSummary).id
      }
    },
    entry: (id) => api<TrafficEntry>(`/api/traffic/${id}`),
    async stop() {
      if (!exit) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(killer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
