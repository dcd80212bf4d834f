// A small in-memory Api for transport tests: records every call, keeps a clock, settings and
// a few sessions, and emits events through a hub whose listener count tests can read.
import { API_METHODS, type Api, type ApiEvent, type ApiMethod, type ClockState, type EventSource, type SessionInfo } from '../../src/shared/api'
import { ApiError } from '../../src/shared/errors'
import { DEFAULT_SETTINGS, maskSecret, validateSettingsPatch, type Settings } from '../../src/shared/settings'

export interface RecordedCall {
  method: ApiMethod
  input: unknown
}

/** An EventSource tests can push events into. */
export class EventHub implements EventSource {
  private listeners = new Set<(event: ApiEvent) => void>()

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  emit(event: ApiEvent): void {
    for (const listener of [...this.listeners]) listener(event)
  }

  get listenerCount(): number {
    return this.listeners.size
  }
}

export interface FakeApi {
  api: Api
  events: EventHub
  calls: RecordedCall[]
  /** Sessions by key (tests may add some). */
  sessions: Map<string, SessionInfo>
}

export function fakeSession(key: string, data: SessionInfo['data'] = {}): SessionInfo {
  return {
    key,
    data,
    expireDate: '2030-01-01T00:00:00.000Z',
    expiryAge: 1209600,
    expireAtBrowserClose: false,
    expired: false,
    savedAt: '2029-12-18T00:00:00.000Z',
    customExpiry: null,
    clientId: null,
    engine: 'db'
  }
}

/**
 * Methods with behaviour: settings (the shared validator, so invalid_setting errors are
 * real), the clock, sessions (404 for unknown keys). Every other method answers
 * `{ method, input }` so a test can see what arrived.
 */
export function createFakeApi(): FakeApi {
  const events = new EventHub()
  const calls: RecordedCall[] = []
  const sessions = new Map<string, SessionInfo>()
  let settings: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'fake-secret-key-for-tests-only' }
  let offsetSeconds = 0
  let frozen = false
  const base = Date.parse('2030-01-01T00:00:00Z')

  const clock = (): ClockState => ({
    now: new Date(base + offsetSeconds * 1000).toISOString(),
    realNow: new Date(base).toISOString(),
    offsetSeconds,
    frozen
  })
  const masked = (): Settings => ({ ...settings, SECRET_KEY: maskSecret(settings.SECRET_KEY) })
  const session = (key: string): SessionInfo => {
    const found = sessions.get(key)
    if (!found) throw new ApiError('not_found', `no session ${key}`)
    return found
  }
  const emitClock = (): ClockState => {
    const state = clock()
    events.emit({ type: 'clock', payload: state })
    return state
  }

  const behaviour: Partial<Record<ApiMethod, (input: never) => unknown>> = {
    health: () => ({ ok: true, version: '9.9.9-test' }),
    getSettings: () => masked(),
    updateSettings: (input: { settings: Record<string, unknown> }) => {
      const result = validateSettingsPatch(settings, input.settings)
      if (!result.ok) throw new ApiError('invalid_setting', result.errors[0]?.message ?? 'invalid setting', result.errors)
      settings = result.settings
      return masked()
    },
    getClock: () => clock(),
    advanceClock: (input: { seconds: number }) => {
      offsetSeconds += input.seconds
      return emitClock()
    },
    freezeClock: (input: { frozen: boolean }) => {
      frozen = input.frozen
      return emitClock()
    },
    resetClock: () => {
      offsetSeconds = 0
      frozen = false
      return emitClock()
    },
    getSession: (input: { key: string }) => session(input.key),
    deleteSession: (input: { key: string }) => {
      session(input.key)
      sessions.delete(input.key)
      return { deleted: true }
    }
  }

  const api = {} as Record<ApiMethod, (input: unknown) => Promise<unknown>>
  for (const method of API_METHODS) {
    api[method] = async (input: unknown) => {
      calls.push({ method, input })
      const fn = behaviour[method] as ((input: unknown) => unknown) | undefined
      return fn ? fn(input) : { method, input }
    }
  }
  return { api: api as unknown as Api, events, calls, sessions }
}
