// The API, implemented once over the engine, the proxy's clients and the traffic log.
// Transports (HTTP, IPC) and scripts call it through Inspector.api, which validates first.
import type { Api, ClientInfo, ClockState, Empty, SessionInfo, SessionList, Status } from '../../shared/api'
import type * as A from '../../shared/api'
import { ApiError } from '../../shared/errors'
import { EXPIRY_KEY, parseIsoDate } from '../../shared/expiry'
import { DEFAULT_SETTINGS, dropMaskedSecrets, maskSettings, OBSERVE_EDITABLE_SETTINGS, type SettingName, type Settings } from '../../shared/settings'
import type { SettingSources } from './setting-sources'
import { Unsupported, sessionDeleteCookie, sessionSetCookie, type Engine, type InspectedSession, type SessionRecord } from '../engine'
import { BadCursor, type Inspection, type Page } from '../engine/inspection/inspection'
import { MAX_PAGE } from '../../shared/validate'
import type { ClientRegistry } from '../proxy/clients'
import type { TrafficLog } from '../proxy/traffic-log'
import { randomSecretKey, type DataDir } from './data-dir'
import { OBSERVE_NOTES, refuseFreeze, refuseUndecodable, type ObservedStore } from './observe-django'
import { buildHar } from './har'
import { SessionSearches, sessionMatches } from './session-search'
import { clockBounds } from './clock-bounds'
import { clockBoundError } from '../../shared/clock-bounds'
import type { UserDirectory } from './users'
import { authUserId } from '../../shared/auth'

export interface ServiceDeps {
  engine: Engine
  clients: ClientRegistry
  traffic: TrafficLog
  dataDir: DataDir
  version: string
  status(): Status
  /** observe-django: the app's own store (its state, and the clock passed on to it). */
  observer?: ObservedStore | null
  /** Who each session's user is (issue 20). */
  users: UserDirectory
  /** Where each setting comes from (absent: the embedder does not track it). */
  sources?: SettingSources
  emit: <E extends A.EventName>(type: E, payload: A.EventMap[E]) => void
}

/** Settings that stay editable when the app owns the others (observe mode). */
const OBSERVE_EDITABLE = new Set<string>(OBSERVE_EDITABLE_SETTINGS)

export class InspectorService implements Api {
  private readonly searches: SessionSearches

  constructor(private readonly d: ServiceDeps) {
    this.searches = new SessionSearches({
      inspection: () => this.inspection,
      inspect: (record) => this.engine.inspect(record),
      toInfo: (session) => this.toInfo(session),
      progress: (progress) => this.d.emit('search', progress)
    })
  }

  /** Stops the background work (searches) before the engine closes. */
  stop(): void {
    this.searches.stopAll()
  }

  // ---------------------------------------------------------------- helpers

  private get engine(): Engine {
    return this.d.engine
  }

  /** The one interface to the store's sessions (the app's own in observe mode). */
  private get inspection(): Inspection {
    return this.d.engine.inspection
  }

  /** observe-django: the app runs its own middleware on its own database (observe-django.ts). */
  private get observing(): boolean {
    return this.d.status().mode === 'observe-django'
  }

  /** observe-django: refuses a write while the app's store has not been read correctly. */
  private writable(action: string): void {
    this.d.observer?.assertWritable(action)
  }

  /**
   * A clock change, passed on to the app's store (observe mode) before the answer. Refused
   * (400, nothing written) when the offset it leads to would put a stored date outside what
   * the store and Django hold.
   */
  private async clockChange(change: () => void, targetOffsetMs?: number): Promise<ClockState> {
    this.writable('move the clock')
    if (targetOffsetMs !== undefined) {
      const lag = this.d.observer ? await this.d.observer.bounds() : undefined
      const bounds = clockBounds(this.engine.settings(), Date.now(), lag)
      const error = clockBoundError(bounds, Date.now() + targetOffsetMs)
      if (error) throw new ApiError('bad_request', error)
    }
    change()
    await this.d.observer?.settled()
    return this.clockState()
  }

  private clientOfSession(): Map<string, string> {
    const map = new Map<string, string>()
    for (const c of [...this.d.clients.all()].reverse()) if (c.sessionKey) map.set(c.sessionKey, c.id)
    return map
  }

  toInfo(s: InspectedSession, clients = this.clientOfSession(), users: Awaited<ReturnType<UserDirectory['rowsOf']>> = new Map()): SessionInfo {
    const info: SessionInfo = {
      key: s.key,
      data: s.data,
      expireDate: s.expireDate ? s.expireDate.toISOString() : null,
      expiryAge: s.expiryAge,
      expireAtBrowserClose: s.expireAtBrowserClose,
      expired: s.expired,
      savedAt: s.savedAt ? s.savedAt.toISOString() : null,
      customExpiry: s.customExpiry,
      clientId: clients.get(s.key) ?? null,
      engine: this.engine.settings().SESSION_ENGINE,
      user: this.d.users.userOf(s.data, users)
    }
    if (s.decodeError) info.decodeError = s.decodeError
    if (s.decodeErrorKind) info.decodeErrorKind = s.decodeErrorKind
    return info
  }

  /** SessionInfo for a page of sessions, their users read in one query. */
  private async infos(sessions: InspectedSession[], clients = this.clientOfSession()): Promise<SessionInfo[]> {
    const rows = await this.d.users.rowsOf(sessions.map((s) => authUserId(s.data)).filter((id): id is string => id !== null))
    return sessions.map((s) => this.toInfo(s, clients, rows))
  }

  private async store<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof Unsupported) throw new ApiError('unsupported', e.message)
      if (e instanceof BadCursor) throw new ApiError('bad_request', e.message)
      throw e
    }
  }

  private async existing(key: string): Promise<InspectedSession> {
    const found = await this.store(() => this.engine.find(key))
    if (!found) throw new ApiError('not_found', `no session with key ${JSON.stringify(key)} in the ${this.engine.settings().SESSION_ENGINE} store`)
    return found
  }

  /** Tells the UI about one session; returns its info. */
  async announce(key: string, change: A.SessionEvent['change']): Promise<SessionInfo | null> {
    const found = change === 'deleted' ? null : await this.engine.find(key).catch(() => null)
    const session = found ? ((await this.infos([found]))[0] as SessionInfo) : null
    this.d.emit('session', { key, change: found || change === 'deleted' ? change : 'deleted', session })
    return session
  }

  private maskedSettings(): Settings {
    return maskSettings(this.engine.settings())
  }

  private applySettings(patch: Record<string, unknown>): Settings {
    const before = this.engine.settings()
    const clean = dropMaskedSecrets(patch, before)
    if (this.d.status().settingsOwnedByApp) {
      const fromProject = (k: string) => this.d.sources?.source(k as SettingName) === 'project'
      const locked = Object.keys(clean).filter((k) => !OBSERVE_EDITABLE.has(k) || fromProject(k))
      const why = (k: string) => (fromProject(k) ? "read from the project's settings.py (--django-project): change it there and restart" : 'owned by the app in observe mode')
      if (locked.length) throw new ApiError('invalid_setting', `${locked[0]}: ${why(locked[0]!)} (only ${[...OBSERVE_EDITABLE].filter((k) => !fromProject(k)).join(', ') || 'nothing'} can change here)`, locked.map((setting) => ({ setting, message: `${setting}: ${why(setting)}` })))
    }
    const result = this.engine.updateSettings(clean)
    if (!result.ok) throw new ApiError('invalid_setting', result.errors.map((e) => e.message).join('; '), result.errors)
    if (result.changed.length) {
      this.d.sources?.changedByUser(result.changed)
      this.d.dataDir.saveChangedSettings(result.settings, result.changed)
      if (result.changed.includes('SECRET_KEY')) this.d.dataDir.saveSecretKey(result.settings.SECRET_KEY)
      this.d.emit('settings', this.maskedSettings())
      if (this.d.observer && result.changed.some((c) => c === 'SECRET_KEY' || c === 'SESSION_COOKIE_NAME')) void this.d.observer.probe()
      const storeChanged = ['SESSION_ENGINE', 'CACHES', 'SESSION_CACHE_ALIAS', 'SESSION_FILE_PATH', 'SECRET_KEY', 'SESSION_COOKIE_NAME']
      if (result.changed.some((c) => storeChanged.includes(c))) this.d.emit('sessions', { reason: `${result.changed.join(', ')} changed` })
    }
    return this.maskedSettings()
  }

  /** The drop-in adapter's X-Session-Django: its Django and settings.py, as starting values. */
  appReport(header: string | string[], log: (line: string) => void): void {
    if (!this.d.sources) return
    const r = this.d.sources.appReport(header, (patch) => this.engine.updateSettings(patch))
    if (r.error) log(r.error)
    if (r.changed.length) {
      log(`the app's settings.py: ${r.changed.map((n) => `${n} = ${JSON.stringify(this.engine.settings()[n])}`).join(', ')}`)
      this.d.emit('settings', this.maskedSettings())
      this.d.emit('status', this.d.status())
    }
  }

  // ---------------------------------------------------------------- Api

  async health(_: Empty): Promise<A.Health> {
    return { ok: true, version: this.d.version }
  }

  async getStatus(_: Empty): Promise<Status> {
    return this.d.status()
  }

  async getSettings(_: Empty): Promise<Settings> {
    return this.maskedSettings()
  }

  async updateSettings(input: A.UpdateSettingsInput): Promise<Settings> {
    return this.applySettings(input.settings)
  }

  async resetSettings(_: Empty): Promise<Settings> {
    const owned = this.d.status().settingsOwnedByApp
    if (!owned) return this.applySettings({ ...DEFAULT_SETTINGS })
    // Observe mode: only what the inspector itself uses, and not what the project's settings.py gave.
    return this.applySettings(this.d.sources?.source('SESSION_COOKIE_NAME') === 'project' ? {} : { SESSION_COOKIE_NAME: DEFAULT_SETTINGS.SESSION_COOKIE_NAME })
  }

  async revealSecretKey(_: Empty): Promise<{ secretKey: string }> {
    return { secretKey: this.engine.settings().SECRET_KEY }
  }

  async regenerateSecretKey(_: Empty): Promise<Settings> {
    return this.applySettings({ SECRET_KEY: randomSecretKey() })
  }

  async previewCookie(_: Empty): Promise<A.CookiePreview> {
    const s = this.engine.settings()
    const now = this.engine.clock.now()
    const maxAge = s.SESSION_EXPIRE_AT_BROWSER_CLOSE ? null : s.SESSION_COOKIE_AGE
    const notes: string[] = []
    if (s.SESSION_EXPIRE_AT_BROWSER_CLOSE) notes.push('SESSION_EXPIRE_AT_BROWSER_CLOSE: no Max-Age or expires, so the cookie ends when the browser closes (unless the view calls set_expiry).')
    else notes.push(`Max-Age=${s.SESSION_COOKIE_AGE} from SESSION_COOKIE_AGE; a view's set_expiry(seconds) replaces it.`)
    if (s.SESSION_ENGINE === 'signed_cookies') notes.push('signed_cookies: the cookie holds the signed data itself, and expiry on the server is SESSION_COOKIE_AGE from the signature; set_expiry() only changes the cookie (Django ticket #19201).')
    if (s.SESSION_COOKIE_SAMESITE === 'None' && !s.SESSION_COOKIE_SECURE) notes.push('SameSite=None without Secure: browsers reject this cookie. Set SESSION_COOKIE_SECURE too.')
    if (s.SESSION_COOKIE_SECURE) notes.push('Secure: browsers send the cookie back only over HTTPS, and to http://localhost or 127.0.0.1.')
    if (s.SESSION_COOKIE_PATH !== '/') notes.push(`Path=${s.SESSION_COOKIE_PATH}: the browser sends the cookie only to URLs under ${s.SESSION_COOKIE_PATH}.`)
    if (s.SESSION_COOKIE_DOMAIN) notes.push(`Domain=${s.SESSION_COOKIE_DOMAIN}: the browser keeps the cookie only if the site's host is inside that domain.`)
    if (this.observing) notes.push(...OBSERVE_NOTES)
    return {
      setCookie: sessionSetCookie(s, 'SESSION_KEY', maxAge, maxAge === null ? null : new Date(now.getTime() + maxAge * 1000)),
      deleteCookie: sessionDeleteCookie(s),
      notes
    }
  }

  clockState(): ClockState {
    const snap = this.engine.clock.snapshot()
    const bounds = clockBounds(this.engine.settings(), snap.realNow.getTime(), this.d.observer?.cachedBounds())
    return { now: snap.now.toISOString(), realNow: snap.realNow.toISOString(), offsetSeconds: snap.offsetMs / 1000, frozen: snap.frozen, bounds }
  }

  async getClock(_: Empty): Promise<ClockState> {
    return this.clockState()
  }

  async advanceClock(input: A.AdvanceClockInput): Promise<ClockState> {
    return this.clockChange(() => this.engine.clock.advance(input.seconds), this.engine.clock.snapshot().offsetMs + input.seconds * 1000)
  }

  async setClock(input: A.SetClockInput): Promise<ClockState> {
    const moment = parseIsoDate(input.now) as Date
    return this.clockChange(() => this.engine.clock.set(moment), moment.getTime() - Date.now())
  }

  async freezeClock(input: A.FreezeClockInput): Promise<ClockState> {
    const observer = this.d.observer
    if (input.frozen && observer) refuseFreeze(observer.store.limits.freeze)
    this.engine.clock.freeze(input.frozen)
    return this.clockState()
  }

  async resetClock(_: Empty): Promise<ClockState> {
    return this.clockChange(() => this.engine.clock.reset())
  }

  async listSessions(input: A.ListSessionsInput): Promise<SessionList> {
    const observer = this.d.observer
    const limit = Math.min(input.limit ?? 100, MAX_PAGE)
    let page: Page
    let records: SessionRecord[]
    try {
      const filter = this.listFilter(input)
      if (filter) ({ page, records } = await this.searchPages(filter, limit, input.cursor ?? null))
      else {
        page = await this.store(() => this.inspection.page({ limit, cursor: input.cursor ?? null, ...(input.key ? { keyPrefix: input.key } : {}) }))
        records = page.records
      }
      // The first page says whether SECRET_KEY is the app's (as the start's probe does); a later
      // one may hold only sessions of a key rotated long ago.
      if (!input.cursor && !input.key && !filter) observer?.note(records)
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unsupported') return { sessions: [], next: null, order: '', unsupported: e.message, ...(input.total ? { total: 0 } : {}) }
      if (!(e instanceof ApiError)) observer?.fail((e as Error).message)
      throw e
    }
    const clients = this.clientOfSession()
    const note = this.inspection.limits.list
    const total = input.total ? (await this.countSessions({})).total : undefined
    return {
      sessions: await this.infos(records.map((r) => this.engine.inspect(r)), clients),
      next: page.next,
      order: page.order,
      ...(total !== undefined ? { total } : {}),
      ...(note ? { note } : {})
    }
  }

  /**
   * The list's `search` and `user`: pages read in the store until `limit` sessions match (or
   * the store ends: then every session was read).
   */
  private async searchPages(match: (r: SessionRecord) => boolean, limit: number, cursor: string | null): Promise<{ page: Page; records: SessionRecord[] }> {
    const records: SessionRecord[] = []
    let page: Page
    do {
      const from: string | null = cursor
      page = await this.store(() => this.inspection.page({ limit: MAX_PAGE, cursor: from }))
      for (const r of page.records) if (match(r)) records.push(r)
      cursor = page.next
    } while (cursor !== null && records.length < limit)
    return { page, records }
  }

  /** A filter of the list: text in the key or data, and/or one user's sessions. */
  private listFilter(input: A.ListSessionsInput): ((r: SessionRecord) => boolean) | null {
    const needle = input.search?.trim().toLowerCase()
    const user = input.user
    if (!needle && user === undefined) return null
    return (r) => (user === undefined || authUserId(r.data) === user) && (!needle || sessionMatches(needle, r))
  }

  async countSessions(_: Empty): Promise<A.SessionCount> {
    const count = await this.store(() => this.inspection.count())
    return { total: count.total, exact: count.exact, ...(count.note ? { note: count.note } : {}) }
  }

  async startSessionSearch(input: A.SessionSearchInput): Promise<A.SessionSearch> {
    if (this.inspection.limits.list && this.engine.settings().SESSION_ENGINE === 'signed_cookies' && !this.observing) throw new ApiError('unsupported', this.inspection.limits.list)
    return this.searches.start(input.query)
  }

  async getSessionSearch(input: A.SessionSearchIdInput): Promise<A.SessionSearch> {
    return this.searches.get(input.id)
  }

  async cancelSessionSearch(input: A.SessionSearchIdInput): Promise<A.SessionSearch> {
    return this.searches.cancel(input.id)
  }

  async getSession(input: A.SessionKeyInput): Promise<SessionInfo> {
    return (await this.infos([await this.existing(input.key)]))[0] as SessionInfo
  }

  async updateSessionData(input: A.UpdateSessionDataInput): Promise<SessionInfo> {
    const current = await this.existing(input.key)
    if (this.observing) refuseUndecodable(current, 'edit')
    this.writable('edit a session')
    const savedKey = await this.store(() => this.inspection.save(input.key, input.data))
    const saved = savedKey === null ? null : await this.engine.find(savedKey)
    if (!saved) throw new ApiError('not_found', `session ${JSON.stringify(input.key)} is gone`)
    // signed_cookies: the data is the key, so the session lives under a new one now.
    if (saved.key !== input.key) this.d.emit('session', { key: input.key, change: 'deleted', session: null })
    return (await this.announce(saved.key, 'saved')) ?? this.toInfo(saved)
  }

  async setSessionExpiry(input: A.SetSessionExpiryInput): Promise<SessionInfo> {
    const current = await this.existing(input.key)
    const data = { ...current.data }
    if (input.value === null) delete data[EXPIRY_KEY]
    else data[EXPIRY_KEY] = input.value
    return this.updateSessionData({ key: input.key, data })
  }

  async expireSession(input: A.SessionKeyInput): Promise<SessionInfo> {
    const before = await this.existing(input.key)
    if (this.observing) refuseUndecodable(before, 'expire')
    this.writable('expire a session')
    const after = (await this.store(() => this.inspection.expire(input.key))) ? await this.engine.find(input.key) : null
    const info = after ? this.toInfo(after) : { ...this.toInfo(before), expired: true, expireDate: this.engine.clock.now().toISOString() }
    this.d.emit('session', { key: input.key, change: 'expired', session: after ? info : null })
    return info
  }

  async deleteSession(input: A.SessionKeyInput): Promise<{ deleted: true }> {
    this.writable('delete a session')
    const removed = await this.store(() => this.inspection.delete(input.key))
    if (!removed) throw new ApiError('not_found', `no session with key ${JSON.stringify(input.key)}`)
    this.d.emit('session', { key: input.key, change: 'deleted', session: null })
    return { deleted: true }
  }

  async clearExpired(_: Empty): Promise<{ removed: number }> {
    this.writable('clear expired sessions')
    const removed = await this.inspection.clearExpired()
    if (removed) this.d.emit('sessions', { reason: `clear_expired removed ${removed}` })
    return { removed }
  }

  /** Every session of one user in the store, newest save first: the store read page by page, only theirs kept. */
  private async sessionsOf(id: string): Promise<InspectedSession[]> {
    const { records } = await this.searchPages((r) => authUserId(r.data) === id, Number.MAX_SAFE_INTEGER, null)
    const mine = records.map((r) => this.engine.inspect(r))
    const time = (s: InspectedSession) => (s.savedAt ?? s.expireDate)?.getTime() ?? 0
    return mine.sort((a, b) => time(b) - time(a) || a.key.localeCompare(b.key))
  }

  async getUser(input: A.UserIdInput): Promise<A.UserSessions> {
    const clients = this.clientOfSession()
    const infos = await this.infos(await this.sessionsOf(input.id), clients)
    const sessions = infos.map((info): A.UserSession => {
      const client = info.clientId ? this.clientView(info.clientId) : null
      return { ...info, browser: client && { id: client.id, displayName: client.displayName, userAgent: client.userAgent }, lastRequest: client?.lastSeen ?? null }
    })
    const named = sessions.find((s) => s.user?.username)?.user ?? (await this.d.users.usersOf([{ data: { _auth_user_id: input.id } }]))[0]
    return { user: { id: input.id, username: named?.username ?? null, source: named?.source ?? null }, sessions }
  }

  async logoutUser(input: A.LogoutUserInput): Promise<{ deleted: number }> {
    this.writable('log a user out')
    let deleted = 0
    for (const s of await this.sessionsOf(input.id)) {
      if (s.key === input.except) continue
      if (!(await this.store(() => this.inspection.delete(s.key)))) continue
      deleted++
      this.d.emit('session', { key: s.key, change: 'deleted', session: null })
    }
    return { deleted }
  }

  clientView(id: string): ClientInfo | null {
    const c = this.d.clients.get(id)
    return c ? this.d.clients.view(c, this.engine.clock.nowMs(), this.engine.settings().SESSION_COOKIE_NAME) : null
  }

  async listClients(_: Empty): Promise<{ clients: ClientInfo[] }> {
    return { clients: this.d.clients.all().map((c) => this.clientView(c.id) as ClientInfo) }
  }

  async renameClient(input: A.RenameClientInput): Promise<ClientInfo> {
    if (!this.d.clients.rename(input.id, input.name)) throw new ApiError('not_found', `no client ${JSON.stringify(input.id)}`)
    const view = this.clientView(input.id) as ClientInfo
    this.d.emit('client', view)
    return view
  }

  async closeBrowser(input: A.CloseBrowserInput): Promise<A.BrowserCloseResult> {
    const targets = input.client ? [this.d.clients.get(input.client)] : this.d.clients.all()
    if (input.client && !targets[0]) throw new ApiError('not_found', `no client ${JSON.stringify(input.client)}`)
    const now = this.engine.clock.nowMs()
    const clients: A.BrowserCloseClient[] = []
    for (const c of targets) {
      if (!c) continue
      const { discarded, kept } = c.jar.close(now)
      this.d.clients.touch(c.id)
      const view = this.clientView(c.id) as ClientInfo
      this.d.emit('client', view)
      clients.push({ id: c.id, displayName: view.displayName, discarded: discarded.map((k) => k.name), kept: kept.map((k) => k.name) })
    }
    return { closed: clients.reduce((n, c) => n + c.discarded.length, 0), clients }
  }

  async listTraffic(input: A.ListTrafficInput): Promise<{ entries: A.TrafficSummary[]; total: number }> {
    return this.d.traffic.list(input)
  }

  async getTraffic(input: A.TrafficIdInput): Promise<A.TrafficEntry> {
    const entry = await this.d.traffic.get(input.id)
    if (!entry) throw new ApiError('not_found', `no traffic entry ${input.id}`)
    return entry
  }

  async clearTraffic(_: Empty): Promise<{ cleared: number }> {
    return { cleared: await this.d.traffic.clear() }
  }

  async exportHar(input: A.ExportHarInput): Promise<A.HarExport> {
    const entries = await this.d.traffic.getMany(input.ids)
    const redact = input.redact !== false
    return { har: buildHar(entries, this.d.status().proxyUrl, this.d.version, redact ? { sessionCookie: this.engine.settings().SESSION_COOKIE_NAME } : null), count: entries.length }
  }
}
