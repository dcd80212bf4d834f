// Starting and stopping: a busy port is a one-line error; close is clean and idempotent.
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startControlServer } from '../../src/main/control'
import { createFakeApi } from '../support/fake-api'
import { startHarness } from './harness'

describe('listening', () => {
  it('reports a port in use with a clear message and the errno code', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    const fake = createFakeApi()
    try {
      const error = await startControlServer({ api: fake.api, events: fake.events, token: 't', host: '127.0.0.1', port, version: '1' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe(`control server cannot listen on 127.0.0.1:${port}: the address is already in use (is another Session Inspector running?)`)
      expect((error as NodeJS.ErrnoException).code).toBe('EADDRINUSE')
    } finally {
      blocker.close()
    }
  })

  it('refuses to start without a token', async () => {
    const fake = createFakeApi()
    await expect(startControlServer({ api: fake.api, events: fake.events, token: '', host: '127.0.0.1', port: 0, version: '1' })).rejects.toThrow(/token/)
  })

  it('gives its URL and port, and closes twice without error', async () => {
    const h = await startHarness()
    expect(h.server.url).toBe(`http://127.0.0.1:${h.server.port}`)
    expect(h.server.port).toBeGreaterThan(0)
    await Promise.all([h.close(), h.close()])
    await h.close()
    await expect(fetch(`${h.server.url}/api/health`)).rejects.toThrow()
  })
})
