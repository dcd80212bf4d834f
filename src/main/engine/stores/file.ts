// Port of django/contrib/sessions/backends/file.py: one file per session, named
// SESSION_COOKIE_NAME + key, written atomically; the file's mtime is the last save on the
// engine's clock, so fast-forwarding ages files as real time would.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionData } from '../../../shared/json'
import { EXPIRY_KEY, getExpiryAge, getExpiryDate, toPythonIso } from '../../../shared/expiry'
import { CreateError, InvalidSessionKey, StoreUnavailable, UpdateError } from '../errors'
import { SessionStore, VALID_KEY as VALID, type SessionRecord, decodeFailure, type Decoded } from '../session-store'

/**
 * Writes to a temp file in the same directory (Django's prefix + "_out_") and renames it
 * over the session file, so readers never see half a session (Django ticket #8616). The
 * mtime is engine time: the file store's last modification.
 */
function writeAtomically(file: string, text: string, mtime: Date): void {
  const temp = `${file}_out_${randomBytes(6).toString('hex')}`
  try {
    // Private, as Django's tempfile.mkstemp() makes it: the temp dir is shared with every user.
    writeFileSync(temp, text, { encoding: 'ascii', flag: 'wx', mode: 0o600 })
    utimesSync(temp, mtime, mtime)
    renameSync(temp, file)
  } catch (e) {
    if (existsSync(temp)) unlinkSync(temp)
    throw e
  }
}

export class FileSessionStore extends SessionStore {
  readonly engine = 'file'

  /** SESSION_FILE_PATH or the temp dir; Django raises ImproperlyConfigured when it is not a directory. */
  protected get storagePath(): string {
    const path = this.settings.SESSION_FILE_PATH ?? tmpdir()
    let ok = false
    try {
      ok = statSync(path).isDirectory()
    } catch {
      ok = false
    }
    if (!ok) throw new StoreUnavailable(`The session storage path ${JSON.stringify(path)} doesn't exist. Set SESSION_FILE_PATH to an existing directory.`)
    return path
  }

  private get filePrefix(): string {
    return this.settings.SESSION_COOKIE_NAME
  }

  /** Refuses keys outside [a-z0-9] (path traversal), as Django's _key_to_file. */
  private keyToFile(key: string): string {
    if (!VALID.test(key)) throw new InvalidSessionKey()
    return join(this.storagePath, this.filePrefix + key)
  }

  private lastModification(file: string): Date {
    return new Date(statSync(file).mtimeMs)
  }

  protected async load(): Promise<SessionData> {
    const key = this.sessionKey as string
    let file: string
    let text: string
    try {
      file = this.keyToFile(key)
      text = readFileSync(file, 'ascii')
    } catch (e) {
      if (e instanceof InvalidSessionKey) this.ctx.log.warning(`Refused a session key with invalid characters: ${JSON.stringify(key.slice(0, 80))}`)
      else if (e instanceof StoreUnavailable) throw e
      this.setKey(null)
      return {}
    }
    let data: SessionData = {}
    if (text) {
      data = this.decode(text)
      if (this.expiryAgeOnLoad(data, this.lastModification(file)) <= 0) {
        data = {}
        await this.loadSideEffect(() => this.delete(key))
        await this.createInLoad()
      }
    }
    return data
  }

  /**
   * Django's rule: get_expiry_age(expiry=_session_expiry or (mtime + SESSION_COOKIE_AGE)).
   * So a session with set_expiry(seconds) never expires here on load (get_expiry_age returns
   * the seconds): a Django quirk kept on purpose; its cookie still expires in the browser.
   */
  private expiryAgeOnLoad(data: SessionData, mtime: Date): number {
    const cookieAge = this.getSessionCookieAge()
    const stored = data[EXPIRY_KEY]
    const expiry = stored ? stored : new Date(mtime.getTime() + cookieAge * 1000)
    return getExpiryAge(undefined, this.now(), cookieAge, { expiry })
  }

  async create(): Promise<void> {
    for (;;) {
      this.setKey(await this.getNewSessionKey())
      try {
        await this.save(true)
      } catch (e) {
        if (e instanceof CreateError) continue
        throw e
      }
      this.modified = true
      return
    }
  }

  async save(mustCreate = false): Promise<void> {
    if (this.sessionKey === null) return this.create()
    const data = await this.getSession(mustCreate)
    // Django: _key_to_file() → _get_or_create_session_key(): the load may have dropped the key.
    const file = this.keyToFile(await this.getOrCreateSessionKey())
    const encoded = this.encode(data)
    try {
      closeSync(openSync(file, mustCreate ? 'wx' : 'r+'))
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && !mustCreate) throw new UpdateError()
      if (code === 'EEXIST' && mustCreate) throw new CreateError()
      if (code !== 'ENOENT' && code !== 'EEXIST') throw new StoreUnavailable(`cannot write ${file}: ${(e as Error).message}`)
    }
    try {
      writeAtomically(file, encoded, this.now())
    } catch (e) {
      // Django swallows OSError here; we at least say so on the log channel.
      this.ctx.log.warning(`could not write session file ${file}: ${(e as Error).message}`, 'session_inspector.store')
    }
  }

  async exists(key: string): Promise<boolean> {
    return existsSync(this.keyToFile(key))
  }

  async delete(key: string | null = null): Promise<void> {
    const target = key ?? this.sessionKey
    if (target === null) return
    try {
      unlinkSync(this.keyToFile(target))
    } catch {
      // already gone, or a refused key: nothing to delete
    }
  }

  /** Loads every session file; loading an expired one removes it (without creating a new one). */
  async clearExpired(): Promise<number> {
    let removed = 0
    for (const key of this.storedKeys()) {
      const file = join(this.storagePath, this.filePrefix + key)
      const record = this.readRecord(key, file)
      if (record && record.expired) {
        try {
          unlinkSync(file)
          removed++
        } catch {
          // removed concurrently
        }
      }
    }
    return removed
  }

  private storedKeys(): string[] {
    const prefix = this.filePrefix
    return readdirSync(this.storagePath)
      .filter((name) => name.startsWith(prefix))
      .map((name) => name.slice(prefix.length))
      .filter((key) => VALID.test(key))
  }

  private readRecord(key: string, file: string): (SessionRecord & { expired: boolean }) | null {
    let text: string
    let mtime: Date
    try {
      text = readFileSync(file, 'ascii')
      mtime = this.lastModification(file)
    } catch {
      return null
    }
    const decoded: Decoded = text ? this.tryDecode(text, false) : { data: {} }
    const { data } = decoded
    const age = this.expiryAgeOnLoad(data, mtime)
    const expireDate = getExpiryDate(data[EXPIRY_KEY], this.now(), this.getSessionCookieAge(), { modification: mtime })
    return { key, data, expireDate, savedAt: mtime, expired: text !== '' && age <= 0, ...decodeFailure(decoded) }
  }

  /**
   * The keys of one page, in key order after `afterKey`: the directory's names are listed
   * (not read); only the page's files are read, by the inspector.
   */
  keysPage(afterKey: string, limit: number, prefix = ''): string[] {
    return this.storedKeys()
      .filter((k) => k > afterKey && k.startsWith(prefix))
      .sort()
      .slice(0, limit)
  }

  /** How many session files the directory holds (names only). */
  countKeys(): number {
    return this.storedKeys().length
  }

  async record(key: string): Promise<SessionRecord | null> {
    if (!VALID.test(key)) return null
    return this.readRecord(key, this.keyToFile(key))
  }

  /**
   * Makes load() find the session expired now: ages the file by SESSION_COOKIE_AGE, or,
   * when a custom expiry decides instead, sets _session_expiry to now (the file rule above).
   */
  async expireNow(key: string): Promise<boolean> {
    const r = await this.record(key)
    if (!r) return false
    const file = this.keyToFile(key)
    if (r.data[EXPIRY_KEY]) {
      writeAtomically(file, this.encode({ ...r.data, [EXPIRY_KEY]: toPythonIso(this.now()) }), statSync(file).mtime)
    } else {
      const aged = new Date(this.now().getTime() - this.getSessionCookieAge() * 1000)
      utimesSync(file, aged, aged)
    }
    return true
  }
}
