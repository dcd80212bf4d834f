// The one service: composes the engine and the proxy (and the demo app), implements the
// API contract once (inspector/service.ts), owns their lifetimes and emits the events the
// transports relay. The CLI and the Electron shell both start it with Inspector.start().
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { API_METHODS, type Api, type ApiEvent, type EventMap, type EventName, type EventSource, type Status, type UpstreamState } from '../shared/api'
import { ApiError, toApiError } from '../shared/errors'
import { SETTINGS_INFO, validateSettingsPatch } from '../shared/settings'
import { validateInput } from '../shared/validate'
import { version } from '../../package.json'
import { startDemoApp } from './demo'
import { Clock, Engine, EngineError } from './engine'
import { DataDir } from './service/data-dir'
import { checkSessionsFile, openCacheFile } from './service/local-files'
import { InspectorService } from './service/service'
import { SettingSources } from './service/setting-sources'
import { ObservedStore, observeSettings } from './service/observe-django'
import { openAppStore, userTableTarget, type ObserveTarget } from './engine/observe/targets'
import { Journal } from './engine/observe/journal'
import { UserTable } from './engine/observe/user-table'
import { UserDirectory } from './service/users'
import { DEFAULT_LISTEN, type InspectorOptions } from './inspector-options'
import { ClientRegistry } from './proxy/clients'
import { SessionProxy } from './proxy/proxy-server'
import { StorageHealth } from './proxy/storage-health'
import { TrafficLog } from './proxy/traffic-log'

export type { InspectorOptions } from './inspector-options'
export const VERSION: string = version

export class Inspector implements EventSource {
  /** The API for transports and scripts: every input validated, then the service. */
  readonly api: Api
  readonly dataDir: DataDir
  /** Each listener with the events it wants (null: all). */
  private readonly listeners = new Map<(event: ApiEvent) => void, ReadonlySet<EventName> | null>()
  /** Session changes the proxy reported this tick, announced together (the last change of a key wins). */
  private pendingSessions = new Map<string, 'saved' | 'deleted'>()
  private service!: InspectorService
  private engine!: Engine
  private proxy!: SessionProxy
  private traffic!: TrafficLog
  private clients!: ClientRegistry
  private storage: StorageHealth | null = null
  private demo: { url: string; close(): Promise<void> } | null = null
  private observer: ObservedStore | null = null
  private journal: Journal | null = null
  private users: UserDirectory | null = null
  private sources!: SettingSources
  private proxyAddress = ''
  private controlAddress = ''
  private closing: Promise<void> | null = null
  private upstream: { state: UpstreamState; error?: string } = { state: 'unknown' }

  private constructor(readonly options: InspectorOptions) {
    this.dataDir = new DataDir(options.dataDir)
    const api = {} as Record<string, (input: unknown) => Promise<unknown>>
    for (const method of API_METHODS) {
      api[method] = async (input: unknown) => {
        const valid = validateInput(method, input ?? {})
        const fn = this.service[method] as (i: unknown) => Promise<unknown>
        try {
          return await fn.call(this.service, valid)
        } catch (e) {
          // Engine errors (a store unreachable, ...) are expected conditions: every transport
          // gets the same ApiError. Anything else stays as it is, for the transport to log.
          throw e instanceof EngineError ? toApiError(e) : e
        }
      }
    }
    this.api = api as unknown as Api
  }

  /**
   * Opens the stores, starts the demo app when upstream is "demo" (the default), and the
   * proxy. Throws a one-line Error for a bad upstream URL, an invalid setting or a port in use.
   */
  static async start(options: InspectorOptions): Promise<Inspector> {
    const inspector = new Inspector(options)
    try {
      await inspector.open()
    } catch (e) {
      await inspector.close()
      throw e
    }
    return inspector
  }

  private async open(): Promise<void> {
    const o = this.options
    const log = o.log ?? (() => undefined)
    this.dataDir.acquire(log)
    const givenKey = o.settings?.SECRET_KEY
    let settings = this.dataDir.loadSettings(log, typeof givenKey === 'string' && givenKey ? { secretKey: givenKey } : {})
    if (o.settings && Object.keys(o.settings).length) {
      const r = validateSettingsPatch(settings, o.settings)
      if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '))
      settings = r.settings
      // The check the API makes too (Engine.updateSettings): the file store's folder must exist.
      const filePath = settings.SESSION_FILE_PATH
      if (filePath !== null && r.changed.includes('SESSION_FILE_PATH') && !isDirectory(filePath)) {
        throw new Error(`SESSION_FILE_PATH: ${JSON.stringify(filePath)} is not an existing directory, allowed: ${SETTINGS_INFO.SESSION_FILE_PATH.allowed}`)
      }
      // A SECRET_KEY given here (--set, a project's settings) is for this run: the folder's own
      // key file changes only when the user asks (the API's SECRET_KEY, Regenerate).
    }
    this.sources = new SettingSources({ saved: this.dataDir.savedSettingNames(), given: Object.keys(o.settings ?? {}), fromProject: o.projectSettings, projectRelease: o.djangoRelease })
    const observe = o.observeDjango ? observeTarget(o) : null
    if (observe) settings = observeSettings(settings, o.settings, observe)
    const databasePath = o.databasePath ?? this.dataDir.file('sessions.sqlite3')
    if (!observe) checkSessionsFile(databasePath)
    const clock = new Clock()
    // Every change the clock makes to the app's store is journaled here first (issue 18).
    if (observe) this.journal = new Journal(this.dataDir.file(JOURNAL_FILE))
    // The store reads the engine's live settings (SECRET_KEY can change while it runs).
    const appStore = observe
      ? openAppStore(observe, {
          settings: () => this.engine.settings(),
          clock,
          fallbackKeys: o.secretKeyFallbacks ?? [],
          ...(this.journal ? { journal: this.journal } : {}),
          progress: (p) => this.observer?.progress(p)
        })
      : undefined
    this.engine = new Engine({ settings, databasePath, clock, ...(appStore ? { appStore } : {}) })
    if (appStore) {
      this.observer = new ObservedStore(
        appStore,
        clock,
        log,
        () => {
          if (this.proxyAddress) this.emit('status', this.status())
        },
        this.journal
      )
      // Before anything is served: what an earlier run left aged is given back first. One
      // line now when the app's sessions cannot be read; the header shows it until they can.
      await this.observer.start()
      for (const other of this.journal?.stores() ?? []) {
        if (other.store !== appStore.location) log(`observe-django: the journal also holds ${other.count} change(s) to the sessions in ${other.store}: run \`session-inspector restore\` with that store's options to give them back`)
      }
    }
    this.engine.log.subscribe((line) => log(`[${line.channel}] ${line.message}`))
    // A write to the data folder that fails (disk full) is said once, here and in the header.
    this.storage = new StorageHealth(log, () => {
      if (this.proxyAddress) this.emit('status', this.status())
    })
    const userTable = observe ? userTableTarget(observe) : null
    this.users = new UserDirectory({
      table: userTable ? new UserTable(userTable) : null,
      secrets: () => ({ secretKey: this.engine.settings().SECRET_KEY, fallbacks: o.secretKeyFallbacks ?? [] }),
      django: observe?.django ?? o.djangoRelease ?? null,
      log
    })
    const cache = this.dataDir.file('inspector.sqlite3')
    ;[this.traffic, this.clients] = openCacheFile(cache, 'the traffic log', () => this.openCache(cache), log)
    this.service = new InspectorService({
      engine: this.engine,
      clients: this.clients,
      traffic: this.traffic,
      dataDir: this.dataDir,
      version,
      status: () => this.status(),
      observer: this.observer,
      users: this.users,
      sources: this.sources,
      emit: (type, payload) => this.emit(type, payload)
    })
    this.engine.clock.onChange(() => this.emit('clock', this.service.clockState()))

    const upstream = o.upstream ?? 'demo'
    let target = upstream
    if (upstream === 'demo') {
      this.demo = await startDemoApp({ host: '127.0.0.1', port: 0 })
      target = this.demo.url
    }
    this.proxy = new SessionProxy({
      engine: this.engine,
      upstream: target,
      upstreamLabel: upstream === 'demo' ? `the demo app (${target})` : target,
      upstreamTimeoutMs: o.upstreamTimeoutMs,
      traffic: this.traffic,
      clients: this.clients,
      storage: this.storage,
      mode: o.observeDjango ? 'observe-django' : 'middleware',
      auth: this.users,
      events: {
        // Nobody listening: the proxy builds no views and nothing is read back for them.
        wants: (type) => this.wants(type === 'sessions' ? 'session' : type) || (type === 'sessions' && this.wants('sessions')),
        traffic: (summary) => this.emit('traffic', summary),
        sessions: (changes, cleared) => {
          if (changes.length && this.wants('session')) this.queueAnnouncements(changes)
          if (cleared) this.emit('sessions', { reason: `clear_expired removed ${cleared}` })
        },
        client: (client) => this.emit('client', client),
        app: (header) => this.service.appReport(header, log),
        upstream: (state, error) => {
          this.upstream = { state, ...(error ? { error } : {}) }
          if (state === 'down') log(`upstream ${target} is down: ${error}`)
          else if (state === 'up') log(`upstream ${target} is up`)
          if (this.proxyAddress) this.emit('status', this.status())
        }
      }
    })
    const listen = o.listen ?? DEFAULT_LISTEN
    this.proxyAddress = await this.proxy.listen(listen.host, listen.port)
    this.controlAddress = o.controlUrl ?? ''
  }

  /** The traffic log and the clients, in inspector.sqlite3 (what local-files.ts moves aside when damaged). */
  private openCache(path: string): [TrafficLog, ClientRegistry] {
    const health = this.storage ?? undefined
    const traffic = new TrafficLog(path, this.options.trafficRetention ?? 100_000, { maxBytes: this.options.trafficMaxBytes, ...(health ? { health } : {}) })
    try {
      return [traffic, new ClientRegistry(path, health)]
    } catch (e) {
      void traffic.close()
      throw e
    }
  }

  /** Proxy URL, e.g. http://127.0.0.1:8080 */
  get proxyUrl(): string {
    return this.proxyAddress
  }

  /** The engine, for tests and benchmarks that need to reach behind the API. */
  get engineForTests(): Engine {
    return this.engine
  }

  /** Where the control server listens, once a transport has started it. */
  setControlUrl(url: string): void {
    this.controlAddress = url
    this.emit('status', this.status())
  }

  status(): Status {
    const upstream = this.options.upstream ?? 'demo'
    const s: Status = {
      version,
      proxyUrl: this.proxyAddress,
      controlUrl: this.controlAddress,
      upstream,
      upstreamState: this.upstream.state,
      mode: this.options.observeDjango ? 'observe-django' : 'middleware',
      settingsOwnedByApp: Boolean(this.options.observeDjango),
      dataDir: this.dataDir.path,
      databasePath: this.options.databasePath ?? join(this.dataDir.path, 'sessions.sqlite3')
    }
    if (this.observer) s.observe = this.observer.status()
    if (this.demo) s.demoUrl = this.demo.url
    if (this.upstream.error) s.upstreamError = this.upstream.error
    const problems = this.storage?.list() ?? []
    if (problems.length) s.storageProblems = problems
    s.django = this.sources.django(this.engine.settings())
    s.settingSources = this.sources.all()
    return s
  }

  subscribe(listener: (event: ApiEvent) => void, types?: readonly EventName[]): () => void {
    this.listeners.set(listener, types ? new Set(types) : null)
    return () => this.listeners.delete(listener)
  }

  /** Someone listens for this event. */
  private wants(type: EventName): boolean {
    for (const types of this.listeners.values()) if (!types || types.has(type)) return true
    return false
  }

  /** Announces the sessions the proxy changed once per event-loop tick, each key once. */
  private queueAnnouncements(changes: { key: string; change: 'saved' | 'deleted' }[]): void {
    const first = this.pendingSessions.size === 0
    for (const { key, change } of changes) {
      this.pendingSessions.delete(key)
      this.pendingSessions.set(key, change)
    }
    if (!first) return
    setImmediate(() => {
      const pending = this.pendingSessions
      this.pendingSessions = new Map()
      if (!this.wants('session')) return
      for (const [key, change] of pending) void this.service.announce(key, change)
    })
  }

  private emit<E extends EventName>(type: E, payload: EventMap[E]): void {
    for (const [l, types] of this.listeners) {
      if (types && !types.has(type)) continue
      try {
        l({ type, payload } as ApiEvent)
      } catch {
        // a broken listener must not break the proxy
      }
    }
  }

  /** Closes the proxy, the demo app and the databases. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.service?.stop()
      await this.proxy?.close().catch(() => undefined)
      await this.demo?.close().catch(() => undefined)
      this.clients?.close()
      await this.traffic?.close()
      await this.observer?.stop()
      this.journal?.close()
      await this.users?.close()
      await this.engine?.close()
      this.dataDir.release()
      this.listeners.clear()
    })()
    return this.closing
  }
}

export { ApiError }

/** Observe mode's journal in the data folder (engine/observe/journal.ts). */
export const JOURNAL_FILE = 'observe-journal.sqlite3'

/** What observe mode watches: the target given, or (issue 7's form) db sessions in --database's SQLite file. */
function observeTarget(o: InspectorOptions): ObserveTarget {
  if (o.observe) return o.observe
  if (!o.databasePath) throw new Error("observe-django needs the Django project's SQLite database (--database FILE)")
  return { engine: 'db', database: { kind: 'sqlite', path: o.databasePath } }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
