// examples/django-tutorial's Playwright Test project as its README runs it, on Django 5.2
// (inject('django5Python')): the tutorial's programs through the built
// session-inspector/playwright, and the package's types as a consumer's tsc sees them.
// Needs the build (`npm test` builds first).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { CLI, EXAMPLE, freeConsecutivePorts, ROOT, runToEnd } from './support'

const python = inject('django5Python')
const dir = mkdtempSync(join(tmpdir(), 'si-examples-pw-'))
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', SESSION_INSPECTOR_CLI: CLI, PYTHON: python }

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('examples/django-tutorial under Playwright Test', () => {
  it('Playwright Test: the page session, set_expiry(600), the test cookie and browser close pass', async () => {
    const port = await freeConsecutivePorts(3)
    const run = await runToEnd(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', EXAMPLE, '--reporter', 'line', '--output', join(dir, 'pw-output')], {
      env: { ...env, CI: '1', TUTORIAL_PORT: String(port), TUTORIAL_DB_DIR: dir }
    })
    console.log(`examples, Playwright Test: ${run.seconds.toFixed(1)} s`)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/^\s*8 passed/m)
  }, 240_000)

  it("the package's types: a consumer's playwright.config.ts and tests compile", async () => {
    const run = await runToEnd(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(EXAMPLE, 'tsconfig.json')])
    expect(run.code, run.output).toBe(0)
  }, 120_000)
})
