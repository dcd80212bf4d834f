// The IPC transport: one handler per method, sender checked, input validated, errors as results.
import { describe, expect, it } from 'vitest'
import { API_METHODS } from '../../src/shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../src/shared/bridge'
import { forwardEvents, registerIpc, type IpcMainLike } from '../../src/main/electron/ipc'
import { createFakeApi } from '../support/fake-api'

// The Electron types, reached through the transport's own (this test may not import electron).
type Handler = Parameters<IpcMainLike['handle']>[1]
type IpcMainInvokeEvent = Parameters<Handler>[0]

function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    },
    removeHandler(channel) {
      handlers.delete(channel)
    }
  }
  return { ipcMain, handlers }
}

const event = (trusted: boolean) => ({ trusted, senderFrame: { url: trusted ? 'app://session-inspector/' : 'https://evil.example/' } }) as unknown as IpcMainInvokeEvent
const isTrusted = (e: IpcMainInvokeEvent) => (e as unknown as { trusted: boolean }).trusted

function setup() {
  const fake = createFakeApi()
  const { ipcMain, handlers } = fakeIpcMain()
  const logs: string[] = []
  const dispose = registerIpc(ipcMain, fake.api, isTrusted, (line) => logs.push(line))
  const call = (method: string, input: unknown, trusted = true) => {
    const handler = handlers.get(`api:${method}`)
    if (!handler) throw new Error(`no handler for ${method}`)
    return handler(event(trusted), input)
  }
  return { ...fake, handlers, logs, dispose, call }
}

describe('registerIpc', () => {
  it('registers one handler per API method, and removes them all', () => {
    const s = setup()
    expect([...s.handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort())
    s.dispose()
    expect(s.handlers.size).toBe(0)
  })

  it('calls the method with the validated input and returns {ok: true, value}', async () => {
    const s = setup()
    const result = await s.call('advanceClock', { seconds: 60 })
    expect(result).toMatchObject({ ok: true, value: { offsetSeconds: 60 } })
    expect(s.calls).toEqual([{ method: 'advanceClock', input: { seconds: 60 } }])
  })

  it('treats a missing input as {}', async () => {
    const s = setup()
    expect(await s.call('health', undefined)).toEqual({ ok: true, value: { ok: true, version: '9.9.9-test' } })
  })

  it('refuses an untrusted sender without calling the API, and logs it', async () => {
    const s = setup()
    const result = await s.call('resetClock', {}, false)
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', error: expect.any(String) } })
    expect(s.calls).toEqual([])
    expect(s.logs.join('\n')).toContain('https://evil.example/')
  })

  it('refuses bad input with the same message as HTTP, before the API is called', async () => {
    const s = setup()
    const result = await s.call('advanceClock', { seconds: -1 })
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request', error: expect.stringContaining('advanceClock.seconds') } })
    expect(s.calls).toEqual([])
  })

  it('carries ApiError details (invalid_setting with the setting)', async () => {
    const s = setup()
    const result = await s.call('updateSettings', { settings: { SESSION_COOKIE_AGE: 'x' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_setting', setting: 'SESSION_COOKIE_AGE' } })
  })

  it('turns unexpected errors into internal results and logs them', async () => {
    const s = setup()
    s.api.listClients = async () => {
      throw new RangeError('boom')
    }
    const result = await s.call('listClients', {})
    expect(result).toEqual({ ok: false, error: { code: 'internal', error: 'boom' } })
    expect(s.logs.some((l) => l.includes('RangeError'))).toBe(true)
  })
})

describe('forwardEvents', () => {
  it('sends every event on the event channel until the window is destroyed', () => {
    const fake = createFakeApi()
    const sent: [string, unknown][] = []
    let destroyed = false
    forwardEvents(fake.events, { isDestroyed: () => destroyed, send: (channel, payload) => sent.push([channel, payload]) })
    expect(fake.events.listenerCount).toBe(1)
    fake.events.emit({ type: 'sessions', payload: { reason: 'one' } })
    destroyed = true
    fake.events.emit({ type: 'sessions', payload: { reason: 'two' } })
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, { type: 'sessions', payload: { reason: 'one' } }]])
    expect(fake.events.listenerCount).toBe(0)
  })

  it('returns the unsubscribe function', () => {
    const fake = createFakeApi()
    const stop = forwardEvents(fake.events, { isDestroyed: () => false, send: () => {} })
    stop()
    expect(fake.events.listenerCount).toBe(0)
  })
})
