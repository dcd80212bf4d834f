// What the UI needs from any host (Electron, HTTP, or an in-memory fake in tests).
import { API_METHODS, EVENT_NAMES, type Api, type ApiEvent, type ApiMethod } from '../../shared/api'
import type { StreamState } from './sse'

export type ConnectionState = StreamState

/** Everything the UI needs from a host: the API, its events, and whether they are flowing. */
export interface ApiClient extends Api {
  readonly transport: 'electron' | 'http' | 'memory'
  /** Subscribes to API events; returns the unsubscribe function. */
  subscribe(listener: (event: ApiEvent) => void): () => void
  /** Reports the event connection's state now and on every change; returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void
}

/** Builds an Api object whose every method is `call(method, input)`. */
export function apiFromCall(call: (method: ApiMethod, input: unknown) => Promise<unknown>): Api {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {}
  for (const method of API_METHODS) api[method] = (input: unknown) => call(method, input ?? {})
  return api as unknown as Api
}

export function isApiEvent(value: unknown): value is ApiEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    (EVENT_NAMES as readonly string[]).includes((value as ApiEvent).type) &&
    'payload' in value
  )
}
