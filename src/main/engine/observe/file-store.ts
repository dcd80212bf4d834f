// Observe mode's file engine (port of django/contrib/sessions/backends/file.py, from the
// outside): one file per session in the app's SESSION_FILE_PATH, named SESSION_COOKIE_NAME +
// key, whose mtime is the last save. Django expires a file by its mtime, so a clock change
// ages every session file's mtime by as much, and resetting gives the time back.
import { randomBytes } from 'node:crypto'
import { access, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { constants } from 'node:fs'
import { join } from 'node:path'
import type { SessionData } from '../../../shared/json'
import { EXPIRY_KEY, getExpiryAge, getExpiryDate } from '../../../shared/expiry'
import type { EngineName } from '../../../shared/settings'
import { Unsupported } from '../errors'
import { VALID_KEY, type SessionRecord, decodeFailure, type Decoded } from '../session-store'
import { keyOrderPage, type Count, type Page, type PageQuery } from '../inspection/inspection'
import { decodeSigned, encodeSigned, FREEZE_LIMIT, SESSION_SALT, type AppStore, type AppStoreContext, type LagBounds, type StoreLimits } from './app-store'
import { giveBackKind, StoreJournal, type GiveBackReport } from './journal'

/** Two mtimes this close (ns) are the same write: utimes() takes seconds as a double. */
const SAME_NS = 5000n

const near = (ns: bigint, text: string): boolean => {
  const d = ns - BigInt(text)
  return (d < 0n ? -d : d) <= SAME_NS
}

/** File systems differ before 1970 (and some refuse it): an mtime is never aged past it. */
const MTIME_FLOOR_MS = 0

export class FileAppStore implements AppStore {
  readonly engine: EngineName = 'file'
  private applied = 0

  constructor(
    private readonly ctx: AppStoreContext,
    readonly dir: string
  ) {}

  get location(): string {
    return `session files in ${this.dir}`
  }

  get limits(): StoreLimits {
    return { freeze: FREEZE_LIMIT }
  }

  private get prefix(): string {
    return this.ctx.settings().SESSION_COOKIE_NAME
  }

  private file(key: string): string | null {
    return VALID_KEY.test(key) ? join(this.dir, this.prefix + key) : null
  }

  async check(): Promise<void> {
    let isDir = false
    try {
      isDir = (await stat(this.dir)).isDirectory()
      await access(this.dir, constants.R_OK | constants.W_OK)
    } catch (e) {
      throw new Error(`SESSION_FILE_PATH ${this.dir}: ${(e as Error).message}`)
    }
    if (!isDir) throw new Error(`SESSION_FILE_PATH ${this.dir} is not a directory`)
  }

  private async keys(): Promise<string[]> {
    const prefix = this.prefix
    return (await readdir(this.dir))
      .filter((n) => n.startsWith(prefix))
      .map((n) => n.slice(prefix.length))
      .filter((k) => VALID_KEY.test(k))
  }

  /** A session file as Django's load() judges it: expired when mtime + SESSION_COOKIE_AGE has passed (a custom expiry decides instead). */
  private async read(key: string): Promise<(SessionRecord & { expiredForDjango: boolean }) | null> {
    const file = this.file(key)
    if (!file) return null
    let text: string
    let mtimeMs: number
    try {
      ;[text, mtimeMs] = await Promise.all([readFile(file, 'ascii'), stat(file).then((s) => s.mtimeMs)])
    } catch {
      return null
    }
    const appNow = new Date(this.ctx.clock.nowMs() - this.applied)
    const decoded: Decoded = text ? decodeSigned(this.ctx, text, SESSION_SALT, appNow) : { data: {} as SessionData }
    const { data } = decoded
    const cookieAge = this.ctx.settings().SESSION_COOKIE_AGE
    const savedAt = new Date(mtimeMs + this.applied)
    const now = this.ctx.clock.now()
    const stored = data[EXPIRY_KEY]
    const expiredForDjango = getExpiryAge(undefined, now, cookieAge, { expiry: stored ? stored : new Date(savedAt.getTime() + cookieAge * 1000) }) <= 0
    const expireDate = getExpiryDate(stored, now, cookieAge, { modification: savedAt })
    return { key, data, expireDate, savedAt, expiredForDjango, ...decodeFailure(decoded) }
  }

  async record(key: string): Promise<SessionRecord | null> {
    const r = await this.read(key)
    if (!r) return null
    const { expiredForDjango: _e, ...record } = r
    return record
  }

  /** One page in key order: the directory's names are listed, only the page's files read. */
  async page(q: PageQuery): Promise<Page> {
    const { keys, next } = keyOrderPage(await this.keys(), q)
    const records = await Promise.all(keys.map((k) => this.record(k)))
    return { records: records.filter((r): r is SessionRecord => r !== null), next, order: 'session key (file names, listed without being read)' }
  }

  async count(): Promise<Count> {
    return { total: (await this.keys()).length, exact: true }
  }

  /** Django's save(): a temp file (prefix + "_out_") renamed over the session file. */
  async save(key: string, data: SessionData): Promise<string | null> {
    const file = this.file(key)
    if (!file || !(await this.read(key))) return null
    const temp = join(this.dir, `${this.prefix}_out_${randomBytes(6).toString('hex')}`)
    await writeFile(temp, encodeSigned(this.ctx, data, SESSION_SALT, new Date(this.ctx.clock.nowMs() - this.applied)), { encoding: 'ascii', flag: 'wx' })
    try {
      // The app's clock: its "now" is the engine's less the lag the files were aged by.
      const appNow = (this.ctx.clock.nowMs() - this.applied) / 1000
      await utimes(temp, appNow, appNow)
      await rename(temp, file)
    } catch (e) {
      await unlink(temp).catch(() => undefined)
      throw e
    }
    return key
  }

  async expireNow(key: string): Promise<boolean> {
    const r = await this.read(key)
    const file = this.file(key)
    if (!r || !file) return false
    if (r.data[EXPIRY_KEY]) {
      throw new Unsupported(`Django's file store expires session ${JSON.stringify(key)} by its set_expiry() value, not by the file's age: change its expiry or delete it instead`)
    }
    const aged = (this.ctx.clock.nowMs() - this.applied) / 1000 - this.ctx.settings().SESSION_COOKIE_AGE - 1
    await utimes(file, aged, aged)
    return true
  }

  async delete(key: string): Promise<boolean> {
    const file = this.file(key)
    if (!file) return false
    try {
      await unlink(file)
      return true
    } catch {
      return false
    }
  }

  /** Django's clear_expired(): loads every file, which removes the expired ones. */
  async clearExpired(): Promise<number> {
    let removed = 0
    for (const key of await this.keys()) {
      const r = await this.read(key)
      if (r?.expiredForDjango && (await this.delete(key))) removed++
    }
    return removed
  }

  private get journal(): StoreJournal | null {
    return this.ctx.journal ? new StoreJournal(this.ctx.journal, this.location) : null
  }

  /** Ages every session file's mtime by the lag's change, each old mtime (ns) journaled first. */
  async applyLag(lagMs: number): Promise<void> {
    if (lagMs === 0 && this.journal) {
      await this.giveBack()
      return
    }
    const delta = lagMs - this.applied
    if (delta === 0) return
    const journal = this.journal
    for (const key of await this.keys()) {
      const file = this.file(key) as string
      try {
        const s = await stat(file, { bigint: true })
        const next = s.mtimeNs - BigInt(Math.round(delta * 1e6))
        // utimes() lands within a few hundred ns of what it was given: the mtime our last change
        // wrote counts as ours, so the journal keeps the file's first mtime as the one to give back.
        const last = journal?.get('mtime', key)
        const from = last && near(s.mtimeNs, last.next) ? last.next : String(s.mtimeNs)
        journal?.record('mtime', [{ key, from, to: String(next) }])
        await utimes(file, Number(s.atimeNs) / 1e9, Number(next) / 1e9)
      } catch {
        // deleted by Django meanwhile
      }
    }
    this.applied = lagMs
  }

  /** Each aged file's mtime back as it was, unless Django saved the file since (a new mtime). */
  async giveBack(): Promise<GiveBackReport> {
    const report: GiveBackReport = { restored: 0, left: 0 }
    const journal = this.journal
    if (!journal) {
      await this.applyLag(0)
      return report
    }
    await this.check()
    await giveBackKind(journal, 'mtime', async (batch) => {
      let n = 0
      for (const e of batch) {
        const file = this.file(e.key)
        if (!file) continue
        try {
          const s = await stat(file, { bigint: true })
          if (!near(s.mtimeNs, e.next) && !near(s.mtimeNs, e.prev)) continue
          await utimes(file, Number(s.atimeNs) / 1e9, Number(BigInt(e.old)) / 1e9)
          n++
        } catch {
          // deleted by Django meanwhile: nothing to give back
        }
      }
      return n
    }, report)
    this.applied = 0
    return report
  }

  /** The oldest file, aged by the lag, must keep an mtime after 1970. */
  async lagBounds(): Promise<LagBounds> {
    let oldest = Date.now()
    for (const key of await this.keys()) {
      try {
        oldest = Math.min(oldest, (await stat(this.file(key) as string)).mtimeMs + this.applied)
      } catch {
        // gone
      }
    }
    return {
      maxLagMs: oldest - MTIME_FLOOR_MS,
      maxReason: `the oldest session file's modification time (${new Date(oldest).toISOString().slice(0, 19).replace('T', ' ')} UTC) would move before 1970-01-01, which file systems do not all keep`,
      minLagMs: -Number.MAX_SAFE_INTEGER,
      minReason: ''
    }
  }

  async close(): Promise<void> {
    // nothing held open
  }
}
