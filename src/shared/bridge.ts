// What the preload script exposes to the renderer in Electron: one function per API
// method (built from API_METHODS), plus the event subscription. IPC cannot carry error
// details, so every call resolves to a result object instead of rejecting.
import type { ApiEvent, ApiMethod, ApiOutput } from './api'
import type { WireError } from './errors'

/** `window[BRIDGE_KEY]` in Electron windows. */
export const BRIDGE_KEY = 'sessionInspector'

/** The IPC channel of a method, and the one event channel. */
export const ipcChannel = (method: ApiMethod): string => `api:${method}`
export const IPC_EVENT_CHANNEL = 'api:event'

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: WireError }

export type Bridge = { [M in ApiMethod]: (input: unknown) => Promise<IpcResult<ApiOutput<M>>> } & {
  /** Subscribes to API events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void
}
