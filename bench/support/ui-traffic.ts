// For the UI benchmark's Traffic scenarios: a data dir whose traffic log already holds N
// requests (written by the proxy's own TrafficLog, shaped like the demo's traffic), and
// page-side frame sampling while something else (a burst of requests) goes on.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { TrafficLog } from '../../src/main/proxy/traffic-log'
import type { SessionEffect, TrafficEntry } from '../../src/shared/api'
import type { ReasonCode } from '../../src/shared/decision'
import { frameStats, type FrameStats } from './ui-measure'
import { randomKeys, sessionData } from './sessions'

interface Shape {
  method: string
  url: string
  status: number
  effect: SessionEffect
  reasonCode: ReasonCode | null
  reason: string
  setCookie: boolean
}

/** A demo visit and what the stylesheet request after it looks like, in turn. */
const SHAPES: Shape[] = [
  { method: 'GET', url: '/p1/set/', status: 200, effect: 'created', reasonCode: 'created', reason: 'Set-Cookie sent: a new session was created; Max-Age=1209600 from SESSION_COOKIE_AGE', setCookie: true },
  { method: 'GET', url: '/demo.css', status: 200, effect: 'untouched', reasonCode: 'untouched', reason: 'No Set-Cookie: the app did not touch the session', setCookie: false },
  { method: 'GET', url: '/p1/get/', status: 200, effect: 'read', reasonCode: 'read', reason: 'No Set-Cookie: the session was read but not modified (Vary: Cookie added)', setCookie: false },
  { method: 'GET', url: '/p3/set/', status: 200, effect: 'modified', reasonCode: 'modified', reason: 'Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)', setCookie: true },
  { method: 'POST', url: '/cart/add/?sku=SKU-42', status: 302, effect: 'modified', reasonCode: 'modified', reason: 'Set-Cookie sent: the session was modified; Max-Age=1209600 from SESSION_COOKIE_AGE', setCookie: true },
  { method: 'GET', url: '/api/items?page=3', status: 500, effect: 'read', reasonCode: 'server-error', reason: 'No Set-Cookie: the response was a 500, so the session was not saved', setCookie: false },
  { method: 'GET', url: '/p3/del/', status: 200, effect: 'flushed', reasonCode: 'deleted-empty', reason: 'Cookie deleted: the session was flushed, so the browser is told to drop its cookie', setCookie: true }
]

/**
 * Writes `count` requests into DATA_DIR/inspector.sqlite3 (where the inspector keeps its
 * traffic log), one second of engine time apart, ending now, over 500 sessions and 50 clients.
 */
export async function seedTraffic(dataDir: string, count: number): Promise<void> {
  const log = new TrafficLog(join(dataDir, 'inspector.sqlite3'), count)
  try {
    const keys = randomKeys(500)
    const clients = randomKeys(50)
    const start = Date.now() - count * 1000
    for (let i = 0; i < count; i++) {
      const shape = SHAPES[i % SHAPES.length]!
      const key = keys[Math.floor(i / SHAPES.length) % keys.length]!
      const data = sessionData(i)
      const at = new Date(start + i * 1000).toISOString()
      const cookie = shape.setCookie ? `sessionid=${key}; expires=Wed, 16 Dec 2026 10:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax` : null
      const entry: TrafficEntry = {
        id: log.nextId(),
        time: at,
        realTime: at,
        method: shape.method,
        url: shape.url,
        status: shape.status,
        durationMs: 2 + (i % 13),
        clientId: clients[i % clients.length]!,
        sessionBefore: shape.effect === 'created' ? null : { key, data },
        sessionAfter: shape.effect === 'flushed' ? null : { key, data: shape.effect === 'modified' ? { ...data, _session_expiry: 600 } : data },
        setCookie: cookie,
        effect: shape.effect,
        reasonCode: shape.reasonCode,
        reason: shape.reason,
        requestHeaders: [['host', '127.0.0.1:8080'], ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0'], ['cookie', `sessionid=${key}`]],
        responseHeaders: [['content-type', 'text/html; charset=utf-8'], ['vary', 'Cookie'], ...(cookie ? [['set-cookie', cookie] as [string, string]] : [])],
        xSession: null,
        xSessionUpdate: null,
        decision: null,
        droppedCookies: []
      }
      log.add(entry)
      if (i % 10_000 === 9_999) await log.flush()
    }
  } finally {
    await log.close()
  }
}

/** Page-side: frame-to-frame times of requestAnimationFrame for `seconds`, with nothing driven. */
const SAMPLE = `async ({ seconds }) => {
  const deltas = []
  await new Promise((done) => {
    let start = 0
    let last = 0
    const step = (now) => {
      if (start === 0) start = now
      else deltas.push(now - last)
      last = now
      if (now - start >= seconds * 1000) done()
      else requestAnimationFrame(step)
    }
    requestAnimationFrame(step)
  })
  return deltas
}`

/** Frame times while the page just runs (and whatever else happens meanwhile). */
export async function sampleFrames(page: Page, seconds: number): Promise<FrameStats> {
  return frameStats((await page.evaluate(`(${SAMPLE})(${JSON.stringify({ seconds })})`)) as number[])
}
