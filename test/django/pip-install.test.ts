// The adapter as a package: `pip install src/adapters/django`, the README's line, straight
// from the checkout (here offline: no index, no build isolation, Django from Debian) into a
// target folder; the checkout is left as it was (its build backend works on a copy), and the
// fixture project runs behind the proxy with that installed copy on the page session.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import { CookieClient } from './cookie-client'
import { ADAPTER_DIR, DJANGO_PYTHON, FIXTURE_DIR, PAGE_SESSION_SETTINGS, startDjangoServer, type DjangoServer } from './django-server'

function python(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(DJANGO_PYTHON, args, { env, cwd, maxBuffer: 16 << 20, timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${DJANGO_PYTHON} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`))
      else resolve(stdout + stderr)
    })
  })
}

/** Every path under `dir`, bytecode caches aside (Python may write those on any import). */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => !p.split(/[/\\]/).includes('__pycache__'))
    .sort()
}

describe('pip install src/adapters/django', () => {
  let before: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'si-pip-'))
  const site = join(dir, 'site')
  let app: DjangoServer | undefined
  let inspector: Inspector | undefined

  beforeAll(async () => {
    await python(['-m', 'pip', '--version']).catch((e: Error) => {
      throw new Error(`pip is needed for this test (apt-get install python3-pip python3-setuptools): ${e.message}`)
    })
    before = listing(ADAPTER_DIR)
    await python(['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--no-index', '--no-cache-dir', '--target', site, ADAPTER_DIR], {
      ...process.env,
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PYTHONDONTWRITEBYTECODE: '1'
    })
  }, 300_000)
  afterAll(async () => {
    await inspector?.close()
    await app?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('leaves the checkout as it was: no build/ or *.egg-info beside pyproject.toml', () => {
    expect(listing(ADAPTER_DIR)).toEqual(before)
  })

  it('installs the package with its metadata', () => {
    expect(readdirSync(join(site, 'session_inspector_django')).filter((f) => f.endsWith('.py')).sort()).toEqual([
      '__init__.py', 'exceptions.py', 'middleware.py', 'store.py', 'users.py', 'wire.py'
    ])
    expect(readdirSync(site).some((f) => /^session_inspector_django-0\.1\.0\.dist-info$/.test(f))).toBe(true)
  })

  it('is the copy Django imports when only the installed folder is on the path', async () => {
    const env = { ...process.env, PYTHONPATH: site, DJANGO_SETTINGS_MODULE: 'fixture_site.settings', SESSION_MIDDLEWARE: 'inspector', PYTHONDONTWRITEBYTECODE: '1' }
    const out = await python(['-c', 'import django; django.setup(); import session_inspector_django.middleware as m; print(m.__file__)'], env, FIXTURE_DIR)
    expect(out.trim()).toBe(join(site, 'session_inspector_django', 'middleware.py'))
  })

  it('runs the page session behind the proxy, installed', async () => {
    app = await startDjangoServer({ middleware: 'inspector', adapterPath: site })
    inspector = await Inspector.start({
      dataDir: join(dir, 'data'),
      upstream: app.url,
      listen: { host: '127.0.0.1', port: 0 },
      settings: { ...PAGE_SESSION_SETTINGS },
      log: () => undefined
    })
    const b = new CookieClient(inspector.proxyUrl)
    await b.get('/page/set/')
    expect((await b.get('/page/get/')).body).toMatch(/Sonam <br>\s+20 seconds <br>\s+20 seconds <br>/)
    await inspector.api.advanceClock({ seconds: 21 })
    expect((await b.get('/page/get/')).body).toBe('Your session has Expired...')
  })
})
