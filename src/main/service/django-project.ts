// Zero-configuration observe mode (issue 11): runs the project's own Python once with
// read_django_settings.py to read its resolved session settings, and turns them into what
// observe mode needs: the app's engine and store, its SECRET_KEY (and fallbacks), and the
// SESSION_* settings the inspector describes it with.
import { execFile } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { ENGINES, type EngineName } from '../../shared/settings'
import type { CacheTarget, DatabaseTarget, ObserveTarget } from '../engine/observe/targets'
import type { UserTableTarget } from '../engine/observe/user-table'
import script from './read_django_settings.py?raw'

export interface DjangoProjectOptions {
  dir: string
  /** DJANGO_SETTINGS_MODULE (default: the one manage.py names). */
  settingsModule?: string
  /** The project's Python (default /usr/bin/python3 where it exists, else python3). */
  python?: string
  /** The environment its settings are read in (default: this process's). */
  env?: NodeJS.ProcessEnv
}

export interface DjangoProject {
  dir: string
  django: string
  settingsModule: string
  observe: ObserveTarget
  secretKeyFallbacks: string[]
  /** The app's SESSION_* and SECRET_KEY, for --set (the settings the inspector describes it with). */
  settings: Record<string, unknown>
  /** Things worth a line in the banner (USE_TZ off, a second cache server, ...). */
  notes: string[]
}

interface Raw {
  error?: string
  django: string
  settings_module: string
  SECRET_KEY: string
  SECRET_KEY_FALLBACKS: string[] | null
  USE_TZ: boolean
  TIME_ZONE: string | null
  session: Record<string, unknown>
  database: Record<string, unknown>
  cache: Record<string, unknown>
  file_path: string | null
  users: { table: string; pk: string; username: string; password: string; is_active: string | null; database: Record<string, unknown> } | null
}

const MARKER = '@@SESSION-INSPECTOR@@'
export const DEFAULT_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

function run(python: string, dir: string, module: string | undefined, base: NodeJS.ProcessEnv): Promise<Raw> {
  return new Promise((done, fail) => {
    const env = { ...base, PYTHONDONTWRITEBYTECODE: '1' }
    execFile(python, ['-c', script, dir, module ?? ''], { cwd: dir, env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith(MARKER))
      if (!line) {
        const why = error ? ((error as NodeJS.ErrnoException).code === 'ENOENT' ? `${python} not found` : error.message.split('\n')[0]) : 'it printed nothing'
        return fail(new Error(`--django-project: cannot read the settings with ${python}: ${why}${stderr.trim() ? ` (${stderr.trim().split('\n').at(-1)})` : ''}`))
      }
      const raw = JSON.parse(line.slice(MARKER.length)) as Raw
      if (raw.error) return fail(new Error(`--django-project ${dir}: ${raw.error}`))
      done(raw)
    })
  })
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : v === undefined || v === null || v === '' ? undefined : String(v))

function databaseTarget(db: Record<string, unknown>, dir: string): DatabaseTarget {
  const engine = String(db.ENGINE ?? '')
  const name = String(db.NAME ?? '')
  if (/sqlite3|spatialite/.test(engine)) return { kind: 'sqlite', path: isAbsolute(name) ? name : resolve(dir, name) }
  const kind = /postgres|postgis/.test(engine) ? 'postgresql' : /mysql/.test(engine) ? 'mysql' : null
  if (!kind) throw new Error(`--django-project: DATABASES[${JSON.stringify(db.alias)}] uses ${engine}: observe mode reads SQLite, PostgreSQL and MySQL/MariaDB`)
  const host = str(db.HOST) ?? (kind === 'mysql' ? 'localhost' : '127.0.0.1')
  const options = (db.OPTIONS ?? {}) as Record<string, unknown>
  const socket = host.startsWith('/') ? host : str(options.unix_socket)
  const port = str(db.PORT)
  return {
    kind,
    host: socket ? '127.0.0.1' : host === 'localhost' ? '127.0.0.1' : host,
    ...(port ? { port: Number(port) } : {}),
    ...(socket ? { socket } : {}),
    ...(str(db.USER) ? { user: str(db.USER) } : {}),
    ...(str(db.PASSWORD) ? { password: str(db.PASSWORD) } : {}),
    database: name
  }
}

/** Django's dotted class name for a serializer or compressor of django-redis, as the format takes it. */
function djangoRedisFormat(options: Record<string, unknown>): Extract<CacheTarget, { kind: 'redis' }>['format'] {
  const serializer = String(options.SERIALIZER ?? 'django_redis.serializers.pickle.PickleSerializer')
  const compressor = String(options.COMPRESSOR ?? 'django_redis.compressors.identity.IdentityCompressor')
  const s = /pickle/i.test(serializer) ? 'pickle' : /json/i.test(serializer) ? 'json' : null
  const c = /identity/i.test(compressor) ? 'identity' : /zlib/i.test(compressor) ? 'zlib' : null
  if (!s) throw new Error(`--django-project: django-redis SERIALIZER ${serializer}: observe mode reads pickle and JSON`)
  if (!c) throw new Error(`--django-project: django-redis COMPRESSOR ${compressor}: observe mode reads none and zlib`)
  return { kind: 'django-redis', serializer: s, compressor: c }
}

function cacheTarget(cache: Record<string, unknown>, notes: string[]): CacheTarget {
  const backend = String(cache.BACKEND ?? '')
  const keyFunction = str(cache.KEY_FUNCTION)
  if (keyFunction && !/default_key_func/.test(keyFunction)) throw new Error(`--django-project: CACHES[${JSON.stringify(cache.alias)}] has its own KEY_FUNCTION (${keyFunction}), which observe mode cannot follow`)
  const common = { ...(str(cache.KEY_PREFIX) ? { keyPrefix: str(cache.KEY_PREFIX) } : {}), ...(cache.VERSION !== undefined && cache.VERSION !== null ? { version: Number(cache.VERSION) } : {}) }
  const locations = (Array.isArray(cache.LOCATION) ? cache.LOCATION : String(cache.LOCATION ?? '').split(/[;,]/)).map((l) => String(l).trim()).filter(Boolean)
  if (locations.length > 1) notes.push(`CACHES[${JSON.stringify(cache.alias)}] lists ${locations.length} servers: observe mode uses the first, ${locations[0]}`)
  const first = locations[0] ?? ''
  const options = (cache.OPTIONS ?? {}) as Record<string, unknown>
  if (/django_redis/.test(backend) || /backends\.redis\.RedisCache/.test(backend)) {
    let url = first || 'redis://127.0.0.1:6379/0'
    const password = str(options.PASSWORD)
    if (password && !/@/.test(url)) url = url.replace(/^(\w+:\/\/)/, `$1:${encodeURIComponent(password)}@`)
    const format = /django_redis/.test(backend) ? djangoRedisFormat(options) : ({ kind: 'django-redis-cache' } as const)
    return { kind: 'redis', url, format, ...common }
  }
  if (/memcached/i.test(backend)) return { kind: 'memcached', server: first.replace(/^unix:/, '') || '127.0.0.1:11211', ...common }
  const short = backend.split('.').at(-1) ?? backend
  return { kind: 'unreachable', backend: short, inProcess: /locmem|dummy/i.test(backend), ...common }
}

/** AUTH_USER_MODEL's table where observe mode can read it (SQLite, PostgreSQL, MySQL), else null. */
function userTable(raw: Raw, dir: string): UserTableTarget | null {
  const u = raw.users
  if (!u) return null
  let database: DatabaseTarget
  try {
    database = databaseTarget(u.database, dir)
  } catch {
    return null // a database observe mode cannot read: sessions show the user's id only
  }
  return { database, table: u.table, pk: u.pk, username: u.username, password: u.password, isActive: u.is_active }
}

/** Reads the project's settings with its Python; throws a one-line Error. */
export async function readDjangoProject(o: DjangoProjectOptions): Promise<DjangoProject> {
  const dir = resolve(o.dir)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--django-project: ${dir} is not a directory`)
  const raw = await run(o.python ?? DEFAULT_PYTHON, dir, o.settingsModule, o.env ?? process.env)
  const s = raw.session
  const dotted = String(s.SESSION_ENGINE ?? 'django.contrib.sessions.backends.db')
  const short = dotted.replace(/^django\.contrib\.sessions\.backends\./, '')
  if (!(ENGINES as readonly string[]).includes(short)) throw new Error(`--django-project: SESSION_ENGINE ${dotted} is not one of Django's engines (${ENGINES.join(', ')})`)
  const engine = short as EngineName
  const serializer = String(s.SESSION_SERIALIZER ?? '')
  if (/pickle/i.test(serializer) && engine !== 'cache') throw new Error(`--django-project: SESSION_SERIALIZER ${serializer}: observe mode reads JSON sessions only`)
  const notes: string[] = []
  if (!raw.USE_TZ && engine !== 'cache' && engine !== 'signed_cookies' && engine !== 'file') notes.push(`USE_TZ is False: Django writes expire_date in TIME_ZONE (${raw.TIME_ZONE}); observe mode reads it as UTC`)
  const observe: ObserveTarget = { engine }
  if (engine === 'db' || engine === 'cached_db') observe.database = databaseTarget(raw.database, dir)
  if (engine === 'cache' || engine === 'cached_db') observe.cache = cacheTarget(raw.cache, notes)
  if (engine === 'file') observe.filePath = raw.file_path ?? undefined
  observe.django = raw.django
  observe.users = userTable(raw, dir)
  const settings: Record<string, unknown> = { SECRET_KEY: raw.SECRET_KEY }
  for (const name of ['SESSION_COOKIE_AGE', 'SESSION_COOKIE_NAME', 'SESSION_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SESSION_SAVE_EVERY_REQUEST']) {
    if (name in s) settings[name] = s[name]
  }
  if (engine === 'file' && raw.file_path) settings.SESSION_FILE_PATH = raw.file_path
  return { dir, django: raw.django, settingsModule: raw.settings_module, observe, secretKeyFallbacks: raw.SECRET_KEY_FALLBACKS ?? [], settings, notes }
}
