// --django-project without --python (issue 21.6): the project is read with its own
// interpreter, found as findProjectPython says ($VIRTUAL_ENV, a .venv/venv/env beside
// manage.py or above it, Poetry's or Pipenv's environment, else the system's python3), and
// the banner says which Python and which Django. The project here is the fixture project,
// copied, with the test run's Django 5.2 virtual environment placed beside it as .venv.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { readDjangoProject } from '../../src/main/service/django-project'
import { findProjectPython, SYSTEM_PYTHON } from '../../src/main/service/project-python'
import { startCli } from '../cli/support'
import { FIXTURE_DIR } from './django-server'

const VENV = dirname(dirname(inject('django5Python')))
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), name))
  dirs.push(d)
  return d
}

/** A copy of the fixture project in a fresh folder (…/work/shop), with `venv` placed as `<name>` where asked. */
function project(venvAt?: { name: string; up?: boolean }): { root: string; dir: string } {
  const root = tempDir('si-project-python-')
  const dir = join(root, 'work', 'shop')
  cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (p) => !p.includes('__pycache__') })
  if (venvAt) symlinkSync(VENV, join(venvAt.up ? join(root, 'work') : dir, venvAt.name))
  return { root, dir }
}

const noVenv = { ...process.env, VIRTUAL_ENV: '' }

describe("finding a Django project's Python", () => {
  it('takes a .venv beside manage.py, or a venv/env in a folder above it', () => {
    const beside = project({ name: '.venv' })
    expect(findProjectPython(beside.dir, noVenv)).toEqual({ python: join(beside.dir, '.venv', 'bin', 'python'), source: '.venv beside manage.py' })
    const above = project({ name: 'env', up: true })
    expect(findProjectPython(above.dir, noVenv)).toEqual({ python: join(above.root, 'work', 'env', 'bin', 'python'), source: `env in ${join(above.root, 'work')}` })
  })

  it('prefers an activated $VIRTUAL_ENV; a folder that is not an environment is passed over', () => {
    const p = project({ name: '.venv' })
    mkdirSync(join(p.dir, 'venv')) // not an environment: no pyvenv.cfg
    expect(findProjectPython(p.dir, { ...process.env, VIRTUAL_ENV: VENV })).toEqual({ python: join(VENV, 'bin', 'python'), source: `$VIRTUAL_ENV (${VENV})` })
    expect(findProjectPython(p.dir, { ...process.env, VIRTUAL_ENV: join(p.dir, 'venv') }).source).toBe('.venv beside manage.py')
  })

  it("asks Pipenv for a project with a Pipfile (here a stand-in pipenv on PATH: Debian's is not installed)", () => {
    const p = project()
    writeFileSync(join(p.dir, 'Pipfile'), '[packages]\ndjango = "*"\n')
    const bin = join(p.root, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'pipenv'), `#!/bin/sh\n[ "$1" = "--venv" ] && [ -f Pipfile ] && echo '${VENV}'\n`)
    chmodSync(join(bin, 'pipenv'), 0o755)
    expect(findProjectPython(p.dir, { ...noVenv, PATH: `${bin}:${process.env.PATH ?? ''}` })).toEqual({ python: join(VENV, 'bin', 'python'), source: `Pipenv's environment (${VENV})` })
    // Without the tool, the system's Python, and the source says no environment was found.
    expect(findProjectPython(p.dir, { ...noVenv, PATH: '/nonexistent' })).toEqual({ python: SYSTEM_PYTHON, source: 'the system Python: no virtual environment found for the project' })
  })

  it('reads a project on Django 5.2 in its .venv with 5.2, not the system Django 3.2', async () => {
    const p = project({ name: '.venv' })
    const env = { ...noVenv, DJANGO_SETTINGS_MODULE: '', SESSION_MIDDLEWARE: 'django', DJANGO_DB_PATH: join(p.root, 'db.sqlite3') }
    const read = await readDjangoProject({ dir: p.dir, env })
    expect(read).toMatchObject({ django: '5.2.17', python: join(p.dir, '.venv', 'bin', 'python'), pythonSource: '.venv beside manage.py' })
    expect((await readDjangoProject({ dir: p.dir, env, python: SYSTEM_PYTHON })).django).toMatch(/^3\.2\./)
  })

  it('prints which Python and which Django read the project', async () => {
    const p = project({ name: '.venv' })
    const env = { ...noVenv, DJANGO_SETTINGS_MODULE: '', SESSION_MIDDLEWARE: 'django', DJANGO_DB_PATH: join(p.root, 'db.sqlite3') }
    const cli = await startCli(['--upstream', 'http://127.0.0.1:9', '--django-project', p.dir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', join(p.root, 'data')], env)
    try {
      expect(cli.stdout).toContain(`Django project ${p.dir} (fixture_site.settings, Django 5.2.17)`)
      expect(cli.stdout).toContain(`  python:  ${join(p.dir, '.venv', 'bin', 'python')} (.venv beside manage.py), Django 5.2.17`)
    } finally {
      await cli.stop('SIGTERM')
    }
  })
})
