// What the API contract suite runs on: a real inspector (demo app upstream) reached either
// directly or through a real control server, a browser stand-in that carries its cookies
// through the proxy, and an event recorder over inspector.subscribe or SSE.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { startControlServer } from '../../src/main/control'
import { Inspector, VERSION } from '../../src/main/inspector'
import type { Api, ApiEvent, EventMap, EventName } from '../../src/shared/api'
import { ApiError, type ErrorCode } from '../../src/shared/errors'
import { httpApi, openEvents } from '../support/http-api'

export { Browser, nameOnPage } from './browser'

/** What the contract suite needs from one way of reaching the API. */
export interface ApiFixture {
  api: Api
  proxyUrl: string
  /** What getStatus should report as controlUrl ('' when no control server runs). */
  controlUrl: string
  /** Starts recording events; stop it with close(). */
  record(): Promise<EventRecorder>
  close(): Promise<void>
}

export type MakeApi = () => Promise<ApiFixture>

/** The settings every contract test starts from (besides Django's defaults). */
export const BASE_SETTINGS = { SESSION_COOKIE_AGE: 20 }

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'si-api-'))
}

async function startInspector(dataDir: string): Promise<Inspector> {
  return Inspector.start({ dataDir, listen: { host: '127.0.0.1', port: 0 }, upstream: 'demo', settings: BASE_SETTINGS, log: () => undefined })
}

/** The API as the Electron shell and scripts in-process see it: inspector.api, inspector.subscribe. */
export const direct: MakeApi = async () => {
  const dataDir = tempDir()
  const inspector = await startInspector(dataDir)
  return {
    api: inspector.api,
    proxyUrl: inspector.proxyUrl,
    controlUrl: '',
    async record() {
      const recorder = new EventRecorder()
      const unsubscribe = inspector.subscribe((e) => recorder.push(e))
      recorder.onClose(unsubscribe)
      return recorder
    },
    async close() {
      await inspector.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export const TOKEN = 'contract-token-0123456789abcdef'

/** The same API through the control server on 127.0.0.1:0: httpApi for calls, SSE for events. */
export const overHttp: MakeApi = async () => {
  const dataDir = tempDir()
  const inspector = await startInspector(dataDir)
  const control = await startControlServer({
    api: inspector.api,
    events: inspector,
    token: TOKEN,
    host: '127.0.0.1',
    port: 0,
    uiDir: '/nonexistent-ui-dir',
    version: VERSION,
    log: () => undefined
  })
  inspector.setControlUrl(control.url)
  return {
    api: httpApi(control.url, TOKEN),
    proxyUrl: inspector.proxyUrl,
    controlUrl: control.url,
    async record() {
      const recorder = new EventRecorder()
      const stream = await openEvents(control.url, TOKEN)
      let open = true
      recorder.onClose(() => {
        open = false
        stream.close()
      })
      void (async () => {
        while (open) recorder.push(await stream.next())
      })().catch(() => undefined)
      return recorder
    },
    async close() {
      await control.close()
      await inspector.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** Collects events and waits for one that matches. */
export class EventRecorder {
  readonly events: ApiEvent[] = []
  private waiters = new Set<() => void>()
  private closers: (() => void)[] = []

  push(event: ApiEvent): void {
    this.events.push(event)
    for (const w of [...this.waiters]) w()
  }

  onClose(fn: () => void): void {
    this.closers.push(fn)
  }

  close(): void {
    for (const fn of this.closers.splice(0)) fn()
  }

  /** The payloads of one event type seen so far. */
  of<E extends EventName>(type: E): EventMap[E][] {
    return this.events.filter((e) => e.type === type).map((e) => e.payload as EventMap[E])
  }

  /** The first event of a type (seen already or still to come) whose payload matches. */
  waitFor<E extends EventName>(type: E, match: (payload: EventMap[E]) => boolean = () => true, timeoutMs = 5000): Promise<EventMap[E]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.of(type).find(match)
        if (found === undefined) return false
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve(found)
        return true
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`no matching ${type} event within ${timeoutMs} ms; saw: ${this.events.map((e) => e.type).join(', ') || 'nothing'}`))
      }, timeoutMs)
      if (!check()) this.waiters.add(check)
    })
  }
}

/** Awaits a call that must fail with an ApiError of `code`; returns the error for more checks. */
export async function apiError(call: Promise<unknown>, code: ErrorCode): Promise<ApiError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected an ApiError ${code}, got ${JSON.stringify(value)}`)
    },
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ApiError)
  expect((error as ApiError).code, (error as Error).message).toBe(code)
  return error as ApiError
}

/** Polls until fn returns a truthy value (the traffic log is written when a response finishes). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
