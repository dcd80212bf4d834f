// Builds the bridge the preload exposes: one function per API method (a loop over API_METHODS)
// and onEvent. Takes ipcRenderer's two operations, so it can be tested without Electron.
import { API_METHODS, type ApiEvent } from '../shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel, type Bridge } from '../shared/bridge'

export interface IpcRendererLike {
  invoke(channel: string, input: unknown): Promise<unknown>
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
}

export function buildBridge(ipc: IpcRendererLike): Bridge {
  const bridge: Record<string, unknown> = {}
  for (const method of API_METHODS) {
    // Only the input crosses: never the IPC event or the ipcRenderer object itself.
    bridge[method] = (input: unknown) => ipc.invoke(ipcChannel(method), input)
  }
  bridge.onEvent = (listener: (event: ApiEvent) => void) => {
    const forward = (_event: unknown, payload: unknown): void => listener(payload as ApiEvent)
    ipc.on(IPC_EVENT_CHANNEL, forward)
    return () => {
      ipc.removeListener(IPC_EVENT_CHANNEL, forward)
    }
  }
  return Object.freeze(bridge) as unknown as Bridge
}
