// Starts a real control server on 127.0.0.1:0 over the fake Api, and sends raw requests
// (node:http, so tests can set any Host header and keep paths unnormalised).
import { request } from 'node:http'
import { startControlServer, type ControlServer } from '../../src/main/control'
import { createFakeApi, type FakeApi } from '../support/fake-api'

export const TOKEN = 'test-token-0123456789'

export interface Harness extends FakeApi {
  server: ControlServer
  logs: string[]
  close(): Promise<void>
}

export async function startHarness(options: { uiDir?: string; pingIntervalMs?: number } = {}): Promise<Harness> {
  const fake = createFakeApi()
  const logs: string[] = []
  const server = await startControlServer({
    api: fake.api,
    events: fake.events,
    token: TOKEN,
    host: '127.0.0.1',
    port: 0,
    uiDir: options.uiDir ?? '/nonexistent-ui-dir',
    version: '9.9.9-test',
    log: (line) => logs.push(line),
    pingIntervalMs: options.pingIntervalMs
  })
  return { ...fake, server, logs, close: () => server.close() }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json(): unknown
}

/** One request with exactly the given path and headers (Host included). */
export function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { Host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown })
        })
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

export const auth = { Authorization: `Bearer ${TOKEN}` }
export const jsonHeaders = { ...auth, 'Content-Type': 'application/json' }
