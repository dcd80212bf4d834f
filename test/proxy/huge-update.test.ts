// Issue 23, item 5: an X-Session-Update past the 1 MiB limit. Up to the 4 MiB head the proxy
// reads (Node's parser copies a growing header value on each chunk, so a larger limit costs
// time that grows with its square: 12.8 s of a blocked event loop for 16 MiB, measured), it
// is refused, flagged, and the app's answer passes; past it, the browser gets a 502 that says
// so, and the upstream, which did answer, is not marked down.
import http, { type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withSession } from '../../src/adapters'
import { useInspector } from './support/inspector'

let app: Server
let upstream = ''
let adapted: Server
let adaptedUrl = ''
const warnings: string[] = []
beforeAll(async () => {
  // An app on the Node adapter that keeps 5 MB in its session.
  adapted = http.createServer(
    withSession(
      (req, res) => {
        req.session.set('big', 'x'.repeat(5_000_000))
        res.end('from the adapted app')
      },
      { warn: (line) => warnings.push(line) }
    )
  )
  await new Promise<void>((r) => adapted.listen(0, '127.0.0.1', r))
  adaptedUrl = `http://127.0.0.1:${(adapted.address() as { port: number }).port}`
  app = http.createServer((req, res) => {
    const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('update') ?? 0)
    if (size) res.setHeader('X-Session-Update', 'A'.repeat(size))
    res.end('from the app')
  })
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r))
  upstream = `http://127.0.0.1:${(app.address() as { port: number }).port}`
})
afterAll(() => {
  app.close()
  adapted.close()
})

const inspector = useInspector(() => ({ upstream }))

async function get(path: string): Promise<{ status: number; body: string; update: string | null }> {
  const res = await fetch(`${inspector().inspector.proxyUrl}${path}`)
  return { status: res.status, body: await res.text(), update: res.headers.get('x-session-update') }
}

async function lastEntry() {
  const api = inspector().inspector.api
  for (let i = 0; i < 200; i++) {
    const { entries } = await api.listTraffic({})
    if (entries[0]) return api.getTraffic({ id: entries[0].id })
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('no traffic entry')
}

describe('an X-Session-Update over 1 MiB', () => {
  for (const mib of [1.5, 3.5]) {
    it(`${mib} MiB: refused, flagged, and the app's answer passes`, async () => {
      const r = await get(`/?update=${Math.round(mib * 1024 * 1024)}`)
      expect([r.status, r.body, r.update]).toEqual([200, 'from the app', null])
      const entry = await lastEntry()
      expect(entry.effect).toBe('rejected')
      expect(entry.error).toMatch(/X-Session-Update refused: X-Session-Update is over 1 MiB/)
      expect(inspector().inspector.status().upstreamState).toBe('up')
    })
  }

  it('5 MB: a 502 that says the head is over the 4 MiB the proxy reads; the upstream stays up and the next request passes', async () => {
    expect((await get('/')).status).toBe(200)
    const r = await get(`/?update=${5_000_000}`)
    expect(r.status).toBe(502)
    expect(r.body).toContain('response headers too large (HPE_HEADER_OVERFLOW): the app answered with a head over 4 MiB, more than the proxy reads')
    const status = inspector().inspector.status()
    expect([status.upstreamState, status.upstreamError]).toEqual(['up', undefined])
    expect(inspector().events.filter((e) => e.type === 'status' && (e.payload as { upstreamState: string }).upstreamState === 'down')).toEqual([])
    expect((await get('/')).status).toBe(200)
  })
})

describe('the Node adapter with 5 MB in the session', () => {
  const viaAdapter = useInspector(() => ({ upstream: adaptedUrl }))
  it('sends only enough of the update to be refused: flagged, and the answer passes', async () => {
    const res = await fetch(`${viaAdapter().inspector.proxyUrl}/`)
    expect([res.status, await res.text(), res.headers.get('x-session-update')]).toEqual([200, 'from the adapted app', null])
    const api = viaAdapter().inspector.api
    let entries = (await api.listTraffic({})).entries
    for (let i = 0; i < 200 && !entries.length; i++) {
      await new Promise((r) => setTimeout(r, 10))
      entries = (await api.listTraffic({})).entries
    }
    expect(entries[0]?.effect).toBe('rejected')
    expect((await api.getTraffic({ id: entries[0]?.id as number })).error).toMatch(/X-Session-Update refused: X-Session-Update is over 1 MiB/)
    expect(warnings.join('\n')).toMatch(/the session update is 6666\d{3} bytes, over the proxy's 1 MiB limit: it will not be saved/)
    expect(viaAdapter().inspector.status().upstreamState).toBe('up')
  })
})
