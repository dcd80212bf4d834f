// The contract suite's sessions and clients: made through the proxy by browser stand-ins,
// listed, edited, expired and deleted through the API, with the demo pages showing the effect.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { GetFixture } from './contract'
import { apiError, Browser, eventually, nameOnPage } from './support'

/** Three sessions, one per program page, one engine-second apart (so "newest save" is unambiguous). */
async function threeSessions(get: GetFixture): Promise<[Browser, Browser, Browser]> {
  const { api, proxyUrl } = get()
  const browsers: Browser[] = []
  for (const page of ['/p1/set/', '/p2/set/', '/p3/set/']) {
    const b = new Browser(proxyUrl)
    await b.get(page)
    browsers.push(b)
    await api.advanceClock({ seconds: 1 })
  }
  return browsers as [Browser, Browser, Browser]
}

/** One session made by program 1's set page; returns its browser and key. */
async function oneSession(get: GetFixture, userAgent?: string): Promise<{ b: Browser; key: string }> {
  const b = new Browser(get().proxyUrl, userAgent)
  await b.get('/p1/set/')
  return { b, key: b.sessionKey() }
}

const MISSING = 'nosuchsessionkey0000000000000000'

export function describeSessions(get: GetFixture): void {
  describe('sessions', () => {
    it('listSessions lists the latest expiry first (the db store: newest save), with what the store holds', async () => {
      const { api } = get()
      const [b1, b2, b3] = await threeSessions(get)
      const list = await api.listSessions({ total: true })
      expect(list.total).toBe(3)
      expect(list.next).toBeNull()
      expect(list.order).toMatch(/expire_date DESC, session_key/)
      expect(list.unsupported).toBeUndefined()
      expect(list.sessions.map((s) => s.key)).toEqual([b3.sessionKey(), b2.sessionKey(), b1.sessionKey()])
      const [s3, s2, s1] = list.sessions
      expect(s1).toMatchObject({ data: { name: 'Sonam', lname: 'rathore' }, expiryAge: 20, customExpiry: null, expired: false, expireAtBrowserClose: false, engine: 'db', clientId: b1.clientId })
      expect(s2?.data).toEqual({ name: 'Sonam', lname: 'Ronaldo' })
      expect(s3).toMatchObject({ data: { name: 'Sonam', _session_expiry: 600 }, expiryAge: 600, customExpiry: 600 })
      expect(Date.parse(s1?.expireDate ?? '') - Date.parse(s1?.savedAt ?? '')).toBe(20_000)
      expect(Date.parse(s3?.savedAt ?? '')).toBeGreaterThan(Date.parse(s2?.savedAt ?? ''))
      expect(await api.getSession({ key: b2.sessionKey() })).toEqual(s2)
    })

    it('listSessions searches keys and data, pages with a cursor, finds by key prefix, and counts', async () => {
      const { api } = get()
      const [b1, b2, b3] = await threeSessions(get)
      const byData = await api.listSessions({ search: 'RONALDO' })
      expect(byData.sessions.map((s) => s.key)).toEqual([b2.sessionKey()])
      const byKey = await api.listSessions({ search: b1.sessionKey().slice(4, 20) })
      expect(byKey.sessions.map((s) => s.key)).toEqual([b1.sessionKey()])
      expect(await api.listSessions({ search: 'nobody-has-this' })).toMatchObject({ sessions: [], next: null })
      // Pages of one: each session once, in order, then no next.
      const first = await api.listSessions({ limit: 1 })
      expect(first.sessions.map((s) => s.key)).toEqual([b3.sessionKey()])
      const second = await api.listSessions({ limit: 1, cursor: first.next as string })
      expect(second.sessions.map((s) => s.key)).toEqual([b2.sessionKey()])
      const third = await api.listSessions({ limit: 1, cursor: second.next as string })
      expect(third.sessions.map((s) => s.key)).toEqual([b1.sessionKey()])
      const after = third.next === null ? null : await api.listSessions({ limit: 1, cursor: third.next })
      expect(after?.sessions ?? []).toEqual([])
      expect((await api.listSessions({ limit: 2 })).sessions.map((s) => s.key)).toEqual([b3.sessionKey(), b2.sessionKey()])
      // Key prefix: through the primary key, in key order.
      const byPrefix = await api.listSessions({ key: b2.sessionKey().slice(0, 6) })
      expect(byPrefix.sessions.map((s) => s.key)).toContain(b2.sessionKey())
      expect(byPrefix.sessions.every((s) => s.key.startsWith(b2.sessionKey().slice(0, 6)))).toBe(true)
      expect(byPrefix.order).toMatch(/session_key/)
      expect((await api.listSessions({ key: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' })).sessions).toEqual([])
      expect(await api.countSessions({})).toEqual({ total: 3, exact: true })
      await apiError(api.listSessions({ limit: -1 }), 'bad_request')
      await apiError(api.listSessions({ limit: 1001 }), 'bad_request')
      await apiError(api.listSessions({ cursor: 'not-a-cursor' }), 'bad_request')
    })

    it('a data search runs over every session in the background: progress, matches, exact; cancel', async () => {
      const { api } = get()
      const [, b2] = await threeSessions(get)
      let search = await api.startSessionSearch({ query: 'ronaldo' })
      expect(search).toMatchObject({ query: 'ronaldo', cap: 10_000 })
      search = await eventually(async () => {
        const s = await api.getSessionSearch({ id: search.id })
        return s.done && s
      }, 'the search to finish')
      expect(search).toMatchObject({ done: true, cancelled: false, scanned: 3, total: 3, matched: 1, exact: true })
      expect(search.matches.map((s) => s.key)).toEqual([b2.sessionKey()])
      const cancelled = await api.cancelSessionSearch({ id: search.id })
      expect(cancelled.done).toBe(true)
      await apiError(api.getSessionSearch({ id: 'no-such-search' }), 'not_found')
      await apiError(api.startSessionSearch({ query: '' }), 'bad_request')
    })

    it('sessions past their expiry are flagged expired, and clearExpired removes exactly those', async () => {
      const { api } = get()
      const [b1, b2, b3] = await threeSessions(get)
      await api.advanceClock({ seconds: 25 })
      const list = await api.listSessions({})
      const expired = Object.fromEntries(list.sessions.map((s) => [s.key, s.expired]))
      expect(expired).toEqual({ [b1.sessionKey()]: true, [b2.sessionKey()]: true, [b3.sessionKey()]: false })
      const rec = await get().record()
      try {
        expect(await api.clearExpired({})).toEqual({ removed: 2 })
        expect((await rec.waitFor('sessions')).reason).toMatch(/clear_expired/)
      } finally {
        rec.close()
      }
      expect((await api.listSessions({})).sessions.map((s) => s.key)).toEqual([b3.sessionKey()])
      expect(await api.clearExpired({})).toEqual({ removed: 0 })
    })

    it('getSession of an unknown key is not_found', async () => {
      const e = await apiError(get().api.getSession({ key: MISSING }), 'not_found')
      expect(e.message).toContain(MISSING)
      // (An empty key has no REST form: GET /api/sessions/ is listSessions. Too long is refused alike.)
      await apiError(get().api.getSession({ key: 'k'.repeat(5000) }), 'bad_request')
    })

    it('updateSessionData saves new data like a modification; the app then sees it', async () => {
      const { api } = get()
      const { b, key } = await oneSession(get)
      await api.advanceClock({ seconds: 10 })
      const rec = await get().record()
      try {
        const info = await api.updateSessionData({ key, data: { name: 'Ada', lname: 'Lovelace' } })
        expect(info.data).toEqual({ name: 'Ada', lname: 'Lovelace' })
        // Saved now, so the 20 s count again from the engine's now.
        expect(Date.parse(info.expireDate ?? '') - Date.parse(info.savedAt ?? '')).toBe(20_000)
        expect(Date.parse(info.savedAt ?? '') - Date.parse((await api.getClock({})).now)).toBeLessThanOrEqual(0)
        expect(Date.parse(info.savedAt ?? '') - Date.parse((await api.getClock({})).now)).toBeGreaterThan(-5000)
        // (A late event of the request that made the session may come first: wait for this one.)
        const event = await rec.waitFor('session', (s) => s.key === key && s.session?.data.name === 'Ada')
        expect(event.change).toBe('saved')
      } finally {
        rec.close()
      }
      expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Ada Lovelace')
      await apiError(api.updateSessionData({ key: MISSING, data: {} }), 'not_found')
      await apiError(api.updateSessionData({ key, data: [] as unknown as Record<string, never> }), 'bad_request')
    })

    it('setSessionExpiry takes seconds, 0 (browser close), an ISO date, or null (the global policy)', async () => {
      const { api } = get()
      const { key } = await oneSession(get)
      const hour = await api.setSessionExpiry({ key, value: 3600 })
      expect(hour).toMatchObject({ customExpiry: 3600, expiryAge: 3600, expireAtBrowserClose: false })
      await api.advanceClock({ seconds: 30 })
      expect((await api.getSession({ key })).expired).toBe(false)

      const atClose = await api.setSessionExpiry({ key, value: 0 })
      expect(atClose).toMatchObject({ customExpiry: 0, expireAtBrowserClose: true })

      const when = new Date(Date.parse((await api.getClock({})).now) + 7200_000)
      when.setMilliseconds(0)
      const dated = await api.setSessionExpiry({ key, value: when.toISOString() })
      expect(dated.expireDate).toBe(when.toISOString())
      expect(dated.expiryAge).toBeGreaterThan(7190)
      expect(dated.expiryAge).toBeLessThanOrEqual(7200)

      const global = await api.setSessionExpiry({ key, value: null })
      expect(global).toMatchObject({ customExpiry: null, expiryAge: 20, expireAtBrowserClose: false })
      expect(global.data).toEqual({ name: 'Sonam', lname: 'rathore' })
      await apiError(api.setSessionExpiry({ key, value: 'soon' }), 'bad_request')
      await apiError(api.setSessionExpiry({ key: MISSING, value: 5 }), 'not_found')
    })

    it('expireSession makes it expired now: the row stays, the app no longer gets it', async () => {
      const { api } = get()
      const { b, key } = await oneSession(get)
      const rec = await get().record()
      try {
        const info = await api.expireSession({ key })
        expect(info.expired).toBe(true)
        expect(Date.parse(info.expireDate ?? '')).toBeLessThanOrEqual(Date.parse((await api.getClock({})).now))
        expect((await rec.waitFor('session', (s) => s.key === key && s.change !== 'saved')).change).toBe('expired')
      } finally {
        rec.close()
      }
      expect((await api.getSession({ key })).expired).toBe(true)
      expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Guest Guest')
      expect(await api.clearExpired({})).toEqual({ removed: 1 })
      await apiError(api.expireSession({ key }), 'not_found')
    })

    it('deleteSession removes it: getSession is not_found, the app starts afresh', async () => {
      const { api } = get()
      const { b, key } = await oneSession(get)
      const rec = await get().record()
      try {
        expect(await api.deleteSession({ key })).toEqual({ deleted: true })
        expect(await rec.waitFor('session', (s) => s.key === key && s.change !== 'saved')).toEqual({ key, change: 'deleted', session: null })
      } finally {
        rec.close()
      }
      await apiError(api.getSession({ key }), 'not_found')
      await apiError(api.deleteSession({ key }), 'not_found')
      expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Guest Guest')
    })

    it('with signed_cookies the store cannot enumerate: listSessions says unsupported, the proxy still works', async () => {
      const { api, proxyUrl } = get()
      await api.updateSettings({ settings: { SESSION_ENGINE: 'signed_cookies' } })
      const list = await api.listSessions({ total: true })
      expect(list).toMatchObject({ total: 0, sessions: [], next: null })
      expect(list.unsupported).toMatch(/signed_cookies/)
      await apiError(api.countSessions({}), 'unsupported')
      await apiError(api.startSessionSearch({ query: 'x' }), 'unsupported')
      const b = new Browser(proxyUrl)
      await b.get('/p1/set/')
      expect(b.sessionKey()).toContain(':')
      expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Sonam rathore')
      await apiError(api.getSession({ key: b.sessionKey() }), 'unsupported')
      await apiError(api.deleteSession({ key: b.sessionKey() }), 'unsupported')
    })

    it.each(['file', 'cache', 'cached_db'] as const)('the session methods work the same with the %s engine', async (engine) => {
      const { api } = get()
      const dir = mkdtempSync(join(tmpdir(), 'si-api-files-'))
      try {
        await api.updateSettings({ settings: { SESSION_ENGINE: engine, SESSION_FILE_PATH: dir } })
        const { b, key } = await oneSession(get)
        const list = await api.listSessions({ search: key })
        expect(list.sessions.map((s) => [s.key, s.engine])).toEqual([[key, engine]])
        expect((await api.getSession({ key })).data).toEqual({ name: 'Sonam', lname: 'rathore' })
        await api.updateSessionData({ key, data: { name: 'Ada', lname: engine } })
        expect(nameOnPage((await b.get('/p1/get/')).body)).toBe(`Ada ${engine}`)
        expect((await api.expireSession({ key })).expired).toBe(true)
        expect(nameOnPage((await b.get('/p1/get/')).body)).toBe('Guest Guest')
        const again = await oneSession(get)
        expect(await api.deleteSession({ key: again.key })).toEqual({ deleted: true })
        await apiError(api.getSession({ key: again.key }), 'not_found')
        expect(nameOnPage((await again.b.get('/p1/get/')).body)).toBe('Guest Guest')
      } finally {
        await api.resetSettings({})
        rmSync(dir, { recursive: true, force: true })
      }
    })

    // Django's cache prefix "django.contrib.sessions.cache" is also the start of cached_db's
    // prefix: the cache engine's listing must not take cached_db's entries for its own.
    it('the cache engine does not list the sessions cached_db put in the same cache', async () => {
      const { api } = get()
      await api.updateSettings({ settings: { SESSION_ENGINE: 'cached_db' } })
      const { key } = await oneSession(get)
      await api.updateSettings({ settings: { SESSION_ENGINE: 'cache' } })
      const keys = (await api.listSessions({})).sessions.map((s) => s.key)
      expect(keys.filter((k) => k.endsWith(key))).toEqual([])
    })

    it('a store that cannot be reached is an ApiError (store_unavailable, 503) naming it, through every transport', async () => {
      const { api } = get()
      // Port 1 refuses at once: ioredis gives up after its one retry.
      await api.updateSettings({ settings: { SESSION_ENGINE: 'cache', CACHES: { default: 'redis://127.0.0.1:1/0' } } })
      const e = await apiError(api.getSession({ key: MISSING }), 'store_unavailable')
      expect(e.message).toMatch(/redis:\/\/127\.0\.0\.1:1\/0 is unavailable/)
      expect(e.status).toBe(503)
      expect((await apiError(api.listSessions({}), 'store_unavailable')).message).toMatch(/unavailable/)
    })
  })

  describe('clients', () => {
    it('listClients shows each browser profile with its session and mirrored cookies', async () => {
      const { api } = get()
      const rec = await get().record()
      let alpha: { b: Browser; key: string }
      try {
        alpha = await oneSession(get, 'Alpha/1.0')
        expect((await rec.waitFor('client', (c) => c.userAgent === 'Alpha/1.0')).id).toBe(alpha.b.clientId)
      } finally {
        rec.close()
      }
      const beta = await oneSession(get, 'Beta/2.0')
      await beta.b.get('/p1/get/')
      const { clients } = await api.listClients({})
      const a = clients.find((c) => c.id === alpha.b.clientId)
      const b = clients.find((c) => c.id === beta.b.clientId)
      expect(a).toMatchObject({ userAgent: 'Alpha/1.0', sessionKey: alpha.key, requestCount: 1, name: '' })
      expect(b).toMatchObject({ userAgent: 'Beta/2.0', sessionKey: beta.key, requestCount: 2 })
      const cookie = a?.cookies.find((c) => c.isSessionCookie)
      expect(cookie).toMatchObject({ name: 'sessionid', value: alpha.key, path: '/', state: 'live', sessionOnly: false })
      expect(Date.parse(cookie?.expiresAt ?? '') - Date.parse(cookie?.setAt ?? '')).toBe(20_000)
    })

    it('renameClient names a profile', async () => {
      const { api } = get()
      const { b } = await oneSession(get, 'Gamma/3.0')
      const rec = await get().record()
      try {
        const renamed = await api.renameClient({ id: b.clientId, name: 'QA Firefox' })
        expect(renamed).toMatchObject({ id: b.clientId, name: 'QA Firefox', userAgent: 'Gamma/3.0' })
        expect((await rec.waitFor('client', (c) => c.id === b.clientId)).name).toBe('QA Firefox')
      } finally {
        rec.close()
      }
      expect((await api.listClients({})).clients.find((c) => c.id === b.clientId)?.name).toBe('QA Firefox')
      await apiError(api.renameClient({ id: 'no-such-client', name: 'x' }), 'not_found')
    })

    it('closeBrowser discards browser-session cookies of one profile, or of all, and says which, per client', async () => {
      const { api } = get()
      await api.updateSettings({ settings: { SESSION_EXPIRE_AT_BROWSER_CLOSE: true } })
      const one = await oneSession(get, 'Delta/4.0')
      const two = await oneSession(get, 'Epsilon/5.0')
      const oneName = `Delta · ${one.b.clientId.slice(0, 6)}`
      expect((await api.listClients({})).clients.find((c) => c.id === one.b.clientId)?.displayName).toBe(oneName)
      expect(await api.closeBrowser({ client: one.b.clientId })).toEqual({
        closed: 1,
        clients: [{ id: one.b.clientId, displayName: oneName, discarded: ['sessionid'], kept: [] }]
      })
      // Closed already: nothing left to discard.
      expect(await api.closeBrowser({ client: one.b.clientId })).toEqual({ closed: 0, clients: [{ id: one.b.clientId, displayName: oneName, discarded: [], kept: [] }] })
      const view = (await api.listClients({})).clients.find((c) => c.id === one.b.clientId)
      expect(view?.cookies.find((c) => c.isSessionCookie)?.state).toBe('discarded')
      // The browser stand-in still sends the cookie; the proxy drops it as a closed browser would.
      expect(nameOnPage((await one.b.get('/p1/get/')).body)).toBe('Guest Guest')
      const dropped = await eventually(
        async () => (await api.listTraffic({ search: '/p1/get/', limit: 5 })).entries.find((e) => e.clientId === one.b.clientId),
        'the entry of the request after the close'
      )
      expect((await api.getTraffic({ id: dropped.id })).droppedCookies).toEqual(['sessionid'])
      expect(nameOnPage((await two.b.get('/p1/get/')).body)).toBe('Sonam rathore')
      const all = await api.closeBrowser({})
      const ofTwo = all.clients.find((c) => c.id === two.b.clientId)
      expect(ofTwo).toEqual({ id: two.b.clientId, displayName: `Epsilon · ${two.b.clientId.slice(0, 6)}`, discarded: ['sessionid'], kept: [] })
      expect(all.clients.find((c) => c.id === one.b.clientId)?.discarded).toEqual([])
      expect(all.closed).toBe(all.clients.reduce((n, c) => n + c.discarded.length, 0))
      expect(all.closed).toBeGreaterThanOrEqual(1)
      expect(nameOnPage((await two.b.get('/p1/get/')).body)).toBe('Guest Guest')
      // The sessions themselves stay in the store until they expire.
      expect((await api.getSession({ key: two.key })).expired).toBe(false)
      await apiError(api.closeBrowser({ client: 'no-such-client' }), 'not_found')
    })

    it('closeBrowser with persistent cookies only discards nothing and names what survives', async () => {
      const { api } = get()
      const one = await oneSession(get, 'Zeta/6.0')
      await api.renameClient({ id: one.b.clientId, name: 'QA laptop' })
      // SESSION_EXPIRE_AT_BROWSER_CLOSE is False: the session cookie has a Max-Age and outlives a close.
      expect(await api.closeBrowser({ client: one.b.clientId })).toEqual({
        closed: 0,
        clients: [{ id: one.b.clientId, displayName: 'QA laptop', discarded: [], kept: ['sessionid'] }]
      })
      expect(nameOnPage((await one.b.get('/p1/get/')).body)).toBe('Sonam rathore')
    })
  })
}
