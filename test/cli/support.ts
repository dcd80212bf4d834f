// Runs `node bin/session-inspector.js` as a child process: to completion (refusals, --help),
// or until it prints its URLs (a running inspector), then stops it with a signal.
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

export const BIN = resolve(__dirname, '../../bin/session-inspector.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunningCli {
  proxyUrl: string
  controlUrl: string
  token: string
  readonly stdout: string
  readonly stderr: string
  /** Sends the signal and resolves with how the process ended (rejects if it hangs for 15 s). */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGKILL, for cleanup after a failed test. */
  kill(): void
}

function launch(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, SESSION_INSPECTOR_TOKEN: '' } })
  const out = { stdout: '', stderr: '' }
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out.stdout += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out.stderr += d))
  const exited = new Promise<CliResult>((done) => child.once('close', (code, signal) => done({ code, signal, ...out })))
  return { child, out, exited }
}

/** Runs to the end (killed after 15 s: a refusal must be immediate). */
export async function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const { child, exited } = launch(args, env)
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  try {
    return await exited
  } finally {
    clearTimeout(timer)
  }
}

/** Starts the CLI and waits for "Press Ctrl+C to stop."; rejects with its stderr if it exits first. */
export async function startCli(args: string[], env?: NodeJS.ProcessEnv): Promise<RunningCli> {
  const { child, out, exited } = launch(args, env)
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the CLI did not start within 15 s:\n${out.stdout}\n${out.stderr}`)), 15_000)
    const check = () => {
      if (!out.stdout.includes('Press Ctrl+C to stop.')) return
      clearTimeout(timer)
      child.stdout?.off('data', check)
      ready()
    }
    child.stdout?.on('data', check)
    void exited.then((r) => {
      clearTimeout(timer)
      fail(new Error(`the CLI exited (code ${r.code}) before it was ready:\n${r.stderr}`))
    })
  })
  const proxyUrl = /proxy:\s+(http:\/\/\S+)/.exec(out.stdout)?.[1]
  const ui = /web UI:\s+(http:\/\/[^/\s]+)\/#token=(\S+)/.exec(out.stdout)
  if (!proxyUrl || !ui) throw new Error(`cannot read the URLs from:\n${out.stdout}`)
  return {
    proxyUrl,
    controlUrl: ui[1] as string,
    token: decodeURIComponent(ui[2] as string),
    get stdout() {
      return out.stdout
    },
    get stderr() {
      return out.stderr
    },
    async stop(signal) {
      child.kill(signal)
      let timer: NodeJS.Timeout | undefined
      const hung = new Promise<never>((_, fail) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL')
          fail(new Error(`the CLI did not exit within 15 s of ${signal}:\n${out.stderr}`))
        }, 15_000)
      })
      try {
        const r = await Promise.race([exited, hung])
        return { code: r.code, signal: r.signal }
      } finally {
        clearTimeout(timer)
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  }
}
