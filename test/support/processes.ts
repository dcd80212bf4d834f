// What the server modules of test/support share: free ports, waiting for a port, running a
// program to completion, stopping a child (lazy-server.ts: a server per test file). No vitest
// here: bench/faults.ts runs the reliability scenarios, which start these servers, outside it.
import { execFile, type ChildProcess } from 'node:child_process'
import { chownSync } from 'node:fs'
import { connect, createServer } from 'node:net'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

/** Waits until something accepts connections on 127.0.0.1:port; fails when the child exits first. */
export async function waitForPort(port: number, child: ChildProcess, name: string, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${output()}`)
    if (await canConnect(port)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms:\n${output()}`)
}

/** Runs a program to completion; rejects with its output when it fails. */
export function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`))
      else resolve(stdout + stderr)
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** Stops a child with SIGTERM (SIGKILL after 10 s) and waits for it. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** PostgreSQL refuses to run as root (tests may): such servers run as nobody, in folders nobody owns. */
export const AS_ROOT = process.getuid?.() === 0
const NOBODY = 65534

/** The command that runs a program as an unprivileged user when we are root, else as it is. */
export function unprivileged(file: string, args: string[]): [string, string[]] {
  return AS_ROOT ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--reset-env', file, ...args]] : [file, args]
}

/** Gives a folder to the unprivileged user (when root). */
export function giveAway(dir: string): void {
  if (AS_ROOT) chownSync(dir, NOBODY, NOBODY)
}
