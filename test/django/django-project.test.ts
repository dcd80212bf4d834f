// Zero-configuration observe mode (--django-project): the project's own Python reads its
// resolved settings, and the inspector observes the store they name. The fixture project is
// configured through its environment, as a real project's settings would be by its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { readDjangoProject } from '../../src/main/service/django-project'
import type { ObserveTarget } from '../../src/main/engine/observe/targets'
import { startCli } from '../cli/support'
import { freePort } from '../support/processes'
import { usePostgres } from '../support/servers'
import { CookieClient } from './cookie-client'
import { FIXTURE_DIR, settingsEnv, startDjangoServer, DJANGO_PYTHON } from './django-server'

const postgres = usePostgres()
const redisUrl = `${inject('redisUrl')}/9`
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), name))
  dirs.push(d)
  return d
}

/** The fixture's settings as its settings.py reads them from the environment. */
const envOf = (extra: Record<string, string>) => ({ ...process.env, DJANGO_SETTINGS_MODULE: '', SESSION_MIDDLEWARE: 'django', ...extra })
const read = (env: Record<string, string>) => readDjangoProject({ dir: FIXTURE_DIR, python: DJANGO_PYTHON, env: envOf(env) })

describe("reading a Django project's session settings with its own Python", () => {
  /** The store part of an observe target (without the user table and Django's version). */
  const storeOf = ({ users: _users, django: _django, ...store }: ObserveTarget) => store

  it('finds db sessions in its SQLite file, its SECRET_KEY and SESSION_* (manage.py names the settings module)', async () => {
    const p = await read({ DJANGO_DB_PATH: '/tmp/some/db.sqlite3', SECRET_KEY: 'the-projects-key', ...settingsEnv({ SESSION_COOKIE_NAME: 'appsession', SESSION_COOKIE_AGE: 600, SESSION_COOKIE_SAMESITE: null }) })
    expect(p).toMatchObject({ settingsModule: 'fixture_site.settings', django: expect.stringMatching(/^3\.2/), observe: { engine: 'db', database: { kind: 'sqlite', path: '/tmp/some/db.sqlite3' } }, secretKeyFallbacks: [] })
    expect(p.settings).toMatchObject({ SECRET_KEY: 'the-projects-key', SESSION_COOKIE_NAME: 'appsession', SESSION_COOKIE_AGE: 600, SESSION_COOKIE_SAMESITE: null, SESSION_EXPIRE_AT_BROWSER_CLOSE: false })
  })

  it('finds cached_db sessions in PostgreSQL with a django-redis cache (KEY_PREFIX, JSON, zlib)', async () => {
    const p = await read({ DJANGO_DATABASE_URL: 'postgresql://app:s3cret@db.example:6543/shop', SESSION_ENGINE: 'cached_db', CACHES: JSON.stringify({ default: 'django-redis+redis://127.0.0.1:6390/2?key_prefix=shop&serializer=json&compressor=zlib' }) })
    const users = { table: 'auth_user', pk: 'id', username: 'username', password: 'password', isActive: 'is_active' }
    // AUTH_USER_MODEL's table, in the database its router reads it from (the same one here).
    expect(p.observe.users).toEqual({ database: p.observe.database, ...users })
    expect(p.observe.django).toMatch(/^3\.2/)
    expect(storeOf(p.observe)).toEqual({
      engine: 'cached_db',
      database: { kind: 'postgresql', host: 'db.example', port: 6543, user: 'app', password: 's3cret', database: 'shop' },
      cache: { kind: 'redis', url: 'redis://127.0.0.1:6390/2', keyPrefix: 'shop', format: { kind: 'django-redis', serializer: 'json', compressor: 'zlib' } }
    })
  })

  it('finds cache sessions in memcached, file sessions in the folder Django uses, and signed cookies', async () => {
    expect(storeOf((await read({ SESSION_ENGINE: 'cache', CACHES: JSON.stringify({ default: 'memcached://127.0.0.1:11999' }) })).observe)).toEqual({ engine: 'cache', cache: { kind: 'memcached', server: '127.0.0.1:11999' } })
    const dir = tempDir('si-project-files-')
    expect(storeOf((await read({ SESSION_ENGINE: 'file', SESSION_FILE_PATH: dir })).observe)).toEqual({ engine: 'file', filePath: dir })
    // No SESSION_FILE_PATH: Django's tempfile.gettempdir() as the project's Python sees it.
    expect(storeOf((await read({ SESSION_ENGINE: 'file', TMPDIR: dir })).observe)).toEqual({ engine: 'file', filePath: dir })
    expect(storeOf((await read({ SESSION_ENGINE: 'signed_cookies' })).observe)).toEqual({ engine: 'signed_cookies' })
    expect((await read({ SESSION_ENGINE: 'cache' })).observe.cache).toMatchObject({ kind: 'unreachable', backend: 'LocMemCache', inProcess: true })
  })

  it('says in one line what went wrong: no such folder, settings that do not import, a Python without Django', async () => {
    await expect(readDjangoProject({ dir: '/nonexistent/project' })).rejects.toThrow(/^--django-project: \/nonexistent\/project is not a directory$/)
    await expect(read({ SESSION_COOKIE_AGE: 'soon' })).rejects.toThrow(/^--django-project .*cannot import the settings fixture_site\.settings: ImproperlyConfigured: SESSION_COOKIE_AGE='soon'/)
    await expect(readDjangoProject({ dir: FIXTURE_DIR, settingsModule: 'no_such.settings', python: DJANGO_PYTHON })).rejects.toThrow(/cannot import the settings no_such\.settings: ModuleNotFoundError/)
    await expect(readDjangoProject({ dir: FIXTURE_DIR, python: '/nonexistent/python3' })).rejects.toThrow(/^--django-project: cannot read the settings with \/nonexistent\/python3: \/nonexistent\/python3 not found/)
  })
})

describe('session-inspector --django-project (zero configuration)', () => {
  it('prints what it found in one block and observes that store: cached_db in PostgreSQL + Redis', async () => {
    const server = await postgres()
    const url = await server.createDatabase('zero_config')
    const cache = `django-redis+${redisUrl}?key_prefix=zero`
    const app = await startDjangoServer({ middleware: 'django', databaseUrl: url, settings: { SESSION_ENGINE: 'cached_db', CACHES: { default: cache }, SESSION_COOKIE_NAME: 'appsession' }, env: { SECRET_KEY: 'zero-config-secret-key-0123456789' } })
    const cli = await startCli(['--upstream', app.url, '--django-project', FIXTURE_DIR, '--python', DJANGO_PYTHON, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', tempDir('si-zero-')], app.env)
    try {
      expect(cli.stdout).toContain(`Django project ${FIXTURE_DIR.replace(/\/$/, '')} (fixture_site.settings, Django 3.2`)
      expect(cli.stdout).toContain('  engine:  cached_db')
      expect(cli.stdout).toMatch(new RegExp(`  store: {3}PostgreSQL postgres@127\\.0\\.0\\.1:${server.port}/zero_config \\+ Redis redis://127\\.0\\.0\\.1:\\d+/9 \\(django-redis format\\)`))
      expect(cli.stdout).toContain('  cookie:  appsession, SESSION_COOKIE_AGE 1209600 s')
      expect(cli.stdout).toContain('  secret:  SECRET_KEY ********6789')
      expect(cli.stdout).not.toContain(server.password)
      expect(cli.stderr).toBe('')
      const b = new CookieClient(cli.proxyUrl)
      await b.get('/p1/set/')
      const key = (await b.cookie('appsession')) as string
      const api = (path: string): Promise<Record<string, unknown>> => fetch(`${cli.controlUrl}${path}`, { headers: { authorization: `Bearer ${cli.token}` } }).then((r) => r.json() as Promise<Record<string, unknown>>)
      expect(await api(`/api/sessions/${key}`)).toMatchObject({ key, data: { name: 'Sonam', lname: 'rathore' }, engine: 'cached_db' })
      expect((await api('/api/status')).observe).toMatchObject({ engine: 'cached_db', state: 'ok' })
    } finally {
      await cli.stop('SIGTERM')
      await app.stop()
    }
  })

  it('starts on an unreachable database with one clear line, and shows the state', async () => {
    const port = await freePort()
    const env = envOf({ DJANGO_DATABASE_URL: `postgresql://app:pw@127.0.0.1:${port}/gone` })
    const cli = await startCli(['--upstream', 'http://127.0.0.1:9', '--django-project', FIXTURE_DIR, '--python', DJANGO_PYTHON, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--data-dir', tempDir('si-zero-bad-')], env)
    try {
      expect(cli.stdout).toContain(`  store:   PostgreSQL app@127.0.0.1:${port}/gone`)
      expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^session-inspector: observe-django: cannot use the app's sessions in PostgreSQL app@127\\.0\\.0\\.1:${port}/gone: .*ECONNREFUSED`))])
      const status = (await fetch(`${cli.controlUrl}/api/status`, { headers: { authorization: `Bearer ${cli.token}` } }).then((r) => r.json())) as { observe?: unknown }
      expect(status.observe).toMatchObject({ state: 'error', error: expect.stringMatching(/ECONNREFUSED/) })
    } finally {
      await cli.stop('SIGTERM')
    }
  })
})
