// The settings of SESSIONS.md: names, Django's defaults, one-line explanations, and the
// one validator that every transport (HTTP, IPC, CLI, UI) runs.
import { DEFAULT_DJANGO_VERSION, DJANGO_VERSIONS, djangoSeries, type DjangoVersion } from './django-versions'
import { isPlainObject } from './json'

/** The five session engines, by their short names. */
export const ENGINES = ['db', 'file', 'cache', 'cached_db', 'signed_cookies'] as const
export type EngineName = (typeof ENGINES)[number]

/** SESSION_COOKIE_SAMESITE after normalisation: null means "no SameSite attribute". */
export type SameSite = 'Strict' | 'Lax' | 'None' | null

/** Every setting the engine reads, under Django's names. */
export interface Settings {
  SESSION_CACHE_ALIAS: string
  SESSION_COOKIE_AGE: number
  SESSION_COOKIE_DOMAIN: string | null
  SESSION_COOKIE_HTTPONLY: boolean
  SESSION_COOKIE_NAME: string
  SESSION_COOKIE_PATH: string
  SESSION_COOKIE_SAMESITE: SameSite
  SESSION_COOKIE_SECURE: boolean
  SESSION_ENGINE: EngineName
  SESSION_EXPIRE_AT_BROWSER_CLOSE: boolean
  SESSION_FILE_PATH: string | null
  SESSION_SAVE_EVERY_REQUEST: boolean
  SESSION_SERIALIZER: 'json'
  SECRET_KEY: string
  /** Django 4.1+: older keys that still verify; the next save signs with SECRET_KEY. */
  SECRET_KEY_FALLBACKS: string[]
  /** The Django release whose session behaviour the engine follows (docs/django-versions.md). */
  DJANGO_VERSION: DjangoVersion
  /**
   * Django's CACHES, reduced to one URL per alias: `locmem://` (Django's LocMemCache: LRU,
   * and a full cache culls its least recently used third; add `?max_entries=N`, default 300
   * as in Django) or `redis://host:port/db`.
   */
  CACHES: Record<string, string>
}

export type SettingName = keyof Settings
export type SettingsPatch = { [K in SettingName]?: unknown }

/** The order in which settings are shown. */
export const SETTING_NAMES: readonly SettingName[] = [
  'DJANGO_VERSION',
  'SESSION_ENGINE',
  'SESSION_COOKIE_AGE',
  'SESSION_EXPIRE_AT_BROWSER_CLOSE',
  'SESSION_SAVE_EVERY_REQUEST',
  'SESSION_COOKIE_NAME',
  'SESSION_COOKIE_PATH',
  'SESSION_COOKIE_DOMAIN',
  'SESSION_COOKIE_SECURE',
  'SESSION_COOKIE_HTTPONLY',
  'SESSION_COOKIE_SAMESITE',
  'SESSION_CACHE_ALIAS',
  'CACHES',
  'SESSION_FILE_PATH',
  'SESSION_SERIALIZER',
  'SECRET_KEY',
  'SECRET_KEY_FALLBACKS'
]

/** The cookie the proxy uses to recognise a browser profile; the session cookie may not take it. */
export const CLIENT_COOKIE_NAME = 'si_client'

/**
 * In observe mode the app's own Django settings decide the rest; these stay editable because
 * the inspector needs the app's values: SECRET_KEY and SESSION_COOKIE_NAME to read its sessions,
 * SESSION_COOKIE_AGE to tell when each was saved and when its cookie ends.
 */
export const OBSERVE_EDITABLE_SETTINGS: readonly SettingName[] = ['SECRET_KEY', 'SESSION_COOKIE_NAME', 'SESSION_COOKIE_AGE']

/** What the inspector itself uses each of those for, in observe mode (the Settings screen says it). */
export const OBSERVE_PURPOSE: Partial<Record<SettingName, string>> = {
  SECRET_KEY: "The inspector uses it to decode the app's sessions and to sign what you edit.",
  SESSION_COOKIE_NAME: "The inspector uses it to find the app's session cookie in each request and response.",
  SESSION_COOKIE_AGE: 'The inspector uses it to tell when each session was saved and when its cookie ends.'
}

/** Django's defaults. SECRET_KEY has none: it is generated per data dir. */
export const DEFAULT_SETTINGS: Omit<Settings, 'SECRET_KEY'> = {
  DJANGO_VERSION: DEFAULT_DJANGO_VERSION,
  SECRET_KEY_FALLBACKS: [],
  SESSION_CACHE_ALIAS: 'default',
  SESSION_COOKIE_AGE: 1209600,
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_NAME: 'sessionid',
  SESSION_COOKIE_PATH: '/',
  SESSION_COOKIE_SAMESITE: 'Lax',
  SESSION_COOKIE_SECURE: false,
  SESSION_ENGINE: 'db',
  SESSION_EXPIRE_AT_BROWSER_CLOSE: false,
  SESSION_FILE_PATH: null,
  SESSION_SAVE_EVERY_REQUEST: false,
  SESSION_SERIALIZER: 'json',
  CACHES: { default: 'locmem://' }
}

/** What the UI shows next to each setting: Django's default, the allowed values, one line from the seeds. */
export interface SettingInfo {
  name: SettingName
  /** Django's default, as Django writes it. */
  djangoDefault: string
  /** The allowed values, in words; validator messages quote this. */
  allowed: string
  /** One line, from the user's notes on Django sessions. */
  help: string
  kind: 'integer' | 'boolean' | 'string' | 'nullable-string' | 'choice' | 'secret' | 'secret-list' | 'caches'
  choices?: readonly (string | null)[]
}

export const SETTINGS_INFO: Record<SettingName, SettingInfo> = {
  SESSION_CACHE_ALIAS: {
    name: 'SESSION_CACHE_ALIAS', djangoDefault: "'default'", kind: 'string',
    allowed: 'the name of a cache in CACHES',
    help: "If you're using cache-based session storage, this selects the cache to use."
  },
  SESSION_COOKIE_AGE: {
    name: 'SESSION_COOKIE_AGE', djangoDefault: '1209600', kind: 'integer',
    allowed: 'a whole number of seconds, 0 or more',
    help: 'The age of session cookies, in seconds (default: 2 weeks).'
  },
  SESSION_COOKIE_DOMAIN: {
    name: 'SESSION_COOKIE_DOMAIN', djangoDefault: 'None', kind: 'nullable-string',
    allowed: 'null (a standard domain cookie) or a domain such as "example.com" or ".example.com"',
    help: 'The domain to use for session cookies; None for a standard domain cookie.'
  },
  SESSION_COOKIE_HTTPONLY: {
    name: 'SESSION_COOKIE_HTTPONLY', djangoDefault: 'True', kind: 'boolean',
    allowed: 'true or false',
    help: 'Whether to use the HttpOnly flag: client-side JavaScript cannot read the session cookie.'
  },
  SESSION_COOKIE_NAME: {
    name: 'SESSION_COOKIE_NAME', djangoDefault: "'sessionid'", kind: 'string',
    allowed: `a cookie name (letters, digits and !#$%&'*+-.^_\`|~), not "${CLIENT_COOKIE_NAME}"`,
    help: "The name of the cookie to use for sessions; it shouldn't be the same as another cookie of the app."
  },
  SESSION_COOKIE_PATH: {
    name: 'SESSION_COOKIE_PATH', djangoDefault: "'/'", kind: 'string',
    allowed: 'a URL path starting with "/", without ";" or spaces',
    help: 'The path set on the session cookie: the URL path of the app or a parent of it.'
  },
  SESSION_COOKIE_SAMESITE: {
    name: 'SESSION_COOKIE_SAMESITE', djangoDefault: "'Lax'", kind: 'choice', choices: ['Strict', 'Lax', 'None', null],
    allowed: '"Strict", "Lax", "None", or null/false for no SameSite attribute',
    help: "The SameSite flag: 'Strict' never sends the cookie cross-site, 'Lax' sends it on top-level links."
  },
  SESSION_COOKIE_SECURE: {
    name: 'SESSION_COOKIE_SECURE', djangoDefault: 'False', kind: 'boolean',
    allowed: 'true or false',
    help: 'Whether to mark the session cookie "secure": browsers send it only over HTTPS.'
  },
  SESSION_ENGINE: {
    name: 'SESSION_ENGINE', djangoDefault: "'django.contrib.sessions.backends.db'", kind: 'choice', choices: ENGINES,
    allowed: 'db, file, cache, cached_db or signed_cookies (or django.contrib.sessions.backends.<name>)',
    help: 'Where session data is stored: database, files, cache, cache + database, or signed cookies.'
  },
  SESSION_EXPIRE_AT_BROWSER_CLOSE: {
    name: 'SESSION_EXPIRE_AT_BROWSER_CLOSE', djangoDefault: 'False', kind: 'boolean',
    allowed: 'true or false',
    help: 'Whether to expire the session when the user closes their browser.'
  },
  SESSION_FILE_PATH: {
    name: 'SESSION_FILE_PATH', djangoDefault: 'None', kind: 'nullable-string',
    allowed: 'null (the system temporary directory) or the absolute path of an existing directory',
    help: 'For file-based sessions: the directory where session files are stored.'
  },
  SESSION_SAVE_EVERY_REQUEST: {
    name: 'SESSION_SAVE_EVERY_REQUEST', djangoDefault: 'False', kind: 'boolean',
    allowed: 'true or false',
    help: "Whether to save the session on every request; empty sessions still won't be created."
  },
  SESSION_SERIALIZER: {
    name: 'SESSION_SERIALIZER', djangoDefault: "'django.contrib.sessions.serializers.JSONSerializer'", kind: 'choice', choices: ['json'],
    allowed: '"json" or "django.contrib.sessions.serializers.JSONSerializer" (PickleSerializer is not supported)',
    help: 'How session data is serialized: JSON.'
  },
  SECRET_KEY: {
    name: 'SECRET_KEY', djangoDefault: '(generated per data folder)', kind: 'secret',
    allowed: 'a non-empty string',
    help: "Signs session data; set it to a Django project's SECRET_KEY to share its sessions."
  },
  SECRET_KEY_FALLBACKS: {
    name: 'SECRET_KEY_FALLBACKS', djangoDefault: '[]', kind: 'secret-list',
    allowed: 'a list of non-empty strings (old SECRET_KEYs)',
    help: 'Django 4.1+: sessions signed with one of these old keys still load; their next save signs them with SECRET_KEY.'
  },
  DJANGO_VERSION: {
    name: 'DJANGO_VERSION', djangoDefault: "'5.2' (the current LTS)", kind: 'choice', choices: DJANGO_VERSIONS,
    allowed: '"3.2", "4.2" or "5.2" (a full version such as "5.2.17" is read as its series)',
    help: 'The Django release whose session behaviour the engine follows: Vary, 5xx saves, SECRET_KEY_FALLBACKS, old formats.'
  },
  CACHES: {
    name: 'CACHES', djangoDefault: "{'default': locmem}", kind: 'caches',
    allowed: 'an object mapping cache names to "locmem://" (optionally "?max_entries=N") or "redis://host:port/db"',
    help: 'The caches that SESSION_CACHE_ALIAS can name: in-memory, or a real Redis.'
  }
}

/** One refused setting: its name, what was wrong, and what is allowed. */
export interface SettingError {
  setting: string
  message: string
}

export type SettingsValidation =
  | { ok: true; settings: Settings; changed: SettingName[] }
  | { ok: false; errors: SettingError[] }

const DOTTED_ENGINE = 'django.contrib.sessions.backends.'
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/
// eslint-disable-next-line no-control-regex -- control characters are exactly what a cookie path may not hold
const ILLEGAL_IN_PATH = /[;\s\u0000-\u001f\u007f]/

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function refuse(name: SettingName, value: unknown, why?: string): SettingError {
  const info = SETTINGS_INFO[name]
  const reason = why ? `${why}; ` : ''
  return { setting: name, message: `${name}: ${reason}got ${show(value)}, allowed: ${info.allowed}` }
}

/** Normalises a cache URL, or returns null when it is not one we understand. */
export function normalizeCacheUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const v = value.trim()
  if (v === 'locmem' || v === 'locmem://') return 'locmem://'
  const locmem = /^locmem:\/\/\??(?:max_entries=(\d+))?$/.exec(v)
  if (locmem) return locmem[1] ? `locmem://?max_entries=${Number(locmem[1])}` : 'locmem://'
  try {
    const url = new URL(v)
    if ((url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname) return v
  } catch {
    return null
  }
  return null
}

type Normalizer = (value: unknown) => { ok: true; value: unknown } | { ok: false; why?: string }

const ok = (value: unknown) => ({ ok: true as const, value })
const bad = (why?: string) => ({ ok: false as const, why })
const bool: Normalizer = (v) => (typeof v === 'boolean' ? ok(v) : bad())

const NORMALIZERS: Record<SettingName, Normalizer> = {
  SESSION_CACHE_ALIAS: (v) => (typeof v === 'string' && v.length > 0 ? ok(v) : bad()),
  SESSION_COOKIE_AGE: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 ? ok(v) : bad()),
  SESSION_COOKIE_DOMAIN: (v) => (v === null ? ok(null) : typeof v === 'string' && DOMAIN.test(v) ? ok(v) : bad()),
  SESSION_COOKIE_HTTPONLY: bool,
  SESSION_COOKIE_NAME: (v) => {
    if (typeof v !== 'string' || !COOKIE_NAME.test(v)) return bad()
    if (v === CLIENT_COOKIE_NAME) return bad('that name is the proxy\'s own client cookie')
    return ok(v)
  },
  SESSION_COOKIE_PATH: (v) => (typeof v === 'string' && v.startsWith('/') && !ILLEGAL_IN_PATH.test(v) ? ok(v) : bad()),
  SESSION_COOKIE_SAMESITE: (v) => {
    if (v === null || v === false) return ok(null)
    if (typeof v !== 'string') return bad()
    const canonical = ({ strict: 'Strict', lax: 'Lax', none: 'None' } as Record<string, SameSite>)[v.toLowerCase()]
    return canonical ? ok(canonical) : bad()
  },
  SESSION_COOKIE_SECURE: bool,
  SESSION_ENGINE: (v) => {
    if (typeof v !== 'string') return bad()
    const short = v.startsWith(DOTTED_ENGINE) ? v.slice(DOTTED_ENGINE.length) : v
    return (ENGINES as readonly string[]).includes(short) ? ok(short) : bad()
  },
  SESSION_EXPIRE_AT_BROWSER_CLOSE: bool,
  SESSION_FILE_PATH: (v) => {
    if (v === null) return ok(null)
    if (typeof v !== 'string' || v.length === 0) return bad()
    const absolute = v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v) || v.startsWith('\\\\')
    return absolute ? ok(v) : bad('the path must be absolute')
  },
  SESSION_SAVE_EVERY_REQUEST: bool,
  SESSION_SERIALIZER: (v) => {
    if (v === 'json' || v === 'django.contrib.sessions.serializers.JSONSerializer' || v === 'JSONSerializer') return ok('json')
    if (typeof v === 'string' && /pickle/i.test(v)) return bad('PickleSerializer is not supported: it is unsafe and removed from Django')
    return bad()
  },
  SECRET_KEY: (v) => (typeof v === 'string' && v.length > 0 ? ok(v) : bad()),
  SECRET_KEY_FALLBACKS: (v) => (Array.isArray(v) && v.length <= 50 && v.every((k) => typeof k === 'string' && k.length > 0) ? ok([...(v as string[])]) : bad()),
  DJANGO_VERSION: (v) => {
    const text = typeof v === 'number' ? String(v) : v
    if (typeof text !== 'string' || !/^\s*\d+\.\d+(?:\.\d+)?\s*$/.test(text)) return bad()
    const series = djangoSeries(text)
    return series ? ok(series) : bad('Django 3.2 or later')
  },
  CACHES: (v) => {
    if (!isPlainObject(v) || Object.keys(v).length === 0) return bad()
    const out: Record<string, string> = {}
    for (const [alias, url] of Object.entries(v)) {
      const normal = normalizeCacheUrl(url)
      if (!normal) return bad(`cache ${JSON.stringify(alias)} has an unknown URL ${show(url)}`)
      out[alias] = normal
    }
    return ok(out)
  }
}

/** True when `name` is a setting of SESSIONS.md (or CACHES). */
export function isSettingName(name: string): name is SettingName {
  return Object.prototype.hasOwnProperty.call(NORMALIZERS, name)
}

/**
 * Validates a partial change against the current settings. Either every value is
 * accepted (and normalised: dotted engine names, `false` SameSite, the dotted JSON
 * serializer) and the merged settings are returned, or nothing is applied and each
 * error names the setting and the allowed values.
 */
export function validateSettingsPatch(current: Settings, patch: unknown): SettingsValidation {
  if (!isPlainObject(patch)) {
    return { ok: false, errors: [{ setting: '(body)', message: `settings must be an object of setting names to values, got ${show(patch)}` }] }
  }
  const errors: SettingError[] = []
  const next: Settings = { ...current, CACHES: { ...current.CACHES } }
  const changed: SettingName[] = []
  for (const [name, raw] of Object.entries(patch)) {
    if (!isSettingName(name)) {
      errors.push({ setting: name, message: `${name}: unknown setting, allowed: ${SETTING_NAMES.join(', ')}` })
      continue
    }
    const result = NORMALIZERS[name](raw)
    if (!result.ok) {
      errors.push(refuse(name, raw, result.why))
      continue
    }
    ;(next as unknown as Record<string, unknown>)[name] = result.value
    if (JSON.stringify(current[name]) !== JSON.stringify(result.value)) changed.push(name)
  }
  if (errors.length === 0 && !Object.prototype.hasOwnProperty.call(next.CACHES, next.SESSION_CACHE_ALIAS)) {
    errors.push({
      setting: 'SESSION_CACHE_ALIAS',
      message: `SESSION_CACHE_ALIAS: got ${show(next.SESSION_CACHE_ALIAS)}, allowed: the name of a cache in CACHES (${Object.keys(next.CACHES).map((a) => JSON.stringify(a)).join(', ')})`
    })
  }
  return errors.length ? { ok: false, errors } : { ok: true, settings: next, changed }
}

/** The settings that hold secrets: masked whenever settings leave the process. */
export const SECRET_SETTINGS: readonly SettingName[] = ['SECRET_KEY', 'SECRET_KEY_FALLBACKS']

/** Settings as they leave the process: SECRET_KEY and each fallback masked. */
export function maskSettings(settings: Settings): Settings {
  return { ...settings, SECRET_KEY: maskSecret(settings.SECRET_KEY), SECRET_KEY_FALLBACKS: settings.SECRET_KEY_FALLBACKS.map(maskSecret) }
}

/**
 * Takes out of a patch the secrets that come back masked (a GET-then-PATCH round trip):
 * they mean "unchanged". A fallback list is unchanged only when every item is its masked self.
 */
export function dropMaskedSecrets(patch: Record<string, unknown>, current: Settings): Record<string, unknown> {
  const clean = { ...patch }
  if ('SECRET_KEY' in clean && isMaskedSecret(clean.SECRET_KEY, current.SECRET_KEY)) delete clean.SECRET_KEY
  const fallbacks = clean.SECRET_KEY_FALLBACKS
  if (Array.isArray(fallbacks) && fallbacks.length === current.SECRET_KEY_FALLBACKS.length && fallbacks.every((v, i) => isMaskedSecret(v, current.SECRET_KEY_FALLBACKS[i]!))) {
    delete clean.SECRET_KEY_FALLBACKS
  }
  return clean
}

/** True when a setting has Django's default value (SECRET_KEY has no default: never). */
export function isDefaultSetting(name: SettingName, value: unknown): boolean {
  if (name === 'SECRET_KEY') return false
  return JSON.stringify(value) === JSON.stringify(DEFAULT_SETTINGS[name])
}

/** The settings whose value differs from Django's default, in display order (secrets are never listed). */
export function settingsDifferingFromDefaults(settings: Settings): SettingName[] {
  return SETTING_NAMES.filter((name) => !SECRET_SETTINGS.includes(name) && !isDefaultSetting(name, settings[name]))
}

/** A value as Django's settings.py writes it: 20, True, None, 'Lax', {'default': 'locmem://'}. */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${pythonLiteral(k)}: ${pythonLiteral(v)}`).join(', ')}}`
  return String(value)
}

/** How SECRET_KEY is shown outside the process: enough to recognise it, not to use it. */
export function maskSecret(secret: string): string {
  const tail = secret.length > 12 ? secret.slice(-4) : ''
  return `********${tail}`
}

/** True when a value is the masked form of the secret (a GET-then-PATCH round trip): it means "unchanged". */
export function isMaskedSecret(value: unknown, secret: string): boolean {
  return typeof value === 'string' && value === maskSecret(secret)
}
