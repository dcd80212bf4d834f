// The Pythons the Django tests run: Debian's /usr/bin/python3 with its Django 3.2, and a
// virtual environment with Django 5.2 (the current LTS) that the test run builds once with
// pip, in .cache/ of the checkout (ignored by git), from whatever index pip is configured with
// (offline on CI machines: a local index). Building it takes about 15 s; later runs find it done.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DJANGO_5_VERSION = '5.2.17'
/** What the 5.2 environment holds: Django, its Redis cache client, PostgreSQL and MySQL drivers, the test runners. */
export const DJANGO_5_REQUIREMENTS = [`django==${DJANGO_5_VERSION}`, 'redis', 'psycopg2-binary', 'pymysql', 'pytest', 'playwright']

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const DJANGO_5_VENV = join(ROOT, '.cache', `venv-django-${DJANGO_5_VERSION}`)
export const DJANGO_5_PYTHON = join(DJANGO_5_VENV, 'bin', 'python')
const STAMP = join(DJANGO_5_VENV, 'session-inspector-requirements.txt')

function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`.trim()))
      else resolve()
    })
  })
}

/**
 * The Django 5.2 environment's python, built if it is missing or holds other requirements.
 * Its requirements file is written last: a build cut short is found unfinished and built
 * again. Throws an Error saying what to run when it cannot be built.
 */
export async function ensureDjango5Python(basePython = process.env.SI_VENV_PYTHON ?? 'python3'): Promise<string> {
  const wanted = DJANGO_5_REQUIREMENTS.join('\n')
  if (existsSync(DJANGO_5_PYTHON) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return DJANGO_5_PYTHON
  rmSync(DJANGO_5_VENV, { recursive: true, force: true })
  mkdirSync(join(ROOT, '.cache'), { recursive: true })
  try {
    await run(basePython, ['-m', 'venv', DJANGO_5_VENV], 120_000)
    // --retries 0: an index that cannot be reached fails at once instead of after minutes.
    await run(DJANGO_5_PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--retries', '0', ...DJANGO_5_REQUIREMENTS], 600_000)
  } catch (e) {
    rmSync(DJANGO_5_VENV, { recursive: true, force: true })
    throw new Error(
      `cannot build the Django ${DJANGO_5_VERSION} environment for the tests (${(e as Error).message.split('\n')[0]}): ` +
        `run \`python3 -m venv ${DJANGO_5_VENV} && ${DJANGO_5_VENV}/bin/pip install ${DJANGO_5_REQUIREMENTS.join(' ')}\` and run the tests again`
    )
  }
  writeFileSync(STAMP, wanted)
  return DJANGO_5_PYTHON
}
