// Where screenshots go: `npm test` writes them to an ignored folder (a test run leaves the tree
// as it was), and `npm run screenshots` (scripts/screenshots.mjs, run here with a stand-in npx
// on PATH) runs the e2e test that takes them with SI_SCREENSHOTS_DIR at docs/screenshots/.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const SCRIPT = join(ROOT, 'scripts/screenshots.mjs')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'si-shots-'))
  writeFileSync(join(dir, 'npx'), '#!/bin/sh\necho "$SI_SCREENSHOTS_DIR" >> "$SHOTS_LOG"\necho "$*" >> "$SHOTS_LOG"\nexit "${FAIL:-0}"\n')
  chmodSync(join(dir, 'npx'), 0o755)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function run(args: string[], fail = '0'): Promise<{ code: number | null; log: string[] }> {
  const log = join(dir, 'log')
  writeFileSync(log, '')
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}`, SHOTS_LOG: log, FAIL: fail }
  delete env.SI_SCREENSHOTS_DIR
  const child = spawn(process.execPath, [SCRIPT, ...args], { env, stdio: 'ignore' })
  return new Promise((done) => child.once('exit', (code) => done({ code, log: readFileSync(log, 'utf8').split('\n').filter(Boolean) })))
}

describe.skipIf(process.platform === 'win32')('npm run screenshots', () => {
  it('runs the screenshot tests of the e2e file with SI_SCREENSHOTS_DIR at docs/screenshots', async () => {
    const { code, log } = await run(['--reporter', 'dot'])
    expect(code).toBe(0)
    expect(log).toEqual([
      join(ROOT, 'docs', 'screenshots'),
      'vitest run test/e2e/inspector.e2e.test.ts --testNamePattern screenshots of every screen|the upstream is down --reporter dot'
    ])
  })

  it('ends with the test run’s exit code', async () => {
    expect((await run([], '3')).code).toBe(3)
  })

  it('is what package.json runs, after the build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.screenshots).toBe('npm run build && node scripts/screenshots.mjs')
  })
})

describe('npm test', () => {
  it('writes the e2e screenshots to test-results/screenshots/, which git ignores', () => {
    const e2e = readFileSync(join(ROOT, 'test/e2e/inspector.e2e.test.ts'), 'utf8')
    expect(e2e).toContain("process.env.SI_SCREENSHOTS_DIR ? resolve(process.env.SI_SCREENSHOTS_DIR) : resolve(__dirname, '../../test-results/screenshots')")
    // Exit code 0: ignored (a tracked docs/screenshots/ file is not).
    expect(() => execFileSync('git', ['check-ignore', '-q', 'test-results/screenshots/sessions-light.png'], { cwd: ROOT })).not.toThrow()
    expect(() => execFileSync('git', ['check-ignore', '-q', 'docs/screenshots/sessions-light.png'], { cwd: ROOT })).toThrow()
  })
})
