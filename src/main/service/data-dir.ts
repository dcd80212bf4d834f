// What lives in the data dir besides the databases and the control token: settings.json
// and the SECRET_KEY, created on first use and kept across runs (readable only by the user:
// the folder is created 0700 and every file in it 0600).
import { randomBytes, randomInt } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPrivateDir, tighten } from '../engine/private-files'
import { DEFAULT_SETTINGS, validateSettingsPatch, type Settings } from '../../shared/settings'

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

export class DataDir {
  /** What this program keeps here: made 0600 if an older version left them readable to others. */
  static readonly OWN_FILES = ['secret_key', 'token', 'settings.json', 'window-state.json', ...['sessions', 'inspector'].flatMap((db) => ['', '-wal', '-shm'].map((s) => `${db}.sqlite3${s}`))]

  constructor(readonly path: string) {
    const ours = existsSync(join(path, 'secret_key'))
    createPrivateDir(path)
    if (ours) {
      // A data folder made before files were private: close it too (it holds our secret key).
      tighten([path], 0o700)
      tighten(DataDir.OWN_FILES.map((name) => join(path, name)))
    }
  }

  file(name: string): string {
    return join(this.path, name)
  }

  /** The SECRET_KEY of this data dir, generated on first use. */
  secretKey(): string {
    const path = this.file('secret_key')
    if (existsSync(path)) {
      const key = readFileSync(path, 'utf8').trim()
      if (key) return key
    }
    const key = randomSecretKey()
    writePrivate(path, `${key}\n`)
    return key
  }

  saveSecretKey(key: string): void {
    writePrivate(this.file('secret_key'), `${key}\n`)
  }

  /**
   * The saved settings over Django's defaults. A damaged file or a value that no longer
   * validates is skipped with a warning, never fatal.
   */
  loadSettings(warn: (line: string) => void): Settings {
    const base: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: this.secretKey() }
    const path = this.file('settings.json')
    if (!existsSync(path)) return base
    let saved: Record<string, unknown>
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    } catch (e) {
      warn(`ignoring ${path}: ${(e as Error).message}`)
      return base
    }
    let settings = base
    for (const [name, value] of Object.entries(saved)) {
      if (name === 'SECRET_KEY') continue
      const r = validateSettingsPatch(settings, { [name]: value })
      if (r.ok) settings = r.settings
      else warn(`ignoring saved ${r.errors[0]?.message}`)
    }
    return settings
  }

  /** Saves every setting but SECRET_KEY (kept in its own file). */
  saveSettings(settings: Settings): void {
    const { SECRET_KEY: _secret, ...rest } = settings
    writePrivate(this.file('settings.json'), `${JSON.stringify(rest, null, 2)}\n`)
  }
}
