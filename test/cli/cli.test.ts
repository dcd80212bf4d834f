// The command line as a user runs it: `node bin/session-inspector.js` in a child process,
// talked to through its proxy and control API, stopped with SIGTERM/SIGINT, started again on
// the same data dir; and its one-line refusals. Needs the build (out/main/cli.js): `npm test`
// builds first; run directly, this file builds once when the bundle is missing or stale.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { version } from '../../package.json'
import { httpApi, openEvents } from '../support/http-api'
import { Browser, eventually, nameOnPage } from '../api/support'
import { startCli, runCli, type RunningCli } from './support'

const ROOT = resolve(__dirname, '../..')
const BUNDLE = join(ROOT, 'out/main/cli.js')

/** The newest modification time of the sources that go into the CLI bundle. */
function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'electron') newest = Math.max(newest, newestSource(path))
    } else if (/\.(ts|json|css)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  return newest
}

beforeAll(() => {
  const built = (() => {
    try {
      return statSync(BUNDLE).mtimeMs
    } catch {
      return 0
    }
  })()
  const sources = Math.max(...['src/main', 'src/shared', 'src/adapters'].map((d) => newestSource(join(ROOT, d))))
  if (built >= sources) return
  console.warn(`cli.test: ${built ? 'out/main/cli.js is older than src' : 'out/main/cli.js is missing'}: building (npx electron-vite build)`)
  try {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 })
  } catch (e) {
    throw new Error(`cli.test needs the build and it failed; run \`npm run build\`:\n${String((e as { stderr?: Buffer }).stderr ?? e)}`)
  }
}, 150_000)

const dirs: string[] = []
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'si-cli-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('a run, a stop and a second run on the same data dir', () => {
  let first: RunningCli | null = null
  let second: RunningCli | null = null
  afterAll(() => {
    first?.kill()
    second?.kill()
  })

  it('serves the proxy and the control API, stops on SIGTERM, and starts again with the same state', async () => {
    const dir = dataDir()
    first = await startCli(['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--set', 'SESSION_COOKIE_AGE=20', '--token', 'T'])
    expect(first.token).toBe('T')
    expect(first.stdout).toContain(`Session Inspector ${version}`)
    expect(first.stdout).toContain(`data:    ${dir}`)

    // The proxy, in front of the demo app, with the --set setting.
    const b = new Browser(first.proxyUrl)
    const set = await b.get('/p1/set/')
    expect(set.setCookies.find((c) => c.startsWith('sessionid='))).toContain('Max-Age=20')
    expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Sonam rathore')

    // The control API with the given token; the web UI on the same address.
    const api = httpApi(first.controlUrl, 'T')
    expect((await api.getSettings({})).SESSION_COOKIE_AGE).toBe(20)
    expect((await api.getStatus({})).controlUrl).toBe(first.controlUrl)
    const ui = await fetch(`${first.controlUrl}/`)
    expect(ui.status).toBe(200)
    expect(await ui.text()).toMatch(/<html/i)
    expect((await fetch(`${first.controlUrl}/api/health`)).status).toBe(401)

    // The clock: 30 s on, the 20 s session is expired and the app no longer sees it.
    expect((await api.advanceClock({ seconds: 30 })).offsetSeconds).toBeCloseTo(30, 3)
    const key = b.sessionKey()
    expect((await api.getSession({ key })).expired).toBe(true)
    expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Guest Guest')

    await api.updateSettings({ settings: { SESSION_SAVE_EVERY_REQUEST: true, SESSION_COOKIE_NAME: 'cli_session' } })
    const { secretKey } = await api.revealSecretKey({})
    await eventually(async () => (await api.listTraffic({})).total === 3, 'three traffic entries')

    // An open event stream and a keep-alive connection must not hold the exit up.
    const events = await openEvents(first.controlUrl, 'T')
    const exit = await first.stop('SIGTERM')
    events.close()
    expect(exit).toEqual({ code: 0, signal: null })
    expect(first.stderr).toContain('SIGTERM: closing')
    first = null

    // Same data dir, no --token: a token is made and kept there; the rest is as it was left.
    second = await startCli(['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0'])
    expect(second.token).not.toBe('T')
    const again = httpApi(second.controlUrl, second.token)
    expect((await again.revealSecretKey({})).secretKey).toBe(secretKey)
    expect(await again.getSettings({})).toMatchObject({ SESSION_SAVE_EVERY_REQUEST: true, SESSION_COOKIE_NAME: 'cli_session' })
    const traffic = await again.listTraffic({})
    expect(traffic.entries.map((e) => e.url)).toEqual(['/p1/get/', '/p1/get/', '/p1/set/'])
    // The session row is still there and decodes with the same SECRET_KEY.
    expect((await again.getSession({ key })).data).toEqual({ name: 'Sonam', lname: 'rathore' })
    const next = new Browser(second.proxyUrl)
    await next.get('/p1/set/')
    expect(next.cookies.has('cli_session')).toBe(true)

    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null })
    expect(second.stderr).toContain('SIGINT: closing')
    second = null

    // A third start finds the token the second one made.
    const third = await startCli(['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0'])
    try {
      expect(third.token).toBe(readFileSync(join(dir, 'token'), 'utf8').trim())
    } finally {
      expect((await third.stop('SIGTERM')).code).toBe(0)
    }
  })
})

describe('the banner names the settings that differ from Django\'s defaults', () => {
  const banner = (cli: RunningCli) => cli.stdout.slice(0, cli.stdout.indexOf('Press Ctrl+C to stop.'))
  let running: RunningCli | null = null
  afterAll(() => running?.kill())

  it('says where each comes from; a --set lasts one run, a change made in the UI is kept until reset', async () => {
    const dir = dataDir()
    const args = ['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--token', 'T']
    running = await startCli([...args, '--set', 'SESSION_COOKIE_AGE=20'])
    expect(banner(running)).toMatch(/^ {4}SESSION_COOKIE_AGE = 20 +\(Django: 1209600; command line, this run only\)$/m)
    expect(banner(running)).toContain("  settings: 1 differs from Django's defaults\n")
    const api = httpApi(running.controlUrl, 'T')
    await api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true, SESSION_COOKIE_SAMESITE: 'Strict' } })
    expect((await running.stop('SIGTERM')).code).toBe(0)

    // The next start, without --set: what the UI changed is still in force, and it says so.
    running = await startCli(args)
    const second = banner(running)
    expect(second).toContain("  settings: 2 differ from Django's defaults\n")
    expect(second).toMatch(/^ {4}SESSION_EXPIRE_AT_BROWSER_CLOSE = True +\(Django: False; saved in settings\.json\)$/m)
    expect(second).toMatch(/^ {4}SESSION_COOKIE_SAMESITE = 'Strict' +\(Django: 'Lax'; saved in settings\.json\)$/m)
    expect(second).toContain(`delete ${join(dir, 'settings.json')}`)
    expect(second).not.toContain('SESSION_COOKIE_AGE')
    const again = httpApi(running.controlUrl, 'T')
    expect((await again.getSettings({})).SESSION_COOKIE_AGE).toBe(1209600)
    await again.resetSettings({})
    expect((await running.stop('SIGTERM')).code).toBe(0)

    // Reset: settings.json keeps nothing, and the banner says the run is Django's defaults.
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({})
    running = await startCli(args)
    expect(banner(running)).toContain("  settings: Django's defaults\n")
    expect((await running.stop('SIGTERM')).code).toBe(0)
    running = null
  })

  it('says which Django the engine follows: 5.2 by default, --django for the run', async () => {
    const args = ['--data-dir', dataDir(), '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--token', 'T']
    running = await startCli(args)
    expect(banner(running)).toContain('  django:   behaves as Django 5.2 (the default; --django 3.2|4.2|5.2 to change)\n')
    expect((await running.stop('SIGTERM')).code).toBe(0)
    running = await startCli([...args, '--django', '3.2'])
    expect(banner(running)).toContain('  django:   behaves as Django 3.2 (command line, this run only)\n')
    const status = await httpApi(running.controlUrl, 'T').getStatus({})
    expect(status.django).toEqual({ version: '3.2', source: 'command line' })
    expect(status.settingSources).toMatchObject({ DJANGO_VERSION: 'command line', SESSION_COOKIE_AGE: 'default' })
    expect((await running.stop('SIGTERM')).code).toBe(0)
    running = null
  })
})

describe('refusals: one line on stderr and a non-zero exit', () => {
  let occupied: Server
  let port: number
  beforeAll(async () => {
    occupied = createServer()
    await new Promise<void>((r) => occupied.listen(0, '127.0.0.1', () => r()))
    port = (occupied.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((r) => occupied.close(() => r())))

  const expectRefusal = (r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) => {
    expect(r.code, r.stderr).not.toBe(0)
    expect(r.code).not.toBeNull()
    const lines = r.stderr.trim().split('\n')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/^session-inspector: /)
    expect(lines[0]).toMatch(pattern)
    expect(r.stdout).not.toContain('proxy:')
  }

  it('the proxy port in use', async () => {
    const r = await runCli(['--data-dir', dataDir(), '--listen', `127.0.0.1:${port}`, '--control', '127.0.0.1:0'])
    expectRefusal(r, new RegExp(`127\\.0\\.0\\.1:${port}.*in use`))
  })

  it('the control port in use', async () => {
    const r = await runCli(['--data-dir', dataDir(), '--listen', '127.0.0.1:0', '--control', `127.0.0.1:${port}`])
    expectRefusal(r, new RegExp(`control.*${port}.*in use`))
  })

  it('a bad upstream URL', async () => {
    expectRefusal(await runCli(['--data-dir', dataDir(), '--upstream', 'ftp://example.com']), /--upstream: .*ftp:\/\/example\.com.*http/)
    expectRefusal(await runCli(['--data-dir', dataDir(), '--upstream', 'not a url']), /--upstream: /)
  })

  it('a bad address', async () => {
    expectRefusal(await runCli(['--data-dir', dataDir(), '--listen', 'localhost:99999']), /--listen: expected HOST:PORT/)
    expectRefusal(await runCli(['--data-dir', dataDir(), '--control', 'nowhere']), /--control: expected HOST:PORT/)
  })

  it('an unknown option', async () => {
    expectRefusal(await runCli(['--bogus']), /--bogus.*--help/)
    expectRefusal(await runCli(['stray-positional']), /stray-positional|positional/i)
  })

  it('an invalid --set', async () => {
    const dir = dataDir()
    const common = ['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0']
    expectRefusal(await runCli([...common, '--set', 'SESSION_COOKIE_AGE=-5']), /SESSION_COOKIE_AGE: .*-5.*allowed: a whole number/)
    expectRefusal(await runCli([...common, '--set', 'SESSION_COOKIE_AGES=5']), /SESSION_COOKIE_AGES: unknown setting/)
    expectRefusal(await runCli([...common, '--set', 'NOPE']), /--set: expected NAME=VALUE/)
    expectRefusal(await runCli([...common, '--engine', 'mongo']), /SESSION_ENGINE/)
    const old = await runCli([...common, '--django', '2.2'])
    expect(old.code).toBe(2)
    expect(old.stderr).toMatch(/--django: Django 3\.2 or later; got "2\.2", allowed: "3\.2", "4\.2" or "5\.2"/)
    // Refused here as the API refuses it: the folder must exist.
    expectRefusal(await runCli([...common, '--engine', 'file', '--set', `SESSION_FILE_PATH=${join(dir, 'missing')}`]), /SESSION_FILE_PATH: .*missing.* is not an existing directory/)
  })
})

describe('--help and --version', () => {
  it('--help prints the usage with every option and exits 0', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^session-inspector \d+\.\d+\.\d+/)
    for (const option of ['--upstream', '--listen', '--control', '--data-dir', '--database', '--token', '--engine', '--django', '--set', '--open', '--help', '--version']) {
      expect(r.stdout).toContain(option)
    }
  })

  it('--version prints the version and exits 0', async () => {
    const r = await runCli(['--version'])
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' })
  })
})
