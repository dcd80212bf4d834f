#!/usr/bin/env node
// What `npm test` needs besides Node (issue 22): the tests run real Django 3.2 (Debian's
// /usr/bin/python3), redis-server, PostgreSQL, MariaDB, memcached, Chromium and chromedriver,
// and the Python packages the fixture project and the adapters' tests import. Run first by
// `npm test` (and so by .ci/run). When something is missing: on Debian or Ubuntu as root, or
// with passwordless sudo, it says what it installs and installs it with apt-get; otherwise it
// stops at once with the one command to run. `--check` only reports (exit 1 when missing).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const PYTHON = '/usr/bin/python3'

/** True when `cmd args` runs and exits 0 (quietly). */
function runs(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore', timeout: 60_000 }).status === 0
}

/** The Python modules /usr/bin/python3 can find, asked once for all of them (no imports run). */
let pythonHas
function pyHas(module) {
  if (!pythonHas) {
    const modules = REQUIREMENTS.flatMap((r) => (r.module ? [r.module] : []))
    const script = 'import importlib.util, sys\nfor m in sys.argv[1:]:\n    if importlib.util.find_spec(m): print(m)'
    const out = spawnSync(PYTHON, ['-c', script, ...modules], { encoding: 'utf8', timeout: 60_000 })
    pythonHas = new Set(out.status === 0 ? out.stdout.split('\n').filter(Boolean) : [])
  }
  return pythonHas.has(module)
}
const pyImports = (module) => ({ module, ok: () => pyHas(module) })
const onPath = (cmd) => () => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, cmd)))
const postgresInitdb = () => {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
  } catch {
    return false
  }
}

/** Each Debian package and how to tell it is there. */
export const REQUIREMENTS = [
  { pkg: 'python3-django', what: 'Django 3.2 for /usr/bin/python3', ...pyImports('django') },
  { pkg: 'python3-pip', what: 'pip (installs the adapters offline)', ...pyImports('pip') },
  { pkg: 'python3-setuptools', what: 'setuptools (builds the adapters)', ...pyImports('setuptools') },
  { pkg: 'python3-venv', what: 'venv (the Django 5.2 environment)', ...pyImports('ensurepip') },
  { pkg: 'redis-server', what: 'redis-server', ok: onPath('redis-server') },
  { pkg: 'postgresql', what: 'PostgreSQL', ok: postgresInitdb },
  { pkg: 'mariadb-server', what: 'MariaDB', ok: onPath('mariadb-install-db') },
  { pkg: 'memcached', what: 'memcached', ok: onPath('memcached') },
  { pkg: 'python3-psycopg2', what: 'psycopg2', ...pyImports('psycopg2') },
  { pkg: 'python3-mysqldb', what: 'MySQLdb', ...pyImports('MySQLdb') },
  { pkg: 'python3-django-redis', what: 'django-redis', ...pyImports('django_redis') },
  { pkg: 'python3-pymemcache', what: 'pymemcache', ...pyImports('pymemcache') },
  { pkg: 'python3-pytest-django', what: 'pytest-django', ...pyImports('pytest_django') },
  { pkg: 'python3-selenium', what: 'Selenium', ...pyImports('selenium') },
  { pkg: 'chromium', what: 'Chromium', ok: () => existsSync('/usr/bin/chromium') },
  { pkg: 'chromium-driver', what: 'chromedriver', ok: onPath('chromedriver') },
  { pkg: 'fonts-dejavu-core', what: 'a font for the screenshots', ok: () => existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') }
]

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8')
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && onPath('apt-get')()
  } catch {
    return false
  }
}

/** '' as root, 'sudo' with passwordless sudo, else null. */
function privilege() {
  if (process.getuid?.() === 0) return ''
  return runs('sudo', ['-n', 'true']) ? 'sudo' : null
}

function main() {
  const checkOnly = process.argv.includes('--check')
  const missing = REQUIREMENTS.filter((r) => !r.ok())
  if (missing.length === 0) return 0
  const pkgs = missing.map((r) => r.pkg)
  const command = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`
  const how = privilege()
  if (checkOnly || !isDebianLike() || how === null) {
    const where = isDebianLike() ? '' : ' (Debian/Ubuntu package names; install the same with your system\'s packages)'
    console.error(`npm test needs ${missing.map((r) => r.what).join(', ')}. Run: ${command}${where}`)
    return 1
  }
  const sudo = how ? ['sudo'] : []
  console.log(`npm test: installing what the tests need with apt-get (${missing.map((r) => r.what).join(', ')}): ${pkgs.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const apt = (args) => execFileSync(sudo.length ? 'sudo' : 'apt-get', [...(sudo.length ? ['-n', 'apt-get'] : []), ...args], { stdio: ['ignore', 'ignore', 'inherit'], env })
  try {
    apt(['update', '-qq'])
    apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])
  } catch (e) {
    console.error(`npm test: apt-get could not install them (${e.message.split('\n')[0]}). Run: ${command}`)
    return 1
  }
  pythonHas = undefined
  const still = REQUIREMENTS.filter((r) => !r.ok())
  if (still.length) {
    console.error(`npm test: still missing after apt-get: ${still.map((r) => r.what).join(', ')}. Run: ${command}`)
    return 1
  }
  console.log('npm test: installed.')
  return 0
}

process.exitCode = main()
