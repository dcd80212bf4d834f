// Starts the fixture Django project (test/fixtures/django_project) with runserver on a free
// loopback port, with Django's own SessionMiddleware or the Session Inspector adapter and
// the given session settings, on a fresh copy of a migrated SQLite database in a temporary
// directory, and stops the server and removes the directory afterwards.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Settings } from '../../src/shared/settings'

/** Debian's python3 has Django 3.2; the `python3` on PATH may not. */
export const DJANGO_PYTHON = process.env.DJANGO_PYTHON ?? '/usr/bin/python3'
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/django_project/', import.meta.url))
export const ADAPTER_DIR = fileURLToPath(new URL('../../src/adapters/django/', import.meta.url))

/** The user the fixture's migration creates, for login() and logout(). */
export const TEST_USER = { username: 'sonam', password: 'session-inspector' }

/** Program 5 of the seeds (sessionframework5/settings.py); its pages live under /home/. */
export const PROGRAM_5_SETTINGS: Partial<Settings> = {
  SESSION_COOKIE_AGE: 400,
  SESSION_COOKIE_NAME: 'sessionname',
  SESSION_COOKIE_PATH: '/home',
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SECURE: true,
  SESSION_EXPIRE_AT_BROWSER_CLOSE: true
}
export const PROGRAM_5_TIME_ZONE = 'Asia/Kathmandu'

/** The seeds' page session: SESSION_COOKIE_AGE = 20. */
export const PAGE_SESSION_SETTINGS: Partial<Settings> = { SESSION_COOKIE_AGE: 20 }

export type SessionMiddlewareChoice = 'django' | 'inspector'

export interface DjangoServerOptions {
  /** django: django.contrib.sessions' SessionMiddleware; inspector: the adapter's. */
  middleware: SessionMiddlewareChoice
  /** Session settings under Django's names, as Session Inspector takes them. */
  settings?: Partial<Settings>
  /** The project's TIME_ZONE (default UTC). */
  timeZone?: string
  /** Django's DEBUG (default false). */
  debug?: boolean
  /** More environment variables for manage.py. */
  env?: Record<string, string>
  /** The Python (and so the Django) to run: default DJANGO_PYTHON (Debian's 3.2); inject('django5Python') for 5.2. */
  python?: string
  /** Where Python finds session_inspector_django (default: the source tree, src/adapters/django). */
  adapterPath?: string
  /**
   * A PostgreSQL or MySQL database (postgresql://… or mysql://…) instead of the SQLite file:
   * migrated before runserver starts (the first server on it migrates; later ones find it done).
   */
  databaseUrl?: string
}

export interface DjangoServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string
  readonly port: number
  /** The project's SQLite database (django_session lives here with the db engine). */
  readonly dbPath: string
  /** The environment runserver runs with (what its settings.py reads). */
  readonly env: NodeJS.ProcessEnv
  /** What runserver printed so far (stdout and stderr). */
  output(): string
  /** Stops runserver and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>
}

/** Session settings as the fixture's settings.py reads them from the environment. */
export function settingsEnv(settings: Partial<Settings>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue
    if (name === 'CACHES') env[name] = JSON.stringify(value)
    else if (value === null) env[name] = ''
    else env[name] = String(value)
  }
  return env
}

function baseEnv(options: DjangoServerOptions, dbPath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    // The parent's own session settings must not leak into the fixture.
    if (!/^(SESSION_|DJANGO_)/.test(name) && !['SECRET_KEY', 'TIME_ZONE', 'CACHES'].includes(name)) env[name] = value
  }
  return {
    ...env,
    PYTHONPATH: [options.adapterPath ?? ADAPTER_DIR, process.env.PYTHONPATH].filter(Boolean).join(':'),
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    DJANGO_SETTINGS_MODULE: 'fixture_site.settings',
    DJANGO_DB_PATH: dbPath,
    ...(options.databaseUrl ? { DJANGO_DATABASE_URL: options.databaseUrl } : {}),
    DJANGO_DEBUG: options.debug ? 'true' : 'false',
    SESSION_MIDDLEWARE: options.middleware,
    TIME_ZONE: options.timeZone ?? 'UTC',
    ...settingsEnv(options.settings ?? {}),
    ...options.env
  }
}

/** Runs manage.py with the fixture's environment (e.g. createsuperuser on a server's database). */
export function run(args: string[], env: NodeJS.ProcessEnv, python = DJANGO_PYTHON): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, ['manage.py', ...args], { cwd: FIXTURE_DIR, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`manage.py ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`))
      else resolve(stdout + stderr)
    })
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()))
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited(child)
  clearTimeout(timer)
}

async function launch(port: number, env: NodeJS.ProcessEnv, timeoutMs: number, python = DJANGO_PYTHON) {
  const child = spawn(python, ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'], {
    cwd: FIXTURE_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  // 'close' comes after the last output, so an exit's reason is complete by then.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 50))])
    if (failed) throw new Error(`cannot run ${python} (apt-get install python3-django): ${failed.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      await closed
      return { child, output: () => output, ready: false as const }
    }
    if (await canConnect(port)) return { child, output: () => output, ready: true as const }
  }
  await stopChild(child)
  throw new Error(`runserver did not listen on ${port} within ${timeoutMs} ms:\n${output}`)
}

const TEMPLATE_PREFIX = 'si-django-template-'
/** One migrated database per Python (each Django writes its own migrations table). */
const templates = new Map<string, Promise<string>>()

/** Test workers may be killed before 'exit' handlers run: remove the templates of dead processes. */
function removeStaleTemplates(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(TEMPLATE_PREFIX.length))
    if (!name.startsWith(TEMPLATE_PREFIX) || !Number.isInteger(pid) || pid === process.pid) continue
    try {
      process.kill(pid, 0)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), name), { recursive: true, force: true })
    }
  }
}

/**
 * The fixture's database, migrated once per test process: the schema and the test user do
 * not depend on the session settings, and migrating costs a second or more per server.
 */
function migratedTemplate(python = DJANGO_PYTHON): Promise<string> {
  let template = templates.get(python)
  template ??= (async () => {
    removeStaleTemplates()
    const dir = join(tmpdir(), `${TEMPLATE_PREFIX}${process.pid}`)
    const path = join(dir, python === DJANGO_PYTHON ? 'db.sqlite3' : `db-${createHash('sha256').update(python).digest('hex').slice(0, 12)}.sqlite3`)
    if (existsSync(path)) return path // migrated by an earlier test file in this process
    mkdirSync(dir, { recursive: true })
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    const partial = join(dir, `migrating-${Date.now()}.sqlite3`)
    await run(['migrate', '--noinput'], baseEnv({ middleware: 'django' }, partial), python)
    renameSync(partial, path)
    return path
  })()
  templates.set(python, template)
  return template
}

/** Starts runserver on a free loopback port on a migrated database; resolves once it accepts connections. */
export async function startDjangoServer(options: DjangoServerOptions, timeoutMs = 30_000): Promise<DjangoServer> {
  const templatePath = options.databaseUrl ? '' : await migratedTemplate(options.python)
  const dir = mkdtempSync(join(tmpdir(), 'si-django-'))
  const dbPath = join(dir, 'db.sqlite3')
  const env = baseEnv(options, dbPath)
  try {
    if (options.databaseUrl) await run(['migrate', '--noinput'], env, options.python)
    else copyFileSync(templatePath, dbPath)
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const started = await launch(port, env, timeoutMs, options.python)
      if (!started.ready) {
        // Another process may have taken the port between freePort() and runserver.
        if (attempt < 3 && /port is already in use/i.test(started.output())) continue
        throw new Error(`runserver exited (${started.child.exitCode ?? started.child.signalCode}):\n${started.output()}`)
      }
      let stopping: Promise<void> | undefined
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        dbPath,
        env,
        output: started.output,
        stop: () =>
          (stopping ??= stopChild(started.child).then(() => rmSync(dir, { recursive: true, force: true })))
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
