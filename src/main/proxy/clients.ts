// Browser profiles talking through the proxy, recognised by the proxy's own `si_client`
// cookie (which the app never sees), each with its cookie mirror. Kept in SQLite in the
// data dir (a browser's si_client outlives a proxy restart), written behind a short delay.
import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ClientInfo } from '../../shared/api'
import { clientDisplayName } from '../../shared/client-name'
import { CLIENT_COOKIE_NAME } from '../../shared/settings'
import { CookieJar, type StoredCookie } from './cookie-mirror'
import { OldestKey } from '../engine/oldest-key'
import { createPrivateFile } from '../engine/private-files'
import { StorageHealth } from './storage-health'
import { BUSY_TIMEOUT_MS, migrateInspectorDatabase } from './traffic-schema'

export { CLIENT_COOKIE_NAME }
const CLIENT_ID = /^[a-f0-9]{32}$/
const MAX_CLIENTS = 500
/** After a failed save (disk full), the next try. */
const RETRY_MS = 2000
/**
 * This thread proxies: a save waits at most this long for the file's write lock (held by the
 * traffic writer a few milliseconds at a time), then tries again after BUSY_RETRY_MS; it is
 * said once when the file has stayed busy for BUSY_SAID_AFTER_MS.
 */
const BUSY_WAIT_MS = 50
const BUSY_RETRY_MS = 100
const BUSY_SAID_AFTER_MS = 5000

export interface Client {
  id: string
  name: string
  userAgent: string
  firstSeen: number
  lastSeen: number
  sessionKey: string | null
  requestCount: number
  jar: CookieJar
}

interface SavedClient extends Omit<Client, 'jar'> {
  cookies: StoredCookie[]
}

export class ClientRegistry {
  /** By id, least recently seen first (identify() moves a client to the end). */
  private readonly clients = new Map<string, Client>()
  private readonly leastRecent = new OldestKey(() => this.clients.keys())
  private readonly db: Database.Database
  private dirty = new Set<string>()
  private removed = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private readonly health: StorageHealth
  private busySince: number | null = null

  /** `health`: where a failed save is said (once) and cleared when one succeeds again. */
  constructor(path: string, health = new StorageHealth()) {
    this.health = health
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true })
      createPrivateFile(path)
    }
    this.db = new Database(path)
    migrateInspectorDatabase(this.db)
    this.db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`)
    const saved: SavedClient[] = []
    for (const row of this.db.prepare('SELECT state FROM clients').all() as { state: string }[]) {
      try {
        saved.push(JSON.parse(row.state) as SavedClient)
      } catch {
        // a damaged row: that client starts over
      }
    }
    saved.sort((a, b) => a.lastSeen - b.lastSeen)
    for (const { cookies, ...rest } of saved) this.clients.set(rest.id, { ...rest, jar: new CookieJar(cookies) })
  }

  /** The client of a request by its si_client cookie; a new one when absent or unknown. */
  identify(cookieValue: string | undefined, userAgent: string, now: number): { client: Client; isNew: boolean } {
    const known = cookieValue && CLIENT_ID.test(cookieValue) ? this.clients.get(cookieValue) : undefined
    if (known) {
      this.clients.delete(known.id)
      this.clients.set(known.id, known)
      known.lastSeen = now
      known.requestCount++
      if (userAgent) known.userAgent = userAgent
      this.touch(known.id)
      return { client: known, isNew: false }
    }
    const id = cookieValue && CLIENT_ID.test(cookieValue) ? cookieValue : randomBytes(16).toString('hex')
    const client: Client = { id, name: '', userAgent, firstSeen: now, lastSeen: now, sessionKey: null, requestCount: 1, jar: new CookieJar() }
    this.clients.set(id, client)
    // Forgotten before and back with its cookie: its row is written again, not deleted.
    this.removed.delete(id)
    this.prune()
    this.touch(id)
    return { client, isNew: true }
  }

  get(id: string): Client | undefined {
    return this.clients.get(id)
  }

  all(): Client[] {
    return [...this.clients.values()].sort((a, b) => b.lastSeen - a.lastSeen)
  }

  rename(id: string, name: string): Client | undefined {
    const c = this.clients.get(id)
    if (!c) return undefined
    c.name = name.trim()
    this.touch(id)
    return c
  }

  /** Marks a client changed so it is written soon. */
  touch(id: string): void {
    this.dirty.add(id)
    this.timer ??= setTimeout(() => this.flush(), 250)
  }

  view(c: Client, now: number, sessionCookieName: string): ClientInfo {
    return {
      id: c.id,
      name: c.name,
      userAgent: c.userAgent,
      firstSeen: new Date(c.firstSeen).toISOString(),
      lastSeen: new Date(c.lastSeen).toISOString(),
      sessionKey: c.sessionKey,
      requestCount: c.requestCount,
      cookies: c.jar.view(now, sessionCookieName),
      displayName: clientDisplayName(c)
    }
  }

  /** The persistent, HttpOnly cookie that names this browser profile. */
  static setCookie(id: string): string {
    return `${CLIENT_COOKIE_NAME}=${id}; Max-Age=63072000; Path=/; HttpOnly; SameSite=Lax`
  }

  /** Forgets the least recently seen clients past MAX_CLIENTS (each request without si_client makes one). */
  private prune(): void {
    while (this.clients.size > MAX_CLIENTS) {
      const id = this.leastRecent.take() as string
      this.clients.delete(id)
      this.dirty.delete(id)
      this.removed.add(id)
    }
  }

  /**
   * Writes the changed clients. A failure (disk full, the file locked past its busy timeout)
   * never reaches the request that caused it: it is said once and tried again later, the
   * clients staying in memory meanwhile.
   */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.closed || (this.dirty.size === 0 && this.removed.size === 0)) return
    try {
      this.write()
      this.busySince = null
      this.health.ok('clients')
    } catch (e) {
      // The traffic log's writer holds the lock a few milliseconds at a time: a busy file is
      // tried again soon, and said only when it stays busy.
      const busy = (e as { code?: unknown }).code === 'SQLITE_BUSY'
      const now = Date.now()
      if (busy) this.busySince ??= now
      if (!busy || now - (this.busySince ?? now) >= BUSY_SAID_AFTER_MS) this.health.fail('clients', e)
      this.timer = setTimeout(() => this.flush(), busy ? BUSY_RETRY_MS : RETRY_MS)
      this.timer.unref()
    }
  }

  private write(): void {
    const upsert = this.db.prepare('INSERT INTO clients (id, state) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state')
    const remove = this.db.prepare('DELETE FROM clients WHERE id = ?')
    this.db.transaction(() => {
      for (const id of this.dirty) {
        const c = this.clients.get(id)
        if (!c) continue
        const { jar, ...rest } = c
        upsert.run(id, JSON.stringify({ ...rest, cookies: jar.all() } satisfies SavedClient))
      }
      for (const id of this.removed) remove.run(id)
    })()
    this.dirty.clear()
    this.removed.clear()
  }

  close(): void {
    if (this.closed) return
    // The last save may wait its full turn for the lock.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    this.flush()
    if (this.timer) clearTimeout(this.timer)
    this.closed = true
    this.db.close()
  }
}
