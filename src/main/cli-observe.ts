// The command line's observe mode (issues 7 and 11), kept apart from cli.ts: the flags that
// say where the app's sessions live (--database FILE|URL, --cache URL, or --django-project
// DIR to read them from the project's own settings), and the one block it prints about them.
import type { ObserveTarget } from './engine/observe/targets'
import { describeCache, describeDatabase, parseCacheTarget, parseDatabaseTarget } from './engine/observe/targets'
import { readDjangoProject } from './service/django-project'
import { djangoSeries } from '../shared/django-versions'
import { ENGINES, maskSecret, type EngineName } from '../shared/settings'

/** parseArgs definitions of the observe flags (merged into cli.ts's). */
export const OBSERVE_FLAGS = {
  'observe-django': { type: 'boolean' },
  'django-project': { type: 'string' },
  'django-settings': { type: 'string' },
  python: { type: 'string' },
  cache: { type: 'string' }
} as const

export const OBSERVE_HELP = `  --observe-django      the app runs Django's own SessionMiddleware and store: only watch, list and
                        edit its sessions there (--database, --cache, or --django-project says where)
  --django-project DIR  read the store, SECRET_KEY and SESSION_* from the project's settings, with
                        its own Python (implies --observe-django)
  --django-settings MOD its DJANGO_SETTINGS_MODULE (default: the one manage.py names)
  --python PATH         the project's Python (default /usr/bin/python3)
  --cache URL           observe mode's session cache: redis://host:port/db (Django's RedisCache),
                        django-redis+redis://… (django-redis), memcached://host:port;
                        ?key_prefix=…&version=N as in CACHES
`

/** What the command line asked observe mode to watch, before the project is read. */
export interface ObserveRequest {
  project?: { dir: string; settingsModule?: string; python?: string }
  database?: string
  cache?: string
  engine?: EngineName
  filePath?: string
}

type Values = { [K in keyof typeof OBSERVE_FLAGS]?: (typeof OBSERVE_FLAGS)[K]['type'] extends 'boolean' ? boolean : string } & { database?: string }

/**
 * The observe request of the flags, or null when not observing. Throws a usage message (one
 * line) for flags that cannot go together or say nothing about where the sessions are.
 */
export function parseObserveFlags(v: Values, settings: Record<string, unknown>): ObserveRequest | null {
  const observing = Boolean(v['observe-django'] || v['django-project'])
  if (!observing) {
    for (const flag of ['cache', 'django-settings', 'python'] as const) if (v[flag] !== undefined) throw new Error(`--${flag} goes with --observe-django or --django-project`)
    if (v.database && /^[a-z][a-z0-9+.-]*:\/\//i.test(v.database)) throw new Error('--database URL goes with --observe-django: Session Inspector keeps its own sessions in a SQLite file')
    return null
  }
  const rawEngine = settings.SESSION_ENGINE
  const engine = typeof rawEngine === 'string' ? rawEngine.replace(/^django\.contrib\.sessions\.backends\./, '') : undefined
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine)) throw new Error(`SESSION_ENGINE ${JSON.stringify(rawEngine)}: expected ${ENGINES.join(', ')}`)
  const filePath = typeof settings.SESSION_FILE_PATH === 'string' ? settings.SESSION_FILE_PATH : undefined
  const request: ObserveRequest = {
    ...(v['django-project'] ? { project: { dir: v['django-project'], ...(v['django-settings'] ? { settingsModule: v['django-settings'] } : {}), ...(v.python ? { python: v.python } : {}) } } : {}),
    ...(v.database ? { database: v.database } : {}),
    ...(v.cache ? { cache: v.cache } : {}),
    ...(engine ? { engine: engine as EngineName } : {}),
    ...(filePath ? { filePath } : {})
  }
  if (!request.project && !request.database && !request.cache && engine !== 'signed_cookies' && !(engine === 'file' && filePath)) {
    throw new Error("--observe-django needs to know where the app's sessions are: --django-project DIR, --database FILE|URL, --cache URL (or --engine signed_cookies, or --engine file with --set SESSION_FILE_PATH=DIR)")
  }
  return request
}

/** The target an explicit request names (flags only), with its engine worked out from them. */
function targetOfFlags(r: ObserveRequest, base?: ObserveTarget): ObserveTarget {
  const engine = r.engine ?? base?.engine ?? (r.database && r.cache ? 'cached_db' : r.cache ? 'cache' : 'db')
  return {
    ...base,
    engine,
    ...(r.database ? { database: parseDatabaseTarget(r.database) } : {}),
    ...(r.cache ? { cache: parseCacheTarget(r.cache) } : {}),
    ...(r.filePath ? { filePath: r.filePath } : {})
  }
}

export interface ResolvedObserve {
  observe: ObserveTarget
  secretKeyFallbacks: string[]
  /** The project's SESSION_* and SECRET_KEY, under what --set gave (flags win). */
  settings: Record<string, unknown>
  /** The block to print: what was found and where the sessions are. */
  banner: string[]
  /** The names in `settings` that the project's settings.py gave (the command line did not). */
  projectSettings: string[]
  /** The project's Django release, e.g. "5.2.17". */
  djangoRelease?: string
}

/** Reads the project (when asked) and merges the flags over it; throws a one-line Error. */
export async function resolveObserve(r: ObserveRequest, settings: Record<string, unknown>): Promise<ResolvedObserve> {
  const project = r.project ? await readDjangoProject(r.project) : null
  const observe = targetOfFlags(r, project?.observe)
  const series = project ? djangoSeries(project.django) : null
  const fromProject: Record<string, unknown> = { ...project?.settings, ...(series ? { DJANGO_VERSION: series } : {}) }
  const merged: Record<string, unknown> = { ...fromProject, ...settings, SESSION_ENGINE: observe.engine }
  const projectSettings = project ? [...Object.keys(fromProject), 'SESSION_ENGINE'].filter((n) => !(n in settings) && !(n === 'SESSION_ENGINE' && r.engine)) : []
  const fallbacks = project?.secretKeyFallbacks ?? []
  const where = [observe.database && describeDatabase(observe.database), observe.cache && describeCache(observe.cache), observe.filePath && `files in ${observe.filePath}`]
    .filter(Boolean)
    .join(' + ')
  const secret = typeof merged.SECRET_KEY === 'string' ? maskSecret(merged.SECRET_KEY) : "Session Inspector's own (set SECRET_KEY to the app's)"
  const banner = [
    project ? `Django project ${project.dir} (${project.settingsModule}, Django ${project.django})` : 'Observing a Django app (from the command line)',
    `  engine:  ${observe.engine}`,
    `  store:   ${observe.engine === 'signed_cookies' ? "the browsers' cookies (no server store)" : where}`,
    `  cookie:  ${String(merged.SESSION_COOKIE_NAME ?? 'sessionid')}, SESSION_COOKIE_AGE ${String(merged.SESSION_COOKIE_AGE ?? 1209600)} s${merged.SESSION_EXPIRE_AT_BROWSER_CLOSE ? ', expires at browser close' : ''}`,
    `  secret:  SECRET_KEY ${secret}${fallbacks.length ? ` + ${fallbacks.length} fallback key(s)` : ''}`,
    ...(project?.notes ?? []).map((n) => `  note:    ${n}`)
  ]
  return { observe, secretKeyFallbacks: fallbacks, settings: merged, banner, projectSettings, ...(project ? { djangoRelease: project.django } : {}) }
}
