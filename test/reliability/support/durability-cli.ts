// The built CLI (bin/session-inspector.js) as a child process for the kill -9 scenario:
// started on a data folder with a store's flags, read for its URLs, then killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export const BIN = resolve(__dirname, '../../../bin/session-inspector.js')
const BUILT = resolve(__dirname, '../../../out/main/cli.js')

export interface RunningInspector {
  proxyUrl: string
  controlUrl: string
  readonly stderr: string
  /** SIGKILL, and resolves once the process is gone. */
  kill9(): Promise<void>
  /** SIGTERM (clean stop), and resolves once the process is gone. */
  stop(): Promise<void>
}

export function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error('the durability scenario runs the built CLI: run npm run build first')
}

export async function startInspectorCli(args: string[]): Promise<RunningInspector> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SESSION_INSPECTOR_TOKEN: '' } })
  const out = { stdout: '', stderr: '' }
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out.stdout += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out.stderr += d))
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the CLI did not start within 20 s:\n${out.stdout}\n${out.stderr}`)), 20_000)
    const check = (): void => {
      if (!out.stdout.includes('Press Ctrl+C to stop.')) return
      clearTimeout(timer)
      ready()
    }
    child.stdout?.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      fail(new Error(`the CLI exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out.stderr}`))
    })
  })
  const proxyUrl = /proxy:\s+(http:\/\/\S+)/.exec(out.stdout)?.[1]
  const controlUrl = /web UI:\s+(http:\/\/[^/\s]+)\//.exec(out.stdout)?.[1]
  if (!proxyUrl || !controlUrl) {
    child.kill('SIGKILL')
    throw new Error(`cannot read the URLs from:\n${out.stdout}`)
  }
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (gone()) return
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  return {
    proxyUrl,
    controlUrl,
    get stderr() {
      return out.stderr
    },
    kill9: () => end('SIGKILL'),
    stop: () => end('SIGTERM')
  }
}
