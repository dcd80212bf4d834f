// The IPC transport: one handler per API method (a loop over API_METHODS), each checking its
// sender and validating its input; API events pushed to the window on one channel.
import type { IpcMainInvokeEvent } from 'electron'
import { API_METHODS, type Api, type ApiMethod, type EventSource } from '../../shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel, type IpcResult } from '../../shared/bridge'
import { ApiError, toApiError } from '../../shared/errors'
import { validateInput } from '../../shared/validate'

/** The part of ipcMain the transport uses (injected, so handlers are testable without Electron). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, input: unknown) => Promise<IpcResult<unknown>>): void
  removeHandler(channel: string): void
}

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/** One method's handler: sender check, shared validation, call; errors become `{ok: false}` (IPC drops error details). */
export function makeIpcHandler(method: ApiMethod, api: Api, isTrusted: SenderCheck, log: (line: string) => void) {
  return async (event: IpcMainInvokeEvent, input: unknown): Promise<IpcResult<unknown>> => {
    if (!isTrusted(event)) {
      log(`ipc: refused ${method} from ${event.senderFrame?.url ?? 'a closed frame'}`)
      return { ok: false, error: new ApiError('forbidden', 'this frame may not call the Session Inspector API').toWire() }
    }
    try {
      const valid = validateInput(method, input)
      const value = await (api[method] as (input: unknown) => Promise<unknown>).call(api, valid)
      return { ok: true, value }
    } catch (e) {
      if (!(e instanceof ApiError)) log(`ipc: ${method} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      return { ok: false, error: toApiError(e).toWire() }
    }
  }
}

/** Registers every method; returns the function that removes them again. */
export function registerIpc(ipcMain: IpcMainLike, api: Api, isTrusted: SenderCheck, log: (line: string) => void): () => void {
  for (const method of API_METHODS) ipcMain.handle(ipcChannel(method), makeIpcHandler(method, api, isTrusted, log))
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method))
  }
}

/** The part of WebContents events are sent to. */
export interface EventSink {
  isDestroyed(): boolean
  send(channel: string, payload: unknown): void
}

/** Forwards API events to a window until it is gone; returns the unsubscribe function. */
export function forwardEvents(events: EventSource, target: EventSink): () => void {
  const unsubscribe = events.subscribe((event) => {
    if (target.isDestroyed()) {
      unsubscribe()
      return
    }
    target.send(IPC_EVENT_CHANNEL, event)
  })
  return unsubscribe
}
