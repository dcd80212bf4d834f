// GET /api/events: SSE frames in order, pings, and no listener left behind.
import { request, type IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiEvent, ClockState } from '../../src/shared/api'
import { formatEvent } from '../../src/main/control/event-stream'
import { openEvents } from '../support/http-api'
import { auth, startHarness, TOKEN, type Harness } from './harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const clockEvent = (offsetSeconds: number): ApiEvent => ({
  type: 'clock',
  payload: { now: '2030-01-01T00:00:00.000Z', realNow: '2030-01-01T00:00:00.000Z', offsetSeconds, frozen: false }
})

describe('event stream', () => {
  it('answers text/event-stream, no-store, only with the token', async () => {
    h = await startHarness()
    const denied = await fetch(`${h.server.url}/api/events`)
    expect(denied.status).toBe(401)
    expect(h.events.listenerCount).toBe(0)

    const controller = new AbortController()
    const res = await fetch(`${h.server.url}/api/events`, { headers: auth, signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    controller.abort()
  })

  it('delivers every event, in order, as `event:` / `data:` frames', async () => {
    h = await startHarness()
    const stream = await openEvents(h.server.url, TOKEN)
    await until(() => h!.events.listenerCount === 1, 'the subscription')
    for (let i = 0; i < 200; i++) h.events.emit(clockEvent(i))
    h.events.emit({ type: 'sessions', payload: { reason: 'line one\nline two' } })
    for (let i = 0; i < 200; i++) expect(await stream.next()).toEqual(clockEvent(i))
    expect(await stream.next()).toEqual({ type: 'sessions', payload: { reason: 'line one\nline two' } })
    stream.close()
  })

  it('delivers what the API emits (advance the clock over HTTP, see the clock event)', async () => {
    h = await startHarness()
    const stream = await openEvents(h.server.url, TOKEN)
    await until(() => h!.events.listenerCount === 1, 'the subscription')
    await fetch(`${h.server.url}/api/clock/advance`, { method: 'POST', headers: auth, body: '{"seconds":3600}' })
    const event = await stream.next()
    expect(event.type).toBe('clock')
    expect((event.payload as ClockState).offsetSeconds).toBe(3600)
    stream.close()
  })

  it('fans out to several clients and releases each listener when its client goes', async () => {
    h = await startHarness()
    const a = await openEvents(h.server.url, TOKEN)
    const b = await openEvents(h.server.url, TOKEN)
    await until(() => h!.events.listenerCount === 2, 'two subscriptions')
    h.events.emit(clockEvent(1))
    expect(await a.next()).toEqual(clockEvent(1))
    expect(await b.next()).toEqual(clockEvent(1))
    a.close()
    await until(() => h!.events.listenerCount === 1, 'the first listener to be released')
    h.events.emit(clockEvent(2))
    expect(await b.next()).toEqual(clockEvent(2))
    b.close()
    await until(() => h!.events.listenerCount === 0, 'every listener to be released')
  })

  it('releases the listener when the socket is destroyed mid-stream', async () => {
    h = await startHarness()
    const port = h.server.port
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers: { ...auth, Host: `127.0.0.1:${port}` } })
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve)
      req.on('error', reject)
      req.end()
    })
    expect(res.statusCode).toBe(200)
    await until(() => h!.events.listenerCount === 1, 'the subscription')
    req.on('error', () => {})
    req.destroy()
    await until(() => h!.events.listenerCount === 0, 'the listener to be released')
  })

  it('sends `: ping` comments to keep the connection alive', async () => {
    h = await startHarness({ pingIntervalMs: 20 })
    const controller = new AbortController()
    const res = await fetch(`${h.server.url}/api/events`, { headers: auth, signal: controller.signal })
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!text.includes(': ping\n\n')) {
      const { value, done } = await reader.read()
      if (done) throw new Error('stream ended')
      text += value
    }
    expect(text.startsWith(': connected\n\n')).toBe(true)
    controller.abort()
  })

  it('ends open streams when the server closes', async () => {
    h = await startHarness()
    const stream = await openEvents(h.server.url, TOKEN)
    await until(() => h!.events.listenerCount === 1, 'the subscription')
    await h.close()
    await expect(stream.next()).rejects.toThrow()
    expect(h.events.listenerCount).toBe(0)
  })

  it('keeps each frame on its own lines whatever the payload holds', () => {
    const frame = formatEvent({ type: 'sessions', payload: { reason: 'a\n\nevent: forged\r\ndata: x' } })
    expect(frame.split('\n')).toEqual(['event: sessions', 'data: {"reason":"a\\n\\nevent: forged\\r\\ndata: x"}', '', ''])
  })

  it('refuses other verbs on /api/events', async () => {
    h = await startHarness()
    const res = await fetch(`${h.server.url}/api/events`, { method: 'POST', headers: auth })
    expect(res.status).toBe(405)
  })
})
