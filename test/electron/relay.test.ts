// The relay that stands in for the inspector while it starts.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { createRelay } from '../../src/main/electron/relay'
import { createFakeApi } from '../support/fake-api'

describe('createRelay', () => {
  it('answers "still starting" before the inspector is attached', async () => {
    const relay = createRelay()
    const error = await relay.api.health({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'unsupported', message: expect.stringContaining('starting') })
  })

  it('forwards calls and events once attached, and stops on detach', async () => {
    const relay = createRelay()
    const fake = createFakeApi()
    const seen: unknown[] = []
    const stop = relay.events.subscribe((e) => seen.push(e))
    relay.attach({ api: fake.api, subscribe: (l) => fake.events.subscribe(l) })
    expect(await relay.api.advanceClock({ seconds: 5 })).toMatchObject({ offsetSeconds: 5 })
    expect(fake.calls).toEqual([{ method: 'advanceClock', input: { seconds: 5 } }])
    expect(seen).toEqual([{ type: 'clock', payload: expect.objectContaining({ offsetSeconds: 5 }) }])
    stop()
    fake.events.emit({ type: 'sessions', payload: { reason: 'x' } })
    expect(seen).toHaveLength(1)
    relay.detach()
    expect(fake.events.listenerCount).toBe(0)
    await expect(relay.api.health({})).rejects.toThrow(/starting/)
  })
})
