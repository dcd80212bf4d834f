// examples/django-tutorial's Python tests as its README runs them, on Django 5.2
// (inject('django5Python')): the tutorial's programs as pytest tests (the plugin pip-installed offline into a folder of its own, as the README
// shows, found by its entry point), and as Django test-runner tests (SessionInspectorMixin), with Playwright for
// Python on Debian's Chromium. Needs the build (`npm test` builds first).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CLI, EXAMPLE, ROOT, runToEnd } from './support'

const python = inject('django5Python')
const dir = mkdtempSync(join(tmpdir(), 'si-examples-py-'))
const site = join(dir, 'site')
// Python writes no __pycache__ into the examples; the CLI is this checkout's build.
// The plugin runs the CLI (a .js file) with SESSION_INSPECTOR_NODE: this Node, not whichever PATH finds first.
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', SESSION_INSPECTOR_CLI: CLI, SESSION_INSPECTOR_NODE: process.execPath, PYTHON: python }

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('examples/django-tutorial under pytest and manage.py test', () => {
  beforeAll(async () => {
    // A copy, so that the build's own folders (build/, *.egg-info) never land in the checkout.
    const source = join(dir, 'source')
    cpSync(join(ROOT, 'src/adapters/pytest'), source, { recursive: true, filter: (p) => !/(__pycache__|\.egg-info|[/\\]build)$/.test(p) })
    // Debian's pip builds it (the venv has no wheel package offline); the folder is plain
    // Python, and the venv's pytest finds the plugin there by its entry point.
    const pip = await runToEnd('/usr/bin/python3', ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--no-index', '--no-cache-dir', '--target', site, source], {
      env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' }
    })
    expect(pip.code, pip.output).toBe(0)
  }, 120_000)

  it('installs the pytest plugin with its entry point', () => {
    expect(readdirSync(join(site, 'session_inspector_testing')).filter((f) => f.endsWith('.py')).sort()).toEqual([
      '__init__.py', 'browsers.py', 'client.py', 'django.py', 'duration.py', 'har.py', 'inspector.py', 'process.py', 'pytest_plugin.py'
    ])
    expect(readdirSync(site)).toContain('pytest_session_inspector-0.1.0.dist-info')
  })

  it('pytest with Playwright for Python: the same programs pass', async () => {
    const run = await runToEnd(python, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q'], { cwd: EXAMPLE, env: { ...env, PYTHONPATH: site } })
    console.log(`examples, pytest: ${run.seconds.toFixed(1)} s`)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/^7 passed/m)
  }, 240_000)

  it("pytest-django's live_server (Debian's python3-pytest-django): the page session passes", async () => {
    // Only pytest_django from Debian's packages: all of dist-packages would put Django 3.2 first.
    const debian = '/usr/lib/python3/dist-packages'
    const found = readdirSync(debian).filter((f) => /^pytest_django(-[\d.]+\.(egg|dist)-info)?$/.test(f))
    expect(found.length, 'pytest-django is needed for this test: apt-get install python3-pytest-django').toBe(2)
    const only = join(dir, 'pytest-django')
    mkdirSync(only)
    for (const f of found) symlinkSync(join(debian, f), join(only, f))
    const run = await runToEnd(python, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', 'tests_live_server'], {
      cwd: EXAMPLE,
      env: { ...env, PYTHONPATH: `${site}:${only}`, DJANGO_SETTINGS_MODULE: 'tutorial.settings_pagesession', TUTORIAL_DB: join(dir, 'live.sqlite3'), TUTORIAL_TEST_DB: join(dir, 'live-test.sqlite3') }
    })
    console.log(`examples, pytest-django: ${run.seconds.toFixed(1)} s`)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/^2 passed/m)
  }, 240_000)

  it("Django's test runner with SessionInspectorMixin: the same programs pass", async () => {
    const run = await runToEnd(python, ['manage.py', 'test', 'student', '--noinput'], {
      cwd: EXAMPLE,
      env: { ...env, PYTHONPATH: site, TUTORIAL_DB: join(dir, 'runner.sqlite3'), TUTORIAL_TEST_DB: join(dir, 'runner-test.sqlite3') }
    })
    console.log(`examples, manage.py test: ${run.seconds.toFixed(1)} s`)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/^Ran 4 tests in [\d.]+s\n\nOK$/m)
  }, 240_000)
})
