// The one API contract. The inspector service implements `Api`; the control server
// (HTTP + SSE), the Electron IPC bridge and the renderer's client are loops over
// API_METHODS and ROUTES. Every method takes one plain object and returns JSON data.
import type { SessionData } from './json'
import type { EngineName, SettingName, Settings } from './settings'
import type { DjangoVersion } from './django-versions'
import type { ReasonCode, ResponseDecision } from './decision'
import type { WireSession, WireUpdate } from './wire'
import type { ClockBounds } from './clock-bounds'
import type { SessionCount, SessionInfo, SessionList, SessionSearch, SessionSearchProgress, UserSessions } from './sessions-api'

// ---------------------------------------------------------------- data types

/** The engine's clock. */
export interface ClockState {
  /** Engine time, ISO. */
  now: string
  /** Real (wall) time when this was read, ISO: the UI shows how far apart they are. */
  realNow: string
  /** Engine time minus real time, in seconds (positive when fast-forwarded). */
  offsetSeconds: number
  frozen: boolean
  /** How far the clock may go before a stored date leaves what the store and Django hold. */
  bounds?: ClockBounds
}

// Sessions as listed, read and searched: in sessions-api.ts, re-exported here.
export type * from './sessions-api'

/** A cookie the proxy saw set for a client, with its lifetime on the engine's clock. */
export interface MirroredCookie {
  name: string
  value: string
  path: string
  domain: string | null
  /** Engine time when it was set (ISO). */
  setAt: string
  /** Engine time when it expires (ISO), or null for a browser-session cookie. */
  expiresAt: string | null
  sessionOnly: boolean
  /** live; expired on the engine's clock; discarded by a simulated browser close */
  state: 'live' | 'expired' | 'discarded'
  /** True for the session cookie (SESSION_COOKIE_NAME). */
  isSessionCookie: boolean
}

/** A browser profile talking through the proxy, recognised by the `si_client` cookie. */
export interface ClientInfo {
  id: string
  name: string
  userAgent: string
  /** Engine time (ISO). */
  firstSeen: string
  lastSeen: string
  /** The session key its last request carried or received. */
  sessionKey: string | null
  requestCount: number
  cookies: MirroredCookie[]
  /**
   * The one name shown for this client everywhere (UI, CLI, close results): `name` when set,
   * else the User-Agent's family and the id's first characters, e.g. "Chrome on Linux · 3f2a9c".
   */
  displayName: string
}

/** What a simulated browser close did to one client. */
export interface BrowserCloseClient {
  id: string
  /** ClientInfo.displayName. */
  displayName: string
  /** Names of the browser-session cookies this close discarded (the proxy now drops them). */
  discarded: string[]
  /** Names of the cookies that survive it: persistent (Max-Age or Expires) and still live on the engine clock. */
  kept: string[]
}

/** The answer of a simulated browser close: what was discarded, per client. */
export interface BrowserCloseResult {
  /** How many cookies were discarded in all: the sum of the clients' `discarded` (kept from the first version of the API). */
  closed: number
  /** Every client the close was for (one, or all the proxy knows), most recently seen first. */
  clients: BrowserCloseClient[]
}

/** What happened to the session on one request (a traffic badge). */
export type SessionEffect =
  | 'created'
  | 'modified'
  | 'cycled'
  | 'flushed'
  | 'deleted'
  | 'read'
  | 'untouched'
  | 'rejected'
  | 'upstream-error'

export const SESSION_EFFECTS: readonly SessionEffect[] = [
  'created', 'modified', 'cycled', 'flushed', 'deleted', 'read', 'untouched', 'rejected', 'upstream-error'
]

/** The session at one moment, as stored in traffic entries. */
export interface SessionSnapshot {
  key: string | null
  data: SessionData
}

/** A session named in a listed request: its key only (the detail, getTraffic, has its data). */
export interface SessionSummary {
  key: string | null
}

/** One request through the proxy, as listed: no session data, whatever its size. */
export interface TrafficSummary {
  id: number
  /** Engine time when the request arrived (ISO). */
  time: string
  /** Real time when the request arrived (ISO). */
  realTime: string
  method: string
  url: string
  /** null when no response came (upstream error before headers). */
  status: number | null
  durationMs: number
  clientId: string | null
  sessionBefore: SessionSummary | null
  sessionAfter: SessionSummary | null
  /** The session cookie's Set-Cookie (or deletion) sent on this response, if any. */
  setCookie: string | null
  effect: SessionEffect
  reasonCode: ReasonCode | null
  /** The middleware's reason, one sentence (explainDecision). */
  reason: string
  /** Upstream error, or why the app's X-Session-Update was refused. */
  error?: string
}

/** One request with everything the detail view shows. */
export interface TrafficEntry extends TrafficSummary {
  sessionBefore: SessionSnapshot | null
  sessionAfter: SessionSnapshot | null
  requestHeaders: [string, string][]
  responseHeaders: [string, string][]
  /** What the proxy sent the app in X-Session, decoded. */
  xSession: WireSession | null
  /** What the app answered in X-Session-Update, decoded (null: no header or refused). */
  xSessionUpdate: WireUpdate | null
  /** The raw X-Session-Update when it was refused. */
  rejectedUpdate?: string
  decision: ResponseDecision | null
  /** Mirrored cookies the proxy removed from this request (expired or discarded). */
  droppedCookies: string[]
}

export type UpstreamState = 'up' | 'down' | 'unknown'

/** The header's facts: where the proxy listens, where it forwards, and whether that is up. */
export interface Status {
  version: string
  proxyUrl: string
  controlUrl: string
  /** The upstream URL, or "demo" for the built-in demo app (then demoUrl says where it runs). */
  upstream: string
  demoUrl?: string
  upstreamState: UpstreamState
  /** The last upstream error, while down. */
  upstreamError?: string
  /** middleware: the proxy runs the session middleware; observe-django: the app runs its own. */
  mode: 'middleware' | 'observe-django'
  /** In observe-django mode the app owns the settings; the UI shows them read-only except SECRET_KEY/COOKIE_NAME. */
  settingsOwnedByApp: boolean
  dataDir: string
  databasePath: string
  /** observe-django: the app's own store, and whether its sessions can be read. */
  observe?: ObserveStatus
  /** What of the data folder cannot be written now (e.g. disk full): the header says it. */
  storageProblems?: StorageProblem[]
  /** The Django whose session behaviour the engine follows (DJANGO_VERSION), and the app's own release when known. */
  django?: DjangoStatus
  /** Where each setting's current value comes from. */
  settingSources?: Partial<Record<SettingName, SettingSource>>
}

/** One part of the data folder that cannot be written, since when. */
export interface StorageProblem {
  area: 'traffic' | 'clients' | 'sessions'
  /** e.g. "disk full: traffic not recorded" */
  problem: string
  /** ISO */
  since: string
}

/**
 * Where a setting's value comes from: Django's default, the data folder's settings.json, the
 * command line (this run), the app's settings.py as its drop-in middleware reported it, the
 * project observe mode read (--django-project), or a change made in the UI or API this run.
 */
export type SettingSource = 'default' | 'settings.json' | 'command line' | 'settings.py' | 'project' | 'ui'

/** One line per source, for banners and the Settings screen. */
export const SETTING_SOURCE_LABELS: Record<SettingSource, string> = {
  default: "Django's default",
  'settings.json': 'saved in settings.json',
  'command line': 'command line, this run only',
  'settings.py': "from the app's settings.py (its middleware reported it)",
  project: "read from the project's settings.py (--django-project)",
  ui: 'changed here (saved in settings.json)'
}

export interface DjangoStatus {
  /** The release series the engine behaves as. */
  version: DjangoVersion
  /** Where that came from; settings.py / project: the app's own Django. */
  source: SettingSource
  /** The app's Django release as it reported it (drop-in) or as it was read (observe), e.g. "5.2.17". */
  release?: string
}

/** Observe mode's view of the app's session store (issue 11). */
export interface ObserveStatus {
  /** The app's SESSION_ENGINE. */
  engine: EngineName
  /** Where its sessions live, e.g. "PostgreSQL django@127.0.0.1:5432/app" (no password). */
  location: string
  /** ok: its sessions are read and written; error: they cannot be, and nothing is written. */
  state: 'starting' | 'ok' | 'error'
  /** One line, when state is error: unreachable, wrong credentials, no table, wrong SECRET_KEY. */
  error?: string
  /** What this store cannot do, one sentence each (freeze: always; list, edit, clock: some stores). */
  limits: { list?: string; edit?: string; clock?: string; freeze: string }
  /**
   * The app's sessions are still aged by a clock change that could not be given back yet
   * (store locked or down): one line saying why; it is retried, and the journal keeps it.
   */
  aged?: string
  /** A clock change (or give-back) moving many stored dates, in batches: how far it has got. */
  clock?: { moving: 'advance' | 'give-back'; done: number; total: number }
}

export interface Health {
  ok: true
  version: string
}

/** The Set-Cookie headers the next save (or deletion) would send under the current settings. */
export interface CookiePreview {
  setCookie: string
  deleteCookie: string
  /** Notes in words, e.g. "signed_cookies ignores set_expiry for server-side expiry". */
  notes: string[]
}

export interface HarExport {
  /** A HAR 1.2 log, each entry with a `_session` field. */
  har: unknown
  count: number
}

// ---------------------------------------------------------------- method inputs

export type Empty = Record<string, never>
export interface ListSessionsInput {
  /** Page size (at most 1,000). */
  limit?: number
  /** The `next` of the page before. */
  cursor?: string
  /** Only sessions whose key starts with this (through the store's primary key; then ordered by key). */
  key?: string
  /**
   * Text in the key or the data: read page by page in the store until `limit` sessions match
   * (every session is read when fewer match; the answer's `next` continues from where it
   * stopped). For a large store, prefer startSessionSearch.
   */
  search?: string
  /** Also count the store's sessions (countSessions) into `total`. */
  total?: boolean
  /** Only sessions of this user (`_auth_user_id`): read page by page like `search`. */
  user?: string
}
export interface SessionSearchInput { query: string }
export interface SessionSearchIdInput { id: string }
export interface UserIdInput { id: string }
/** `except`: a session key to keep (log out the others). */
export interface LogoutUserInput { id: string; except?: string }
export interface SessionKeyInput { key: string }
export interface UpdateSessionDataInput { key: string; data: SessionData }
/** value as set_expiry takes it: seconds, 0, ISO datetime, or null (global policy). */
export interface SetSessionExpiryInput { key: string; value: number | string | null }
export interface AdvanceClockInput { seconds: number }
export interface SetClockInput { now: string }
export interface FreezeClockInput { frozen: boolean }
export interface UpdateSettingsInput { settings: Record<string, unknown> }
export interface RenameClientInput { id: string; name: string }
export interface CloseBrowserInput { client?: string }
export interface ListTrafficInput {
  limit?: number
  /** Only entries with id < before (paging backwards). */
  before?: number
  /** Only entries whose session before or after has this key (a session's history). */
  sessionKey?: string
  /** Free text over method, URL, status, reason, keys. */
  search?: string
  effect?: SessionEffect
}
export interface TrafficIdInput { id: number }
export interface ExportHarInput {
  ids?: number[]
  /** false: keep session cookie values, `_auth_user_hash` and X-Session* payloads (default true: masked). */
  redact?: boolean
}

// ---------------------------------------------------------------- the API

/** Everything the UI or a script can do. One plain object in, JSON out. */
export interface Api {
  health(input: Empty): Promise<Health>
  getStatus(input: Empty): Promise<Status>

  /** All settings, Django names; SECRET_KEY masked. */
  getSettings(input: Empty): Promise<Settings>
  /** Validates all values first (shared validator); nothing is applied if any is invalid. */
  updateSettings(input: UpdateSettingsInput): Promise<Settings>
  /** Django's defaults; SECRET_KEY is kept. */
  resetSettings(input: Empty): Promise<Settings>
  revealSecretKey(input: Empty): Promise<{ secretKey: string }>
  regenerateSecretKey(input: Empty): Promise<Settings>
  previewCookie(input: Empty): Promise<CookiePreview>

  getClock(input: Empty): Promise<ClockState>
  advanceClock(input: AdvanceClockInput): Promise<ClockState>
  setClock(input: SetClockInput): Promise<ClockState>
  freezeClock(input: FreezeClockInput): Promise<ClockState>
  resetClock(input: Empty): Promise<ClockState>

  /** One page, read in the store: by expiry (newest first), or by key with a key prefix. */
  listSessions(input: ListSessionsInput): Promise<SessionList>
  countSessions(input: Empty): Promise<SessionCount>
  /** Starts a data search over every session, in the background; progress comes as `search` events. */
  startSessionSearch(input: SessionSearchInput): Promise<SessionSearch>
  getSessionSearch(input: SessionSearchIdInput): Promise<SessionSearch>
  cancelSessionSearch(input: SessionSearchIdInput): Promise<SessionSearch>
  getSession(input: SessionKeyInput): Promise<SessionInfo>
  /** Replaces the data and saves it like a modification (expiry counts from now). */
  updateSessionData(input: UpdateSessionDataInput): Promise<SessionInfo>
  /** set_expiry(value) on the stored session, then save. */
  setSessionExpiry(input: SetSessionExpiryInput): Promise<SessionInfo>
  /** Makes the session expired at the engine's now (the row stays until clear_expired). */
  expireSession(input: SessionKeyInput): Promise<SessionInfo>
  deleteSession(input: SessionKeyInput): Promise<{ deleted: true }>
  clearExpired(input: Empty): Promise<{ removed: number }>

  /** A user's sessions with their browsers. */
  getUser(input: UserIdInput): Promise<UserSessions>
  /** Deletes every session of a user (but `except`) in the store the app uses. */
  logoutUser(input: LogoutUserInput): Promise<{ deleted: number }>

  listClients(input: Empty): Promise<{ clients: ClientInfo[] }>
  renameClient(input: RenameClientInput): Promise<ClientInfo>
  /** Simulated browser close for one client, or all when `client` is absent. */
  closeBrowser(input: CloseBrowserInput): Promise<BrowserCloseResult>

  /** Newest first. */
  listTraffic(input: ListTrafficInput): Promise<{ entries: TrafficSummary[]; total: number }>
  getTraffic(input: TrafficIdInput): Promise<TrafficEntry>
  clearTraffic(input: Empty): Promise<{ cleared: number }>
  exportHar(input: ExportHarInput): Promise<HarExport>
}

export type ApiMethod = keyof Api
export type ApiInput<M extends ApiMethod> = Parameters<Api[M]>[0]
export type ApiOutput<M extends ApiMethod> = Awaited<ReturnType<Api[M]>>

/** Every method, once. The compile-time checks below keep it equal to the interface. */
export const API_METHODS = [
  'health', 'getStatus',
  'getSettings', 'updateSettings', 'resetSettings', 'revealSecretKey', 'regenerateSecretKey', 'previewCookie',
  'getClock', 'advanceClock', 'setClock', 'freezeClock', 'resetClock',
  'listSessions', 'countSessions', 'startSessionSearch', 'getSessionSearch', 'cancelSessionSearch', 'getSession', 'updateSessionData', 'setSessionExpiry', 'expireSession', 'deleteSession', 'clearExpired',
  'getUser', 'logoutUser',
  'listClients', 'renameClient', 'closeBrowser',
  'listTraffic', 'getTraffic', 'clearTraffic', 'exportHar'
] as const satisfies readonly ApiMethod[]

type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>
// If this line fails to compile, a method of Api is missing from API_METHODS.
export const API_METHODS_COMPLETE: Missing extends never ? true : Missing = true

// ---------------------------------------------------------------- events

/** A session changed in the store: saved, deleted or expired (session is null when deleted). */
export interface SessionEvent {
  key: string
  change: 'saved' | 'deleted' | 'expired'
  session: SessionInfo | null
}

/** Server-sent events, by name. */
export interface EventMap {
  traffic: TrafficSummary
  session: SessionEvent
  /** The whole list should be fetched again (engine switched, clear_expired, many changes). */
  sessions: { reason: string }
  settings: Settings
  clock: ClockState
  client: ClientInfo
  status: Status
  search: SessionSearchProgress
}

export type EventName = keyof EventMap
export const EVENT_NAMES = ['traffic', 'session', 'sessions', 'settings', 'clock', 'client', 'status', 'search'] as const satisfies readonly EventName[]

export interface ApiEvent<E extends EventName = EventName> {
  type: E
  payload: EventMap[E]
}

/** How a host delivers events: subscribe returns an unsubscribe function. */
export interface EventSource {
  /** `types`: only these events are wanted (none given: every event). */
  subscribe(listener: (event: ApiEvent) => void, types?: readonly EventName[]): () => void
}
