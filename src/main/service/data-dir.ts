// What lives in the data dir besides the databases and the control token: settings.json
// and the SECRET_KEY, created on first use and kept across runs (readable only by the user:
// the folder is created 0700 and every file in it 0600). A file found damaged is never
// replaced: the start stops with one line naming it and what to do.
import { randomBytes, randomInt } from 'node:crypto'
import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DataDirLock } from './data-dir-lock'
import { createPrivateDir, tighten } from '../engine/private-files'
import { DEFAULT_SETTINGS, isDefaultSetting, SETTING_NAMES, validateSettingsPatch, type SettingName, type Settings } from '../../shared/settings'

const SECRET_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)'

/** Django's get_random_secret_key(), with the "django-insecure-" prefix startproject writes. */
export function randomSecretKey(): string {
  let key = ''
  for (let i = 0; i < 50; i++) key += SECRET_CHARS[randomInt(SECRET_CHARS.length)]
  return `django-insecure-${key}`
}

function writePrivate(path: string, text: string): void {
  const temp = `${path}.tmp-${randomBytes(4).toString('hex')}`
  writeFileSync(temp, text, { mode: 0o600 })
  renameSync(temp, path)
}

const SECRET_KEY_CHOICES =
  "it holds this data folder's SECRET_KEY, which signs its sessions. Restore it from a backup, or delete it to have a new key made (sessions signed with the old one will no longer load), or run with --set SECRET_KEY=… (this run only)"

/** Creates the folder (0700) or checks the one there: a one-line Error when it is not a writable folder. */
function openFolder(path: string): void {
  try {
    createPrivateDir(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    // mkdir -p reports ENOENT or EACCES for a parent it could not make: say what was in the way.
    const cause = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in its place' : unwritable(nearestExisting(path)) ?? code ?? (e as Error).message
    throw new Error(`cannot create the data folder ${path}: ${cause}; choose another with --data-dir`)
  }
  if (!statSync(path).isDirectory()) throw new Error(`the data folder ${path} is a file, not a folder: move it, or choose another with --data-dir`)
  const why = unwritable(path)
  if (why) throw new Error(`the data folder ${path} cannot be written (${why}): Session Inspector keeps its sessions, settings and traffic log there; make it writable, or choose another with --data-dir`)
}

/** Why `path` cannot be written to ("read-only file system (EROFS)"), or null. */
function unwritable(path: string): string | null {
  try {
    accessSync(path, constants.W_OK)
    return null
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EROFS') return `${path} is on a read-only file system (EROFS)`
    if (code === 'EACCES' || code === 'EPERM') return `no permission to write in ${path} (${code})`
    return `${path}: ${code ?? (e as Error).message}`
  }
}

function nearestExisting(path: string): string {
  let p = path
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  return p
}

/** settings.json as an object of settings; anything else is a one-line Error naming the file. */
function readSettingsFile(path: string): Record<string, unknown> {
  const fix = 'fix it, or delete it to start from Django\'s defaults (the settings saved in it are then lost)'
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const what = code ? `cannot be read (${code === 'EISDIR' ? 'it is a folder' : code})` : `is not valid JSON (${(e as Error).message.split('\n')[0]})`
    throw new Error(`${path} ${what}: ${fix}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${path} holds ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not an object of settings: ${fix}`)
  }
  return value as Record<string, unknown>
}

export class DataDir {
  /** What this program keeps here: made 0600 if an older version left them readable to others. */
  static readonly OWN_FILES = ['secret_key', 'token', 'settings.json', 'window-state.json', ...['sessions', 'inspector', 'observe-journal'].flatMap((db) => ['', '-wal', '-shm'].map((s) => `${db}.sqlite3${s}`))]
  /** What settings.json holds: the settings changed through the API that differ from Django's defaults. */
  private saved: Partial<Record<SettingName, unknown>> = {}

  private lock: DataDirLock | null = null

  constructor(readonly path: string) {
    const ours = existsSync(join(path, 'secret_key'))
    openFolder(path)
    if (ours) {
      // A data folder made before files were private: close it too (it holds our secret key).
      tighten([path], 0o700)
      tighten(DataDir.OWN_FILES.map((name) => join(path, name)))
    }
  }

  file(name: string): string {
    return join(this.path, name)
  }

  /** Takes the folder for this process (data-dir-lock.ts): throws a one-line Error when another has it. */
  acquire(note: (line: string) => void): void {
    this.lock ??= DataDirLock.acquire(this.path, note)
  }

  release(): void {
    this.lock?.release()
    this.lock = null
  }

  /**
   * The SECRET_KEY of this data dir, generated on first use. An existing file that is empty
   * or cannot be read stops the start: replacing it would make every saved session read
   * "wrong SECRET_KEY".
   */
  secretKey(): string {
    const path = this.file('secret_key')
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') throw new Error(`${path} cannot be read (${code === 'EISDIR' ? 'it is a folder' : code ?? (e as Error).message}): ${SECRET_KEY_CHOICES}`)
      const key = randomSecretKey()
      writePrivate(path, `${key}\n`)
      return key
    }
    const key = text.trim()
    if (!key) throw new Error(`${path} is empty: ${SECRET_KEY_CHOICES}`)
    return key
  }

  saveSecretKey(key: string): void {
    writePrivate(this.file('secret_key'), `${key}\n`)
  }

  /**
   * The saved settings over Django's defaults. A damaged file or a value that no longer
   * validates is skipped with a warning, never fatal.
   */
  loadSettings(warn: (line: string) => void, given: { secretKey?: string } = {}): Settings {
    // A SECRET_KEY given for this run (--set, a project's settings) leaves the folder's file alone.
    const base: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: given.secretKey ?? this.secretKey() }
    const path = this.file('settings.json')
    if (!existsSync(path)) return base
    const saved = readSettingsFile(path)
    let settings = base
    for (const [name, value] of Object.entries(saved)) {
      if (name === 'SECRET_KEY') continue
      const r = validateSettingsPatch(settings, { [name]: value })
      if (r.ok) settings = r.settings
      else warn(`ignoring saved ${r.errors[0]?.message}`)
    }
    this.saved = {}
    for (const name of SETTING_NAMES) if (name !== 'SECRET_KEY' && !isDefaultSetting(name, settings[name])) this.saved[name] = settings[name]
    return settings
  }

  /** The settings that settings.json changes from Django's defaults (what the next start runs with). */
  savedSettingNames(): SettingName[] {
    return SETTING_NAMES.filter((name) => Object.hasOwn(this.saved, name))
  }

  /**
   * Keeps settings changed through the API for the next start: settings.json holds only what
   * differs from Django's defaults, so a value set back to its default (or a reset) leaves it,
   * and a --set of this run is not written unless the API changes that setting. SECRET_KEY
   * lives in its own file.
   */
  saveChangedSettings(settings: Settings, changed: readonly SettingName[]): void {
    for (const name of changed) {
      if (name === 'SECRET_KEY') continue
      if (isDefaultSetting(name, settings[name])) delete this.saved[name]
      else this.saved[name] = settings[name]
    }
    writePrivate(this.file('settings.json'), `${JSON.stringify(this.saved, null, 2)}\n`)
  }
}
