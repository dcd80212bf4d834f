// Starts a real Inspector (proxy + engine + traffic log) in a temporary data dir for a
// test file, and waits for the traffic entries its requests produce.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { ApiEvent, EventName, EventMap, TrafficEntry, TrafficSummary } from '../../../src/shared/api'
import { Inspector, type InspectorOptions } from '../../../src/main/inspector'

export type StartOptions = Omit<InspectorOptions, 'dataDir'>

export interface Started {
  inspector: Inspector
  dataDir: string
  events: ApiEvent[]
  close(): Promise<void>
}

/** An inspector on 127.0.0.1:0 in a fresh data dir; every event it emits is recorded. */
export async function startInspector(options: StartOptions = {}): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'si-proxy-test-'))
  const inspector = await Inspector.start({ listen: { host: '127.0.0.1', port: 0 }, log: () => undefined, ...options, dataDir })
  const events: ApiEvent[] = []
  inspector.subscribe((e) => events.push(e))
  return {
    inspector,
    dataDir,
    events,
    close: async () => {
      await inspector.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** One inspector for a describe block / file; the getter throws until it has started. */
export function useInspector(options: StartOptions | (() => StartOptions | Promise<StartOptions>) = {}): () => Started {
  let started: Started | null = null
  beforeAll(async () => {
    started = await startInspector(typeof options === 'function' ? await options() : options)
  })
  afterAll(async () => {
    await started?.close()
  })
  return () => {
    if (!started) throw new Error('the inspector is not running')
    return started
  }
}

/** Resolves with the first event of a type (emitted from now on) that matches. */
export function nextEvent<E extends EventName>(inspector: Inspector, type: E, match: (payload: EventMap[E]) => boolean = () => true, timeoutMs = 10_000): Promise<EventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${type} event within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = inspector.subscribe((e) => {
      if (e.type !== type || !match(e.payload as EventMap[E])) return
      clearTimeout(timer)
      off()
      resolve(e.payload as EventMap[E])
    })
  })
}

/**
 * Runs `action` and returns its result with the full traffic entry of the request to `url`
 * it caused (the entry is logged when the response finishes, which may be a moment after
 * the client has read it).
 */
export async function withEntry<T>(inspector: Inspector, url: string, action: () => Promise<T>): Promise<{ result: T; entry: TrafficEntry }> {
  const summary = nextEvent(inspector, 'traffic', (s: TrafficSummary) => s.url === url)
  const result = await action()
  const { id } = await summary
  return { result, entry: await inspector.api.getTraffic({ id }) }
}

/** Engine time frozen at a round moment, so Expires dates can be asserted exactly. */
export async function freezeAt(inspector: Inspector, iso: string): Promise<Date> {
  await inspector.api.freezeClock({ frozen: true })
  await inspector.api.setClock({ now: iso })
  return new Date(iso)
}
