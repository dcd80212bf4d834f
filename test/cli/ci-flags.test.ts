// The command line for test runners and CI (issue 24): free ports with --listen/--control
// 127.0.0.1:0, the --ready-json file (whole, 0600, removed at stop, a stale one removed at
// start), --stop-on-stdin-close, and the exit codes. Needs the build (out/main/cli.js).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../src/main/cli-ci'
import { httpApi } from '../support/http-api'
import { BIN, runCli } from './support'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'si-cli-ci-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SESSION_INSPECTOR_TOKEN: '' } })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

/** Waits for the ready file this process writes (a stale one from before is not it). */
async function waitForFile(path: string, exited: Promise<unknown>, output: () => string, pid?: number): Promise<void> {
  let done = false
  void exited.then(() => (done = true))
  const deadline = Date.now() + 20_000
  const mine = () => existsSync(path) && (JSON.parse(readFileSync(path, 'utf8')) as { pid?: number }).pid === pid
  while (!mine()) {
    if (done) throw new Error(`the CLI exited before it was ready:\n${output()}`)
    if (Date.now() > deadline) throw new Error(`no ${path} within 20 s:\n${output()}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('the CLI for CI', () => {
  it('listens on free ports and writes the ready file, 0600, and removes it when it stops', async () => {
    const dir = tempDir()
    const ready = join(dir, 'ready.json')
    writeFileSync(ready, '{"stale": true}') // an earlier run's: never taken for this one's
    const cli = start(['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--ready-json', ready])
    try {
      await waitForFile(ready, cli.exited, cli.output, cli.child.pid)
      const info = JSON.parse(readFileSync(ready, 'utf8')) as Record<string, unknown>
      expect(Object.keys(info).sort()).toEqual(['controlUrl', 'dataDir', 'mode', 'pid', 'proxyUrl', 'token', 'uiUrl', 'upstream', 'version'])
      expect(info).toMatchObject({ pid: cli.child.pid, mode: 'middleware', upstream: 'demo', dataDir: join(dir, 'data') })
      expect(info.proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(info.proxyUrl).not.toBe('http://127.0.0.1:0')
      expect(info.uiUrl).toBe(`${String(info.controlUrl)}/#token=${encodeURIComponent(String(info.token))}`)
      expect(statSync(ready).mode & 0o777).toBe(0o600)
      // The addresses and token it names are the live ones.
      const api = httpApi(String(info.controlUrl), String(info.token))
      expect((await api.getStatus({})).proxyUrl).toBe(info.proxyUrl)
      expect((await fetch(`${String(info.proxyUrl)}/page/set/`)).status).toBe(200)
      cli.child.kill('SIGTERM')
      expect(await cli.exited).toBe(EXIT.stopped)
      expect(existsSync(ready)).toBe(false)
    } finally {
      cli.child.kill('SIGKILL')
    }
  })

  it('--stop-on-stdin-close: stops cleanly when the parent closes its end', async () => {
    const dir = tempDir()
    const ready = join(dir, 'ready.json')
    const cli = start(['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--ready-json', ready, '--stop-on-stdin-close'])
    try {
      await waitForFile(ready, cli.exited, cli.output, cli.child.pid)
      cli.child.stdin.end()
      expect(await cli.exited).toBe(EXIT.stopped)
      expect(cli.output()).toContain('standard input closed: closing')
      expect(existsSync(ready)).toBe(false)
    } finally {
      cli.child.kill('SIGKILL')
    }
  })

  it('exit codes: 2 for a wrong command line, 1 for a start that fails', async () => {
    const dir = tempDir()
    const usage = await runCli(['--ready-json', '', '--data-dir', dir])
    expect(usage.code).toBe(EXIT.usage)
    expect(usage.stderr.trim()).toBe('session-inspector: --ready-json: expected a file name')

    // A ready file that cannot be written: the start fails, listeners closed, one line.
    const failed = await runCli(['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--ready-json', join(dir, 'missing', 'ready.json')])
    expect(failed.code).toBe(EXIT.startFailed)
    expect(failed.stderr).toMatch(/session-inspector: --ready-json: cannot write .*missing\/ready\.json: ENOENT/)
  })
})
