// The built CLI starts the traffic log's writer thread from its own build entry
// (out/main/traffic-writer.js), not the in-process fallback, and logs through it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { httpApi } from '../support/http-api'
import { startCli, type RunningCli } from './support'

let cli: RunningCli | null = null
const dirs: string[] = []
afterEach(() => {
  cli?.kill()
  cli = null
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

it('node bin/session-inspector.js writes its traffic log in the worker built as out/main/traffic-writer.js', async () => {
  expect(existsSync(resolve(__dirname, '../../out/main/traffic-writer.js'))).toBe(true)
  const dir = mkdtempSync(join(tmpdir(), 'si-cli-writer-'))
  dirs.push(dir)
  cli = await startCli(['--data-dir', dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0'])
  const api = httpApi(cli.controlUrl, cli.token)
  expect((await fetch(new URL('/p1/set/', cli.proxyUrl))).status).toBe(200)
  for (let tries = 0; tries < 200 && (await api.listTraffic({})).total < 1; tries++) await new Promise((r) => setTimeout(r, 25))
  expect((await api.listTraffic({})).entries.map((e) => e.url)).toEqual(['/p1/set/'])
  expect((await api.getStatus({})).storageProblems).toBeUndefined()
  const output = cli.stdout + cli.stderr
  // Neither the fallback to this thread nor a writer that failed to start.
  expect(output).not.toMatch(/writes on the main thread|writer stopped|traffic not recorded/)
  expect(await cli.stop('SIGTERM')).toMatchObject({ code: 0 })
  cli = null
})
