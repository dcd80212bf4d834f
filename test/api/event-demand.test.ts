// Events cost nothing when nobody listens: no session is read back to announce it, no view is
// built; a listener for some events only (the Electron menu's clock) does not change that.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import type { ApiEvent } from '../../src/shared/api'
import { Browser } from './browser'

let inspector: Inspector | undefined
let dataDir = ''
afterEach(async () => {
  await inspector?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

it('reads no session back for the UI while nobody listens for session events, and announces once someone does', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'si-demand-'))
  inspector = await Inspector.start({ dataDir, listen: { host: '127.0.0.1', port: 0 }, upstream: 'demo', log: () => undefined })
  const engine = inspector.engineForTests
  const find = engine.find.bind(engine)
  let finds = 0
  engine.find = (key) => {
    finds++
    return find(key)
  }
  const b = new Browser(inspector.proxyUrl, 'Demand/1.0')
  const clockOnly: ApiEvent[] = []
  const stop = inspector.subscribe((e) => clockOnly.push(e), ['clock'])
  await b.get('/p1/set/')
  await b.get('/p1/set/?again')
  await new Promise((r) => setTimeout(r, 50))
  expect(finds).toBe(0)
  expect(clockOnly).toEqual([])
  stop()

  const events: ApiEvent[] = []
  const unsubscribe = inspector.subscribe((e) => events.push(e))
  await b.get('/p1/set/?listened')
  for (let i = 0; i < 100 && !events.some((e) => e.type === 'session'); i++) await new Promise((r) => setTimeout(r, 10))
  unsubscribe()
  expect(finds).toBe(1)
  expect(events.find((e) => e.type === 'session')?.payload).toMatchObject({ key: b.sessionKey(), change: 'saved', session: { data: { name: 'Sonam' } } })
  expect(events.some((e) => e.type === 'traffic')).toBe(true)
})
