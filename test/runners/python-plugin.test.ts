// The pytest plugin's own tests (test/runners/python), with pytest's pytester, on the
// Django 5.2 venv: per-test reset, one instance per run stopped at the end, HAR on failure,
// its one-line errors, and Selenium as the browser. Needs the build (`npm test` builds first).
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { CLI, ROOT, runToEnd } from './support'

describe('session_inspector_testing (pytest plugin)', () => {
  it('passes its own tests', async () => {
    const run = await runToEnd(inject('django5Python'), ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', join(ROOT, 'test/runners/python')], {
      env: {
        ...process.env,
        PYTHONPATH: join(ROOT, 'src/adapters/pytest'),
        PYTHONDONTWRITEBYTECODE: '1',
        SESSION_INSPECTOR_CLI: CLI,
        SESSION_INSPECTOR_NODE: process.execPath
      }
    })
    console.log(`pytest plugin: ${run.seconds.toFixed(1)} s`)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/^7 passed/m)
  }, 180_000)

  it('works with Selenium (Debian\'s python3-selenium and chromium-driver): close and clock reach its cookies', async () => {
    const run = await runToEnd('/usr/bin/python3', [join(ROOT, 'test/runners/python/selenium_check.py')], {
      env: { ...process.env, PYTHONPATH: join(ROOT, 'src/adapters/pytest'), PYTHONDONTWRITEBYTECODE: '1', SESSION_INSPECTOR_CLI: CLI, SESSION_INSPECTOR_NODE: process.execPath }
    })
    expect(run.code, `${run.output}\n(apt-get install python3-selenium chromium-driver)`).toBe(0)
    expect(run.output).toContain('selenium: ok')
  }, 120_000)
})
