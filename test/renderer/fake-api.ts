// An in-memory Api for the renderer's tests and the visual harness: sessions, settings and
// the clock live in memory, inputs go through the real shared validators, and tests can
// emit events, simulate the connection dropping, and read every call made.
import type {
  UserSessions,
  ApiEvent, BrowserCloseResult, ClientInfo, ClockState, CookiePreview, EventMap, EventName, ListTrafficInput, SessionInfo, SessionList, Status, TrafficEntry
} from '../../src/shared/api'
import { authUserId } from '../../src/shared/auth'
import { clientDisplayName } from '../../src/shared/client-name'
import { ApiError } from '../../src/shared/errors'
import { expiryToStore, getExpireAtBrowserClose, getExpiryAge, getExpiryDate, httpDate, EXPIRY_KEY } from '../../src/shared/expiry'
import type { Json, SessionData } from '../../src/shared/json'
import { DEFAULT_SETTINGS, isMaskedSecret, maskSecret, validateSettingsPatch, type Settings } from '../../src/shared/settings'
import { validateInput } from '../../src/shared/validate'
import type { ApiClient, ConnectionState } from '../../src/renderer/api/api-client'
import { FakeTraffic, summaryOf } from './fake-traffic'

interface Stored {
  key: string
  data: SessionData
  savedAt: number
  clientId: string | null
  /** Set by expireSession: the session counts as expired from then on. */
  expiredAt: number | null
}

export interface Call {
  method: string
  input: unknown
}

export interface FakeOptions {
  /** Engine time when the fake is created (ms); the clock runs from there unless frozen. */
  now?: number
  frozen?: boolean
  status?: Partial<Status>
  settings?: Partial<Settings>
}

const SECRET = 'django-insecure-0123456789abcdefghijklmnopqrstuvwxyz'

/** A deterministic random source, so seeded keys look real but are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomKey(random: () => number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'
  let key = ''
  for (let i = 0; i < 32; i++) key += chars[Math.floor(random() * chars.length)]
  return key
}

export class FakeApi implements ApiClient {
  readonly transport = 'memory' as const
  readonly calls: Call[] = []
  settings: Settings
  status: Status
  clients: ClientInfo[] = []
  readonly traffic = new FakeTraffic()
  private sessions = new Map<string, Stored>()
  private offsetMs = 0
  private frozenAt: number | null = null
  private listeners = new Set<(event: ApiEvent) => void>()
  private connectionListeners = new Set<(state: ConnectionState) => void>()
  private connection: ConnectionState = { state: 'open' }
  private failures = new Map<string, ApiError>()
  private holds = new Map<string, Promise<void>>()
  private random = seededRandom(42)

  constructor(options: FakeOptions = {}) {
    if (options.now !== undefined) this.offsetMs = options.now - Date.now()
    if (options.frozen) this.frozenAt = this.now()
    this.settings = { ...DEFAULT_SETTINGS, CACHES: { ...DEFAULT_SETTINGS.CACHES }, SECRET_KEY: SECRET, ...options.settings }
    this.status = {
      version: '0.1.0',
      proxyUrl: 'http://127.0.0.1:8080',
      controlUrl: 'http://127.0.0.1:8081',
      upstream: 'demo',
      demoUrl: 'http://127.0.0.1:8765',
      upstreamState: 'up',
      mode: 'middleware',
      settingsOwnedByApp: false,
      dataDir: '/tmp/si',
      databasePath: '/tmp/si/sessions.sqlite3',
      ...options.status
    }
  }

  // ------------------------------------------------------------ test controls

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs
  }

  callsOf(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input)
  }

  /** The next call of `method` fails with this error. */
  failNext(method: string, error: ApiError): void {
    this.failures.set(method, error)
  }

  /** The next call of `method` waits until the returned function is called. */
  holdNext(method: string): () => void {
    let release = () => undefined as void
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)))
    return () => release()
  }

  emit<E extends EventName>(type: E, payload: EventMap[E]): void {
    for (const listener of this.listeners) listener({ type, payload } as ApiEvent)
  }

  setConnection(state: ConnectionState): void {
    this.connection = state
    for (const listener of this.connectionListeners) listener(state)
  }

  /** Adds a session as if the proxy had saved it; emits its `session` event when asked. */
  addSession(init: { key?: string; data?: SessionData; savedAt?: number; clientId?: string | null }, emit = false): SessionInfo {
    const stored: Stored = {
      key: init.key ?? randomKey(this.random),
      data: init.data ?? {},
      savedAt: init.savedAt ?? this.now(),
      clientId: init.clientId ?? null,
      expiredAt: null
    }
    this.sessions.set(stored.key, stored)
    const info = this.info(stored)
    if (emit) this.emit('session', { key: stored.key, change: 'saved', session: info })
    return info
  }

  /** Many plausible sessions at once (the 10k-row checks and the screenshots). */
  seed(count: number): void {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi']
    for (let i = 0; i < count; i++) {
      const r = this.random
      const data: SessionData = { _auth_user_id: String(1 + Math.floor(r() * 900)), username: names[i % names.length] as string }
      if (r() < 0.6) data.cart = Array.from({ length: 1 + Math.floor(r() * 4) }, () => Math.floor(r() * 1000))
      if (r() < 0.3) data.theme = r() < 0.5 ? 'dark' : 'light'
      const expiry = r()
      if (expiry < 0.15) data[EXPIRY_KEY] = 0
      else if (expiry < 0.3) data[EXPIRY_KEY] = 600
      const savedAt = this.now() - Math.floor(r() * 20 * 86_400_000)
      this.addSession({ data, savedAt, clientId: `c${1 + (i % 5)}` })
    }
  }

  info(s: Stored): SessionInfo {
    const now = new Date(this.now())
    const modification = new Date(s.savedAt)
    const stored = s.data[EXPIRY_KEY]
    const age = this.settings.SESSION_COOKIE_AGE
    const expireDate = s.expiredAt !== null ? new Date(s.expiredAt) : getExpiryDate(stored, now, age, { modification })
    return {
      key: s.key,
      data: structuredClone(s.data),
      expireDate: expireDate.toISOString(),
      expiryAge: getExpiryAge(stored, now, age, { modification }),
      expireAtBrowserClose: getExpireAtBrowserClose(stored, this.settings.SESSION_EXPIRE_AT_BROWSER_CLOSE),
      expired: expireDate.getTime() <= now.getTime(),
      savedAt: new Date(s.savedAt).toISOString(),
      customExpiry: typeof stored === 'number' || typeof stored === 'string' ? stored : null,
      clientId: s.clientId,
      engine: this.settings.SESSION_ENGINE,
      user: this.userOf(s.data)
    }
  }

  /** Usernames by user id, as the app's user table would give them (tests set them). */
  readonly usernames = new Map<string, string>()
  /** Users whose sessions Django will drop (a changed password), by id. */
  readonly staleUsers = new Set<string>()

  private userOf(data: SessionData): SessionInfo['user'] {
    const id = authUserId(data)
    if (id === null) return null
    const username = this.usernames.get(id) ?? null
    const backend = typeof data._auth_user_backend === 'string' ? data._auth_user_backend : null
    return { id, username, backend, source: username ? 'user-table' : null, ...(this.staleUsers.has(id) ? { stale: "_auth_user_hash no longer matches the user's password hash (the password changed): Django flushes this session on its next request" } : {}) }
  }

  // ------------------------------------------------------------ ApiClient

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener)
    listener(this.connection)
    return () => this.connectionListeners.delete(listener)
  }

  private async run<T>(method: string, input: unknown, body: (input: never) => T): Promise<T> {
    this.calls.push({ method, input })
    await Promise.resolve()
    const hold = this.holds.get(method)
    if (hold) {
      this.holds.delete(method)
      await hold
    }
    const failure = this.failures.get(method)
    if (failure) {
      this.failures.delete(method)
      throw failure
    }
    const valid = validateInput(method as never, input)
    return body(valid as never)
  }

  private clock(): ClockState {
    const real = Date.now()
    const now = this.now()
    return { now: new Date(now).toISOString(), realNow: new Date(real).toISOString(), offsetSeconds: (now - real) / 1000, frozen: this.frozenAt !== null }
  }

  private clockChanged(): ClockState {
    const clock = this.clock()
    this.emit('clock', clock)
    return clock
  }

  private get(key: string): Stored {
    const s = this.sessions.get(key)
    if (!s) throw new ApiError('not_found', `no session ${key}`)
    return s
  }

  private saved(s: Stored): SessionInfo {
    s.savedAt = this.now()
    s.expiredAt = null
    const info = this.info(s)
    this.emit('session', { key: s.key, change: 'saved', session: info })
    return info
  }

  private maskedSettings(): Settings {
    return { ...this.settings, SECRET_KEY: maskSecret(this.settings.SECRET_KEY) }
  }

  private settingsChanged(engineBefore: string): Settings {
    const masked = this.maskedSettings()
    this.emit('settings', masked)
    if (engineBefore !== this.settings.SESSION_ENGINE) this.emit('sessions', { reason: 'engine switched' })
    return masked
  }

  health = (input: unknown) => this.run('health', input, () => ({ ok: true as const, version: this.status.version }))
  getStatus = (input: unknown) => this.run('getStatus', input, () => ({ ...this.status }))
  getSettings = (input: unknown) => this.run('getSettings', input, () => this.maskedSettings())

  updateSettings = (input: { settings: Record<string, unknown> }) =>
    this.run('updateSettings', input, ({ settings }: { settings: Record<string, unknown> }) => {
      const patch = { ...settings }
      if (isMaskedSecret(patch.SECRET_KEY, this.settings.SECRET_KEY)) delete patch.SECRET_KEY
      const result = validateSettingsPatch(this.settings, patch)
      if (!result.ok) throw new ApiError('invalid_setting', result.errors.map((e) => e.message).join('; '), result.errors)
      const before = this.settings.SESSION_ENGINE
      this.settings = result.settings
      return this.settingsChanged(before)
    })

  resetSettings = (input: unknown) =>
    this.run('resetSettings', input, () => {
      const before = this.settings.SESSION_ENGINE
      this.settings = { ...DEFAULT_SETTINGS, CACHES: { ...DEFAULT_SETTINGS.CACHES }, SECRET_KEY: this.settings.SECRET_KEY }
      return this.settingsChanged(before)
    })

  revealSecretKey = (input: unknown) => this.run('revealSecretKey', input, () => ({ secretKey: this.settings.SECRET_KEY }))

  regenerateSecretKey = (input: unknown) =>
    this.run('regenerateSecretKey', input, () => {
      this.settings = { ...this.settings, SECRET_KEY: `regenerated-${randomKey(this.random)}` }
      return this.settingsChanged(this.settings.SESSION_ENGINE)
    })

  previewCookie = (input: unknown) => this.run('previewCookie', input, (): CookiePreview => fakePreview(this.settings, this.now()))

  getClock = (input: unknown) => this.run('getClock', input, () => this.clock())
  advanceClock = (input: { seconds: number }) =>
    this.run('advanceClock', input, ({ seconds }: { seconds: number }) => {
      if (this.frozenAt !== null) this.frozenAt += seconds * 1000
      else this.offsetMs += seconds * 1000
      return this.clockChanged()
    })
  setClock = (input: { now: string }) =>
    this.run('setClock', input, ({ now }: { now: string }) => {
      const target = Date.parse(now)
      if (this.frozenAt !== null) this.frozenAt = target
      else this.offsetMs = target - Date.now()
      return this.clockChanged()
    })
  freezeClock = (input: { frozen: boolean }) =>
    this.run('freezeClock', input, ({ frozen }: { frozen: boolean }) => {
      if (frozen && this.frozenAt === null) this.frozenAt = this.now()
      if (!frozen && this.frozenAt !== null) {
        this.offsetMs = this.frozenAt - Date.now()
        this.frozenAt = null
      }
      return this.clockChanged()
    })
  resetClock = (input: unknown) =>
    this.run('resetClock', input, () => {
      this.offsetMs = 0
      this.frozenAt = null
      return this.clockChanged()
    })

  listSessions = (input: { search?: string; limit?: number; offset?: number; user?: string }) =>
    this.run('listSessions', input, ({ search, limit = 1000, offset = 0, user }: { search?: string; limit?: number; offset?: number; user?: string }): SessionList => {
      if (this.settings.SESSION_ENGINE === 'signed_cookies' && this.status.observe) {
        // Observe mode lists the signed cookies seen in traffic, and says that is all.
        return { total: this.sessions.size, sessions: [...this.sessions.values()].map((s) => this.info(s)), note: this.status.observe.limits.list }
      }
      if (this.settings.SESSION_ENGINE === 'signed_cookies') {
        return { total: 0, sessions: [], unsupported: 'signed_cookies keeps sessions in the browser cookie itself: there is no store to list. Open a request in Traffic to see its session.' }
      }
      const needle = search?.toLowerCase()
      const all = [...this.sessions.values()]
        .filter((s) => !needle || `${s.key}\n${JSON.stringify(s.data)}`.toLowerCase().includes(needle))
        .filter((s) => user === undefined || authUserId(s.data) === user)
        .sort((a, b) => b.savedAt - a.savedAt)
      return { total: all.length, sessions: all.slice(offset, offset + limit).map((s) => this.info(s)) }
    })
  getSession = (input: { key: string }) => this.run('getSession', input, ({ key }: { key: string }) => this.info(this.get(key)))
  updateSessionData = (input: { key: string; data: SessionData }) =>
    this.run('updateSessionData', input, ({ key, data }: { key: string; data: SessionData }) => {
      const s = this.get(key)
      s.data = structuredClone(data)
      return this.saved(s)
    })
  setSessionExpiry = (input: { key: string; value: number | string | null }) =>
    this.run('setSessionExpiry', input, ({ key, value }: { key: string; value: number | string | null }) => {
      const s = this.get(key)
      const stored = expiryToStore(value, new Date(this.now()))
      const data: Record<string, Json> = { ...s.data }
      if (stored === undefined) delete data[EXPIRY_KEY]
      else data[EXPIRY_KEY] = stored
      s.data = data
      return this.saved(s)
    })
  expireSession = (input: { key: string }) =>
    this.run('expireSession', input, ({ key }: { key: string }) => {
      const s = this.get(key)
      s.expiredAt = this.now()
      const info = this.info(s)
      this.emit('session', { key, change: 'expired', session: info })
      return info
    })
  deleteSession = (input: { key: string }) =>
    this.run('deleteSession', input, ({ key }: { key: string }) => {
      this.get(key)
      this.sessions.delete(key)
      this.emit('session', { key, change: 'deleted', session: null })
      return { deleted: true as const }
    })
  clearExpired = (input: unknown) =>
    this.run('clearExpired', input, () => {
      let removed = 0
      for (const s of [...this.sessions.values()]) {
        if (this.info(s).expired) {
          this.sessions.delete(s.key)
          removed++
        }
      }
      if (removed) this.emit('sessions', { reason: 'clear_expired' })
      return { removed }
    })

  getUser = (input: { id: string }) =>
    this.run('getUser', input, ({ id }: { id: string }): UserSessions => {
      const sessions = [...this.sessions.values()].filter((s) => authUserId(s.data) === id).sort((a, b) => b.savedAt - a.savedAt)
      const username = this.usernames.get(id) ?? null
      return {
        user: { id, username, source: username ? 'user-table' : null },
        sessions: sessions.map((s) => {
          const c = this.clients.find((x) => x.id === s.clientId)
          return { ...this.info(s), browser: c ? { id: c.id, displayName: c.displayName, userAgent: c.userAgent } : null, lastRequest: c?.lastSeen ?? null }
        })
      }
    })
  logoutUser = (input: { id: string; except?: string }) =>
    this.run('logoutUser', input, ({ id, except }: { id: string; except?: string }) => {
      let deleted = 0
      for (const s of [...this.sessions.values()]) {
        if (authUserId(s.data) !== id || s.key === except) continue
        this.sessions.delete(s.key)
        this.emit('session', { key: s.key, change: 'deleted', session: null })
        deleted++
      }
      return { deleted }
    })

  listClients = (input: unknown) => this.run('listClients', input, () => ({ clients: this.clients.map((c) => ({ ...c })) }))
  renameClient = (input: { id: string; name: string }) =>
    this.run('renameClient', input, ({ id, name }: { id: string; name: string }) => {
      const c = this.clients.find((x) => x.id === id)
      if (!c) throw new ApiError('not_found', `no client ${id}`)
      c.name = name
      c.displayName = clientDisplayName(c)
      this.emit('client', { ...c })
      return { ...c }
    })
  /** Discards the session-only live cookies of one client (or all), as the proxy's browser close does. */
  closeBrowser = (input: { client?: string }) =>
    this.run('closeBrowser', input, ({ client }: { client?: string }): BrowserCloseResult => {
      const targets = this.clients.filter((c) => !client || c.id === client)
      if (client && targets.length === 0) throw new ApiError('not_found', `no client ${client}`)
      const clients = targets.map((c) => {
        const discarded = c.cookies.filter((k) => k.sessionOnly && k.state === 'live').map((k) => k.name)
        const kept = c.cookies.filter((k) => !k.sessionOnly && k.state === 'live').map((k) => k.name)
        c.cookies = c.cookies.map((k) => (k.sessionOnly && k.state === 'live' ? { ...k, state: 'discarded' as const } : k))
        this.emit('client', structuredClone(c))
        return { id: c.id, displayName: c.displayName, discarded, kept }
      })
      return { closed: clients.reduce((n, c) => n + c.discarded.length, 0), clients }
    })

  /** Records a request as the proxy would; emits its `traffic` event when asked. */
  addTraffic(entry: TrafficEntry, emit = false): TrafficEntry {
    this.traffic.add(entry)
    if (emit) this.emit('traffic', summaryOf(entry))
    return entry
  }

  listTraffic = (input: ListTrafficInput) => this.run('listTraffic', input, (valid: ListTrafficInput) => this.traffic.list(valid))
  getTraffic = (input: { id: number }): Promise<TrafficEntry> =>
    this.run('getTraffic', input, ({ id }: { id: number }): TrafficEntry => {
      const e = this.traffic.get(id)
      if (!e) throw new ApiError('not_found', `no traffic entry ${id}`)
      return structuredClone(e)
    })
  clearTraffic = (input: unknown) => this.run('clearTraffic', input, () => ({ cleared: this.traffic.clear() }))
  exportHar = (input: { ids?: number[]; redact?: boolean }) =>
    this.run('exportHar', input, ({ ids }: { ids?: number[] }) => this.traffic.har(ids, this.status.proxyUrl, this.status.version))
}

/** The cookie a save would send, the way the middleware writes it (close enough for the UI). */
export function fakePreview(s: Settings, now: number): CookiePreview {
  const tail = [`Path=${s.SESSION_COOKIE_PATH}`]
  if (s.SESSION_COOKIE_DOMAIN) tail.unshift(`Domain=${s.SESSION_COOKIE_DOMAIN}`)
  const flags = [s.SESSION_COOKIE_SECURE ? 'Secure' : '', s.SESSION_COOKIE_HTTPONLY ? 'HttpOnly' : ''].filter(Boolean)
  const same = s.SESSION_COOKIE_SAMESITE ? [`SameSite=${s.SESSION_COOKIE_SAMESITE}`] : []
  const life = s.SESSION_EXPIRE_AT_BROWSER_CLOSE
    ? []
    : [`expires=${httpDate(new Date(now + s.SESSION_COOKIE_AGE * 1000))}`, `Max-Age=${s.SESSION_COOKIE_AGE}`]
  const setCookie = [`${s.SESSION_COOKIE_NAME}=SESSION_KEY`, ...life, ...flags, ...tail, ...same].join('; ')
  const deleteCookie = [`${s.SESSION_COOKIE_NAME}=""`, 'expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Max-Age=0', ...tail, ...same].join('; ')
  const notes = s.SESSION_EXPIRE_AT_BROWSER_CLOSE ? ['No Max-Age: the cookie ends when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE).'] : []
  return { setCookie, deleteCookie, notes }
}
