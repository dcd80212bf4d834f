// Hostile input to the control API found by trying it as a new attacker would (issue 13),
// each kept as a regression test: the real inspector behind the real control server.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlServer, type ControlServer } from '../../src/main/control'
import { Inspector, VERSION } from '../../src/main/inspector'
import { raw, type RawResponse } from '../control/harness'
import { Browser } from './support'

const TOKEN = 'hardening-token-0123456789'
let dir: string
let inspector: Inspector
let control: ControlServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-api-hardening-'))
  inspector = await Inspector.start({ dataDir: dir, listen: { host: '127.0.0.1', port: 0 }, upstream: 'demo', log: () => undefined })
  control = await startControlServer({ api: inspector.api, events: inspector, token: TOKEN, host: '127.0.0.1', port: 0, uiDir: '/nonexistent-ui-dir', version: VERSION, log: () => undefined })
})
afterAll(async () => {
  await control?.close()
  await inspector?.close()
  rmSync(dir, { recursive: true, force: true })
})

function call(method: string, path: string, body?: string): Promise<RawResponse> {
  const headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return raw(control.port, { method, path, headers, body })
}

function expect400(res: RawResponse, message: RegExp): void {
  expect(res.status, res.text).toBe(400)
  const body = res.json() as { error: string; code: string }
  expect(body.code).toBe('bad_request')
  expect(body.error).toMatch(message)
}

/** A session in the store (the demo's first program sets one), holding `data`. */
async function sessionWith(data: Record<string, string>): Promise<string> {
  const b = new Browser(inspector.proxyUrl)
  await b.get('/p1/set/')
  const key = b.cookies.get('sessionid') as string
  expect(key).toMatch(/^[a-z0-9]{32}$/)
  await inspector.api.updateSessionData({ key, data })
  return key
}

describe('deeply nested JSON in an API body', () => {
  it('PUT /api/sessions/:key/data nested 3,000 deep: 400 naming the limit, the session unchanged', async () => {
    const key = await sessionWith({ user: 'alice' })
    const deep = `${'{"x":'.repeat(3000)}1${'}'.repeat(3000)}`
    expect400(await call('PUT', `/api/sessions/${key}/data`, `{"data":${deep}}`), /nests more than 100 levels deep/)
    expect400(await call('PUT', `/api/sessions/${key}/data`, `{"data":{"list":${'['.repeat(5000)}${']'.repeat(5000)}}}`), /data\.list\[0\].*nests more than 100 levels deep/)
    expect((await inspector.api.getSession({ key })).data).toEqual({ user: 'alice' })
    // The server still answers.
    expect((await call('GET', '/api/health')).status).toBe(200)
  })
})
