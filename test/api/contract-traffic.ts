// The contract suite's traffic log: every request through the proxy listed with what happened
// to its session, filtered, read in full, exported as HAR, cleared; and the live events.
import { describe, expect, it } from 'vitest'
import type { TrafficSummary } from '../../src/shared/api'
import type { GetFixture } from './contract'
import { apiError, Browser, eventually } from './support'

interface HarLog {
  log: {
    version: string
    creator: { name: string; version: string }
    entries: {
      startedDateTime: string
      request: { method: string; url: string; headers: { name: string; value: string }[]; cookies: { name: string; value: string }[] }
      response: { status: number; headers: { name: string; value: string }[]; cookies: { name: string; value: string }[] }
      _session: { effect: string; reason: string; before: unknown; after: { key: string | null } | null; xSession: unknown }
    }[]
  }
}

/** Clears the log, then makes one request per page with one browser; returns its browser and the listing. */
async function visit(get: GetFixture, pages: string[]): Promise<{ b: Browser; entries: TrafficSummary[] }> {
  const { api, proxyUrl } = get()
  await api.clearTraffic({})
  const b = new Browser(proxyUrl)
  for (const page of pages) await b.get(page)
  // An entry is written when its response has finished on the proxy's side.
  const { entries } = await eventually(async () => {
    const list = await api.listTraffic({})
    return list.total === pages.length && list
  }, `${pages.length} traffic entries`)
  return { b, entries }
}

const PAGES = ['/p1/set/', '/p1/get/', '/p1/del/', '/nowhere/']

export function describeTraffic(get: GetFixture): void {
  describe('traffic', () => {
    it('listTraffic lists every request newest first, with the session before and after and the reason', async () => {
      const { entries, b } = await visit(get, PAGES)
      const key = b.sessionKey()
      expect(entries.map((e) => [e.url, e.status, e.effect])).toEqual([
        ['/nowhere/', 404, 'untouched'],
        ['/p1/del/', 200, 'modified'],
        ['/p1/get/', 200, 'read'],
        ['/p1/set/', 200, 'created']
      ])
      // The list names the sessions; their data comes with each request's detail.
      expect(entries[0]).not.toHaveProperty('requestHeaders')
      expect(entries[2]?.sessionBefore).toEqual({ key })
      const { api } = get()
      const [nowhere, del, read, set] = await Promise.all(entries.map((e) => api.getTraffic({ id: e.id })))
      expect(set).toMatchObject({ method: 'GET', sessionBefore: null, sessionAfter: { key, data: { name: 'Sonam', lname: 'rathore' } }, clientId: b.clientId, reasonCode: 'created' })
      expect(set?.setCookie).toMatch(new RegExp(`^sessionid=${key};`))
      expect(set?.reason).toMatch(/created/)
      expect(read).toMatchObject({ sessionBefore: { key, data: { name: 'Sonam', lname: 'rathore' } }, setCookie: null })
      expect(read?.reason).toMatch(/read but not modified/)
      expect(del?.sessionAfter).toEqual({ key, data: {} })
      expect(nowhere?.reason).toMatch(/did not touch/)
      const ids = entries.map((e) => e.id)
      expect(ids).toEqual([...ids].sort((x, y) => y - x))
      for (const e of entries) {
        expect(Date.parse(e.time)).not.toBeNaN()
        expect(e.durationMs).toBeGreaterThanOrEqual(0)
        expect(e.error).toBeUndefined()
      }
    })

    it('listTraffic filters by search, effect and session key, and pages back with before and limit', async () => {
      const { api } = get()
      const other = new Browser(get().proxyUrl)
      const { b, entries } = await visit(get, PAGES)
      const ids = entries.map((e) => e.id)
      expect((await api.listTraffic({ effect: 'created' })).entries.map((e) => e.url)).toEqual(['/p1/set/'])
      expect((await api.listTraffic({ effect: 'cycled' })).total).toBe(0)
      const search = await api.listTraffic({ search: '/p1/GET' })
      expect(search.entries.map((e) => e.url)).toEqual(['/p1/get/'])
      expect((await api.listTraffic({ search: 'NOWHERE' })).entries.map((e) => [e.url, e.status])).toEqual([['/nowhere/', 404]])

      await other.get('/p2/set/')
      const otherKey = other.sessionKey()
      const mine = await eventually(async () => {
        const list = await api.listTraffic({ sessionKey: b.sessionKey() })
        return list.total === 4 && list
      }, 'the 4 entries of the first session')
      expect(mine.entries.map((e) => e.url)).toEqual(['/nowhere/', '/p1/del/', '/p1/get/', '/p1/set/'])
      expect((await api.listTraffic({ sessionKey: otherKey })).entries.map((e) => e.url)).toEqual(['/p2/set/'])

      const page = await api.listTraffic({ before: ids[1] as number, limit: 1 })
      expect(page.entries.map((e) => e.id)).toEqual([ids[2]])
      expect((await api.listTraffic({ limit: 2 })).entries).toHaveLength(2)
      await apiError(api.listTraffic({ effect: 'exploded' as 'created' }), 'bad_request')
    })

    it('getTraffic has the headers, the decoded X-Session and X-Session-Update, and the decision', async () => {
      const { api } = get()
      const { entries, b } = await visit(get, ['/p1/set/', '/p1/get/'])
      const key = b.sessionKey()
      const read = await api.getTraffic({ id: entries[0]?.id as number })
      expect(read.url).toBe('/p1/get/')
      const cookie = read.requestHeaders.find(([n]) => n.toLowerCase() === 'cookie')?.[1]
      expect(cookie).toContain(`sessionid=${key}`)
      expect(read.requestHeaders.find(([n]) => n.toLowerCase() === 'user-agent')?.[1]).toBe(b.userAgent)
      expect(read.responseHeaders.find(([n]) => n.toLowerCase() === 'content-type')?.[1]).toMatch(/text\/html/)
      expect(read.responseHeaders.find(([n]) => n.toLowerCase() === 'vary')?.[1]).toMatch(/Cookie/)
      expect(read.xSession).toMatchObject({ key, data: { name: 'Sonam', lname: 'rathore' }, cookieAge: 20 })
      expect(read.xSessionUpdate).toEqual({ accessed: true })
      expect(read.decision).toMatchObject({ reason: 'read', saved: false, keyBefore: key, keyAfter: key })
      expect(read.droppedCookies).toEqual([])

      const created = await api.getTraffic({ id: entries[1]?.id as number })
      expect(created.xSession).toMatchObject({ key: null, data: {} })
      expect(created.responseHeaders.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v.split('=')[0])).toEqual(['sessionid', 'si_client'])
      expect(created.decision).toMatchObject({ reason: 'created', saved: true, keyAfter: key })
      await apiError(api.getTraffic({ id: 987654321 }), 'not_found')
    })

    it('exportHar gives a HAR 1.2 log with a _session field per entry, all or by id', async () => {
      const { api, proxyUrl } = get()
      const { entries, b } = await visit(get, PAGES)
      const all = await api.exportHar({ redact: false })
      expect(all.count).toBe(4)
      const har = JSON.parse(JSON.stringify(all.har)) as HarLog
      expect(har.log.version).toBe('1.2')
      expect(har.log.creator.name).toBe('Session Inspector')
      expect(har.log.entries.map((e) => [e.request.url, e.response.status, e._session.effect])).toEqual([
        [`${proxyUrl}/p1/set/`, 200, 'created'],
        [`${proxyUrl}/p1/get/`, 200, 'read'],
        [`${proxyUrl}/p1/del/`, 200, 'modified'],
        [`${proxyUrl}/nowhere/`, 404, 'untouched']
      ])
      const [set, read] = har.log.entries
      expect(set?._session.after?.key).toBe(b.sessionKey())
      expect(set?.response.cookies.map((c) => c.name)).toEqual(['sessionid', 'si_client'])
      expect(read?.request.cookies).toContainEqual({ name: 'sessionid', value: b.sessionKey() })
      expect(read?._session.reason).toMatch(/read/)
      for (const e of har.log.entries) expect(Date.parse(e.startedDateTime)).not.toBeNaN()

      // By default the session cookie's value is masked everywhere, with a digest that still tells sessions apart.
      const masked = JSON.stringify((await api.exportHar({})).har)
      expect(masked).not.toContain(b.sessionKey())
      expect(masked).toMatch(/sessionid=redacted-[0-9a-f]{8}/)
      expect(masked).toContain('Session cookie values, _auth_user_hash and X-Session* payloads are masked')

      const picked = await api.exportHar({ ids: [entries[0]?.id as number, entries[3]?.id as number] })
      expect(picked.count).toBe(2)
      expect((picked.har as HarLog).log.entries.map((e) => e.request.url)).toEqual([`${proxyUrl}/p1/set/`, `${proxyUrl}/nowhere/`])
    })

    it('clearTraffic empties the log and says how many entries went', async () => {
      const { api } = get()
      await visit(get, ['/p1/set/', '/p1/get/'])
      expect(await api.clearTraffic({})).toEqual({ cleared: 2 })
      expect(await api.listTraffic({})).toEqual({ entries: [], total: 0 })
      expect(await api.exportHar({})).toMatchObject({ count: 0 })
    })
  })

  describe('events', () => {
    it('a request through the proxy produces traffic, session and client events', async () => {
      const rec = await get().record()
      try {
        const b = new Browser(get().proxyUrl, 'Events/1.0')
        await b.get('/p1/set/?events')
        const key = b.sessionKey()
        const traffic = await rec.waitFor('traffic', (t) => t.url === '/p1/set/?events')
        expect(traffic).toMatchObject({ effect: 'created', status: 200, sessionAfter: { key } })
        expect(traffic).not.toHaveProperty('requestHeaders')
        const session = await rec.waitFor('session', (s) => s.key === key)
        expect(session).toMatchObject({ change: 'saved', session: { key, data: { name: 'Sonam', lname: 'rathore' } } })
        expect((await rec.waitFor('client', (c) => c.userAgent === 'Events/1.0')).id).toBe(b.clientId)
      } finally {
        rec.close()
      }
    })

    it('clock and settings changes produce clock and settings events (SECRET_KEY masked)', async () => {
      const { api } = get()
      const rec = await get().record()
      try {
        await api.freezeClock({ frozen: true })
        expect((await rec.waitFor('clock', (c) => c.frozen)).offsetSeconds).toBeGreaterThanOrEqual(-0.05) // frozen now, real time read a moment later: a few ms behind
        await api.updateSettings({ settings: { SESSION_COOKIE_AGE: 77 } })
        const settings = await rec.waitFor('settings', (s) => s.SESSION_COOKIE_AGE === 77)
        expect(settings.SECRET_KEY).toBe((await api.getSettings({})).SECRET_KEY)
        expect(settings.SECRET_KEY).toMatch(/^\*{8}/)
      } finally {
        rec.close()
      }
    })
  })
}
