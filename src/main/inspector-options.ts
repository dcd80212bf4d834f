import { createHash } from 'node:crypto'
import { basename, join, resolve } from 'node:path'
import type { ObserveTarget } from './engine/observe/targets'

// How the inspector service is started, by the CLI and by the Electron shell alike.
export interface InspectorOptions {
  /** Where the SQLite files, settings.json, the secret key and the token live. */
  dataDir: string
  /** The db engine's SQLite file (default: DATA_DIR/sessions.sqlite3). */
  databasePath?: string
  /** An http(s) URL, or "demo" for the built-in demo app (default). */
  upstream?: string
  /** Proxy address (default 127.0.0.1:8080; port 0 picks a free port). */
  listen?: { host: string; port: number }
  /** Initial settings (validated by the shared validator), applied over the saved ones. */
  settings?: Record<string, unknown>
  /** Observe mode (issue 7): the app runs Django's own SessionMiddleware on the shared database. */
  observeDjango?: boolean
  /** Observe mode's store (issue 11): the app's engine and where its sessions live (default: db on databasePath). */
  observe?: ObserveTarget
  /** The names in `settings` read from the observed project (--django-project): shown as its, and not editable. */
  projectSettings?: readonly string[]
  /** The observed project's Django release, e.g. "5.2.17". */
  djangoRelease?: string
  /** The app's SECRET_KEY_FALLBACKS (Django 4.1+): sessions signed with any of them still load. */
  secretKeyFallbacks?: string[]
  /** Where the control server listens, for Status.controlUrl (set by whoever starts it). */
  controlUrl?: string
  /** Time the app has to start answering a request before the browser gets a 502 (default 60000 ms). */
  upstreamTimeoutMs?: number
  /** Retention of the traffic log (entries kept), default 100000. */
  trafficRetention?: number
  /** Byte budget of the traffic log (stored entries), default 256 MiB; the oldest go first. */
  trafficMaxBytes?: number
  /** Called with one-line notices (upstream down/up, store errors) for the console. */
  log?: (line: string) => void
}

export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8080 }
export const DEFAULT_CONTROL = { host: '127.0.0.1', port: 8081 }

/** The OS's per-user app data folder, as Electron's userData would be for "Session Inspector". */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = env.HOME ?? env.USERPROFILE ?? '.'): string {
  const name = 'Session Inspector'
  if (platform === 'win32') return `${env.APPDATA ?? `${home}\\AppData\\Roaming`}\\${name}`
  if (platform === 'darwin') return `${home}/Library/Application Support/${name}`
  return `${env.XDG_CONFIG_HOME || `${home}/.config`}/${name}`
}

/**
 * The data folder of one app under the default one (issue 21): demo runs keep `base` itself
 * (the folder earlier versions used for everything, so nothing moves); another upstream, or a
 * Django project, gets `base/apps/SLUG-HASH`, a readable name and the first 8 hex digits of
 * a SHA-256 of what identifies it (the upstream's origin and path, or the project's folder).
 */
export function appDataDir(base: string, app: { upstream?: string; project?: string }): string {
  let id: string
  let name: string
  if (app.project) {
    id = `project:${resolve(app.project)}`
    name = basename(resolve(app.project))
  } else if (app.upstream && app.upstream !== 'demo') {
    const url = new URL(app.upstream)
    const path = url.pathname.replace(/\/+$/, '')
    id = `upstream:${url.protocol}//${url.host}${path}`
    name = `${url.hostname.replace(/^\[|\]$/g, '')}-${url.port || (url.protocol === 'https:' ? '443' : '80')}${path}`
  } else return base
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 40) || 'app'
  return join(base, 'apps', `${slug}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`)
}
