// What the test-runner wrappers share: running a command to its end with its output, free
// consecutive ports, and the repository's paths.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../..')
export const EXAMPLE = join(ROOT, 'examples/django-tutorial')
export const CLI = join(ROOT, 'bin/session-inspector.js')

export interface Finished {
  code: number | null
  output: string
  seconds: number
}

/** Runs a command to its end (killed after `timeoutMs`), with stdin closed. */
export function runToEnd(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Finished> {
  const started = Date.now()
  return new Promise((done, fail) => {
    const child = spawn(file, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000)
    child.once('error', fail)
    child.once('close', (code) => {
      clearTimeout(timer)
      done({ code, output, seconds: (Date.now() - started) / 1000 })
    })
  })
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** The first of `count` consecutive free loopback ports. */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000)
    let free = true
    for (let i = 0; i < count && free; i++) free = await canListen(base + i)
    if (free) return base
  }
  throw new Error(`no ${count} consecutive free ports`)
}

/** Whether a process is gone. */
export function gone(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
