// The preload bridge: one function per method on its channel, input passed alone, events.
import { describe, expect, it } from 'vitest'
import { API_METHODS } from '../../src/shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../src/shared/bridge'
import { buildBridge, type IpcRendererLike } from '../../src/preload/build-bridge'

function fakeIpc() {
  const invoked: [string, unknown][] = []
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>()
  const ipc: IpcRendererLike = {
    invoke: async (channel, input) => {
      invoked.push([channel, input])
      return { ok: true, value: channel }
    },
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)?.add(listener)
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener)
  }
  const emit = (payload: unknown) => {
    for (const l of listeners.get(IPC_EVENT_CHANNEL) ?? []) l({ sender: 'ipc internals' }, payload)
  }
  return { ipc, invoked, listeners, emit }
}

describe('buildBridge', () => {
  it('has exactly one function per API method plus onEvent', () => {
    const bridge = buildBridge(fakeIpc().ipc)
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'onEvent'].sort())
    for (const key of Object.keys(bridge)) expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function')
    expect(Object.isFrozen(bridge)).toBe(true)
  })

  it('invokes each method on its own channel with the input only', async () => {
    const f = fakeIpc()
    const bridge = buildBridge(f.ipc)
    for (const method of API_METHODS) {
      expect(await bridge[method]({ probe: method })).toEqual({ ok: true, value: ipcChannel(method) })
    }
    expect(f.invoked).toEqual(API_METHODS.map((m) => [ipcChannel(m), { probe: m }]))
  })

  it('delivers events without the IPC event object, and unsubscribes', () => {
    const f = fakeIpc()
    const bridge = buildBridge(f.ipc)
    const seen: unknown[] = []
    const off = bridge.onEvent((e) => seen.push(e))
    f.emit({ type: 'sessions', payload: { reason: 'r' } })
    off()
    f.emit({ type: 'sessions', payload: { reason: 'after' } })
    expect(seen).toEqual([{ type: 'sessions', payload: { reason: 'r' } }])
    expect(f.listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0)
  })
})
