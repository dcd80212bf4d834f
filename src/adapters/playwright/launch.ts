// Starts the headless Session Inspector (this package's `session-inspector` command) for a
// test worker: free ports, a temporary data folder, the addresses and token read from its
// --ready-json file; stopped with SIGTERM (SIGKILL after 10 s) and its folder removed. It
// runs with --stop-on-stdin-close, so a worker that dies without cleaning up takes it along.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** How to start Session Inspector in front of the app under test. */
export interface LaunchOptions {
  /** The app: a URL, or "demo" for the built-in demo app. */
  upstream: string
  /** Observe a Django project that runs Django's own SessionMiddleware: its folder (--django-project). */
  djangoProject?: string
  /** Its settings module (--django-settings; default: the one manage.py names). */
  djangoSettings?: string
  /** The project's Python (--python; default /usr/bin/python3). */
  python?: string
  /** More command-line options, e.g. ['--observe-django', '--database', 'db.sqlite3']. */
  args?: string[]
  /** The command: a .js file run with this Node, or an executable (default: this package's bin, or SESSION_INSPECTOR_CLI). */
  cli?: string
  /** Environment for the command (added to the worker's). */
  env?: Record<string, string>
  /** How long starting may take, ms (default 30 s: reading a Django project runs its Python). */
  startTimeoutMs?: number
  /** A word for the data folder's name, e.g. the worker index. */
  label?: string
}

/** What --ready-json says (src/main/cli-ci.ts). */
export interface ReadyInfo {
  version: string
  pid: number
  proxyUrl: string
  controlUrl: string
  uiUrl: string
  token: string
  dataDir: string
  upstream: string
  mode: 'middleware' | 'observe-django'
}

export interface Launched extends ReadyInfo {
  /** What the command printed so far. */
  output(): string
  /** Stops it and removes its data folder. Safe to call twice. */
  stop(): Promise<void>
}

/** This package's command, found from its package.json (the package refers to itself by name). */
export function defaultCli(): string {
  if (process.env.SESSION_INSPECTOR_CLI) return process.env.SESSION_INSPECTOR_CLI
  return join(dirname(require.resolve('session-inspector/package.json')), 'bin', 'session-inspector.js')
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited(child)
  clearTimeout(timer)
}

export async function launchInspector(o: LaunchOptions): Promise<Launched> {
  const dir = mkdtempSync(join(tmpdir(), `session-inspector-${o.label ?? 'test'}-`))
  const ready = join(dir, 'ready.json')
  const cli = o.cli ?? defaultCli()
  const args = [
    '--upstream', o.upstream,
    '--listen', '127.0.0.1:0',
    '--control', '127.0.0.1:0',
    '--data-dir', join(dir, 'data'),
    '--ready-json', ready,
    '--stop-on-stdin-close',
    ...(o.djangoProject ? ['--django-project', o.djangoProject] : []),
    ...(o.djangoSettings ? ['--django-settings', o.djangoSettings] : []),
    ...(o.python ? ['--python', o.python] : []),
    ...(o.args ?? [])
  ]
  const [file, argv] = cli.endsWith('.js') ? [process.execPath, [cli, ...args]] : [cli, args]
  // A token of our own: one from the environment (SESSION_INSPECTOR_TOKEN) is not for this instance.
  const env = { ...process.env, ...o.env, SESSION_INSPECTOR_TOKEN: randomBytes(24).toString('base64url') }
  const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], env })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d))
  const failedToSpawn = new Promise<Error>((resolve) => child.once('error', resolve))
  let stopping: Promise<void> | undefined
  const stop = () => (stopping ??= stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })))
  try {
    const deadline = Date.now() + (o.startTimeoutMs ?? 30_000)
    for (;;) {
      const spawnError = await Promise.race([failedToSpawn, new Promise<null>((r) => setTimeout(() => r(null), 25))])
      if (spawnError) throw new Error(`cannot run Session Inspector (${cli}): ${spawnError.message}`)
      if (existsSync(ready)) break
      if (child.exitCode !== null || child.signalCode !== null) {
        await new Promise((r) => setImmediate(r))
        const said = output.split('\n').filter((l) => l.startsWith('session-inspector:')).join('\n') || output.trim()
        throw new Error(`Session Inspector did not start (exit ${child.exitCode ?? child.signalCode}): ${said}`)
      }
      if (Date.now() > deadline) throw new Error(`Session Inspector did not start within ${o.startTimeoutMs ?? 30_000} ms:\n${output}`)
    }
    const info = JSON.parse(readFileSync(ready, 'utf8')) as ReadyInfo
    return { ...info, output: () => output, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
