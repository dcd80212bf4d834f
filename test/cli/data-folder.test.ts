// Issue 21, items 1 and 2, and issue 23 item 8: a SECRET_KEY given at start lasts that run
// (the folder's own key is never overwritten by it), each app gets a data folder of its own
// by default (the demo keeps the default folder), and the control token is best not given
// on the command line (a warning; SESSION_INSPECTOR_TOKEN or --token-file instead).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCli } from '../../src/main/cli'
import { appDataDir } from '../../src/main/inspector-options'
import { httpApi } from '../support/http-api'
import { runCli, startCli, type RunningCli } from './support'

const dirs: string[] = []
const running: RunningCli[] = []
let app: Server | null = null
afterAll(() => {
  for (const r of running) r.kill()
  app?.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'si-folder-'))
  dirs.push(dir)
  return dir
}
const FREE = ['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0']

async function run(args: string[], env?: NodeJS.ProcessEnv): Promise<RunningCli> {
  const cli = await startCli([...FREE, ...args], env)
  running.push(cli)
  return cli
}

describe('a SECRET_KEY given at start is for that run only (issue 21.1)', () => {
  it('--set SECRET_KEY= is used for the run, the folder keeps its own key, and the next run uses it again', async () => {
    const dir = tempDir()
    const first = await run(['--data-dir', dir])
    const own = readFileSync(join(dir, 'secret_key'), 'utf8').trim()
    expect(own).toMatch(/^django-insecure-/)
    await first.stop('SIGTERM')

    const second = await run(['--data-dir', dir, '--set', 'SECRET_KEY=the-projects-key'])
    expect((await httpApi(second.controlUrl, second.token).revealSecretKey({})).secretKey).toBe('the-projects-key')
    // A setting changed through the API during that run is saved, the given key still is not.
    await httpApi(second.controlUrl, second.token).updateSettings({ settings: { SESSION_COOKIE_AGE: 60 } })
    await second.stop('SIGTERM')
    expect(readFileSync(join(dir, 'secret_key'), 'utf8').trim()).toBe(own)
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ SESSION_COOKIE_AGE: 60 })

    const third = await run(['--data-dir', dir])
    expect((await httpApi(third.controlUrl, third.token).revealSecretKey({})).secretKey).toBe(own)
    // Regenerate is the user asking: that one is kept.
    await httpApi(third.controlUrl, third.token).regenerateSecretKey({})
    const fresh = (await httpApi(third.controlUrl, third.token).revealSecretKey({})).secretKey
    await third.stop('SIGTERM')
    expect(fresh).not.toBe(own)
    expect(readFileSync(join(dir, 'secret_key'), 'utf8').trim()).toBe(fresh)
  })
})

describe('a data folder per app by default (issue 21.2)', () => {
  it('names a folder per upstream and per Django project under the default one; the demo keeps the default one', () => {
    const base = '/home/you/.config/Session Inspector'
    const a = appDataDir(base, { upstream: 'http://127.0.0.1:8000' })
    expect(a).toMatch(/^\/home\/you\/\.config\/Session Inspector\/apps\/127\.0\.0\.1-8000-[0-9a-f]{8}$/)
    expect(appDataDir(base, { upstream: 'http://127.0.0.1:8000/' })).toBe(a)
    expect(appDataDir(base, { upstream: 'http://127.0.0.1:8001' })).not.toBe(a)
    expect(appDataDir(base, { upstream: 'https://shop.example' })).toMatch(/\/apps\/shop\.example-443-[0-9a-f]{8}$/)
    const project = appDataDir(base, { upstream: 'http://127.0.0.1:8000', project: '/srv/My Site' })
    expect(project).toMatch(/\/apps\/my-site-[0-9a-f]{8}$/)
    expect(appDataDir(base, { project: '/srv/other/My Site' })).not.toBe(project)
    expect(appDataDir(base, { upstream: 'demo' })).toBe(base)
    expect(appDataDir(base, {})).toBe(base)
  })

  it('parseCli: --data-dir still chooses; without it, the app or project picks the folder', () => {
    const env = process.env.XDG_CONFIG_HOME
    process.env.XDG_CONFIG_HOME = '/cfg'
    try {
      const demo = parseCli([])
      const app = parseCli(['--upstream', 'http://127.0.0.1:8000'])
      const project = parseCli(['--upstream', 'http://127.0.0.1:8000', '--django-project', '/srv/mysite'])
      const given = parseCli(['--upstream', 'http://127.0.0.1:8000', '--data-dir', '/somewhere'])
      if (demo === 'help' || demo === 'version' || app === 'help' || app === 'version' || project === 'help' || project === 'version' || given === 'help' || given === 'version') throw new Error('no options')
      expect([demo.dataDir, demo.dataDirFrom]).toEqual(['/cfg/Session Inspector', 'default'])
      expect(app.dataDir).toMatch(/^\/cfg\/Session Inspector\/apps\/127\.0\.0\.1-8000-[0-9a-f]{8}$/)
      expect(app.dataDirFrom).toBe('app')
      expect(project.dataDir).toMatch(/^\/cfg\/Session Inspector\/apps\/mysite-[0-9a-f]{8}$/)
      expect([given.dataDir, given.dataDirFrom]).toEqual(['/somewhere', 'option'])
    } finally {
      if (env === undefined) delete process.env.XDG_CONFIG_HOME
      else process.env.XDG_CONFIG_HOME = env
    }
  })

  it("an app's run keeps nothing of the demo's: its own folder, said in the banner; the demo's folder works as before", async () => {
    const config = tempDir()
    const env = { ...process.env, XDG_CONFIG_HOME: config }
    const base = join(config, 'Session Inspector')
    app = createServer((_, res) => res.end('app')).listen(0, '127.0.0.1')
    await new Promise((r) => app?.once('listening', r))
    const upstream = `http://127.0.0.1:${(app.address() as { port: number }).port}`

    const demo = await run([], env)
    expect(demo.stdout).toContain(`data:    ${base}  (the demo's; another --upstream or --django-project gets a folder of its own)`)
    expect((await fetch(`${demo.proxyUrl}/`)).status).toBe(200)
    await demo.stop('SIGTERM')

    const mine = await run(['--upstream', upstream], env)
    const folder = /data:\s+(\S.*?) {2}\(this app's own folder; --data-dir picks another\)/.exec(mine.stdout)?.[1]
    expect(folder).toBe(appDataDir(base, { upstream }))
    // The demo's traffic is not in this app's list.
    expect((await httpApi(mine.controlUrl, mine.token).listTraffic({})).entries).toEqual([])
    await fetch(`${mine.proxyUrl}/`)
    expect((await httpApi(mine.controlUrl, mine.token).listTraffic({})).entries).toHaveLength(1)
    await mine.stop('SIGTERM')
    expect(existsSync(join(folder as string, 'secret_key'))).toBe(true)
    expect(readFileSync(join(folder as string, 'secret_key'), 'utf8')).not.toBe(readFileSync(join(base, 'secret_key'), 'utf8'))

    // The default folder still is the demo's, with its traffic.
    const again = await run([], env)
    expect((await httpApi(again.controlUrl, again.token).listTraffic({})).entries.length).toBeGreaterThan(0)
    await again.stop('SIGTERM')
  })
})

describe('the control token off the command line (issue 23.8)', () => {
  it('--token works with a warning that the process list shows it', async () => {
    const cli = await run(['--data-dir', tempDir(), '--token', 'given-on-the-command-line'])
    expect(cli.token).toBe('given-on-the-command-line')
    expect(cli.stderr).toContain('--token is visible to every user of this machine in the process list: prefer SESSION_INSPECTOR_TOKEN=… or --token-file FILE')
  })

  it('--token-file reads the token from a file, without a warning', async () => {
    const dir = tempDir()
    const file = join(dir, 'my-token')
    writeFileSync(join(dir, 'my-token'), 'from-a-file\n', { mode: 0o600 })
    const fromFile = await run(['--data-dir', join(dir, 'data'), '--token-file', file])
    expect(fromFile.token).toBe('from-a-file')
    expect(fromFile.stderr).not.toContain('--token')
    expect((await fetch(`${fromFile.controlUrl}/api/status`, { headers: { Authorization: 'Bearer from-a-file' } })).status).toBe(200)
    await fromFile.stop('SIGTERM')
  })

  it('a missing or empty --token-file, or both --token and --token-file: one line', async () => {
    const dir = tempDir()
    const missing = await runCli(['--data-dir', dir, ...FREE, '--token-file', join(dir, 'nope')])
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `session-inspector: --token-file ${join(dir, 'nope')}: no such file`])
    writeFileSync(join(dir, 'empty'), '')
    const empty = await runCli(['--data-dir', dir, ...FREE, '--token-file', join(dir, 'empty')])
    expect(empty.code).toBe(1)
    expect(empty.stderr.trim()).toMatch(/^session-inspector: \S+empty holds no usable control API token \(it is empty\); write the token on its first line$/)
    const both = await runCli(['--data-dir', dir, ...FREE, '--token', 'a', '--token-file', join(dir, 'empty')])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--token and --token-file: give one of them')
  })
})
