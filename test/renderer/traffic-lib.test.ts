// The pure helpers behind Traffic, Timeline and Clients: filters and routes, the session
// diff, the time scale and density, merging live events, HAR chunks.
import { describe, expect, it } from 'vitest'
import type { SessionInfo, TrafficSummary } from '../../src/shared/api'
import { diffSessions, jsonEqual } from '../../src/renderer/lib/session-diff'
import { aliveDensity, fitRange, niceTicks, pan, sortForTimeline, zoom, MIN_SPAN } from '../../src/renderer/lib/timeline-scale'
import {
  matchesFilter, NO_FILTER, parseTrafficParam, setCookieFacts, statusClassOf, trafficHash, trafficParam
} from '../../src/renderer/lib/traffic'
import { buildHarExport, collectIds, HAR_CHUNK } from '../../src/renderer/screens/traffic/har-export'
import { mergeNewest } from '../../src/renderer/screens/traffic/use-traffic'
import { FakeApi } from './fake-api'
import { summaryOf } from './fake-traffic'
import { DELETE_COOKIE, KEY_A, REASON_CASES, sessionCookie } from './traffic-fixtures'

const T0 = Date.UTC(2026, 2, 1, 12)
const row = (id: number): TrafficSummary => summaryOf((REASON_CASES[0] as (typeof REASON_CASES)[0]).make(id, T0))

describe('traffic filters and routes', () => {
  it('classifies statuses, with no answer and upstream errors as "error"', () => {
    expect(statusClassOf({ status: 204, effect: 'read' })).toBe('2xx')
    expect(statusClassOf({ status: 302, effect: 'read' })).toBe('3xx')
    expect(statusClassOf({ status: 404, effect: 'read' })).toBe('4xx')
    expect(statusClassOf({ status: 500, effect: 'read' })).toBe('5xx')
    expect(statusClassOf({ status: 502, effect: 'upstream-error' })).toBe('error')
    expect(statusClassOf({ status: null, effect: 'untouched' })).toBe('error')
    expect(statusClassOf({ status: 101, effect: 'untouched' })).toBe('1xx')
  })

  it('matches live events as the server would: search over method, path, status, reason and keys', () => {
    const e = row(1)
    expect(matchesFilter(e, { ...NO_FILTER, search: 'POST /P1' })).toBe(true)
    expect(matchesFilter(e, { ...NO_FILTER, search: 'a new session' })).toBe(true)
    expect(matchesFilter(e, { ...NO_FILTER, search: KEY_A.slice(4, 12) })).toBe(true)
    expect(matchesFilter(e, { ...NO_FILTER, search: 'logout' })).toBe(false)
    expect(matchesFilter(e, { ...NO_FILTER, sessionKey: KEY_A })).toBe(true)
    expect(matchesFilter(e, { ...NO_FILTER, sessionKey: 'other' })).toBe(false)
    expect(matchesFilter(e, { ...NO_FILTER, effect: 'created', onlyChanges: true, status: '2xx' })).toBe(true)
    expect(matchesFilter({ ...e, effect: 'read' }, { ...NO_FILTER, onlyChanges: true })).toBe(false)
  })

  it('reads and writes the route: an entry, a session, both', () => {
    expect(parseTrafficParam(null)).toEqual({ sessionKey: null, openId: null })
    expect(parseTrafficParam('42')).toEqual({ sessionKey: null, openId: 42 })
    expect(parseTrafficParam(`session/${KEY_A}`)).toEqual({ sessionKey: KEY_A, openId: null })
    expect(parseTrafficParam(`session/${KEY_A}/7`)).toEqual({ sessionKey: KEY_A, openId: 7 })
    expect(parseTrafficParam('nonsense')).toEqual({ sessionKey: null, openId: null })
    expect(trafficParam({ sessionKey: 'a:b', openId: 3 })).toBe('session/a:b/3')
    expect(trafficHash({ sessionKey: 'a:b', openId: 3 })).toBe('#/traffic/session/a%3Ab/3')
    expect(trafficHash({ sessionKey: null, openId: null })).toBe('#/traffic')
  })

  it("tells what the session cookie's Set-Cookie did", () => {
    expect(setCookieFacts(null)).toEqual({ kind: 'none' })
    expect(setCookieFacts(DELETE_COOKIE)).toEqual({ kind: 'delete' })
    expect(setCookieFacts(sessionCookie(KEY_A, 600, T0))).toEqual({ kind: 'persistent', seconds: 600 })
    expect(setCookieFacts(sessionCookie(KEY_A, null, T0))).toEqual({ kind: 'session-only' })
    expect(setCookieFacts('a=b; Expires=Sun, 01 Mar 2026 13:00:00 GMT', T0)).toEqual({ kind: 'persistent', seconds: 3600 })
  })
})

describe('mergeNewest', () => {
  it('merges by id, newest first, without duplicates, and says when it cut the oldest', () => {
    const rows = [row(5), row(3), row(1)]
    const merged = mergeNewest(rows, [row(6), row(4), row(5), row(7)], 10)
    expect(merged.rows.map((r) => r.id)).toEqual([7, 6, 5, 4, 3, 1])
    expect(merged.added).toBe(3)
    expect(merged.cut).toBe(false)
    const capped = mergeNewest(rows, [row(6), row(7)], 3)
    expect(capped.rows.map((r) => r.id)).toEqual([7, 6, 5])
    expect(capped.cut).toBe(true)
    expect(mergeNewest(rows, [row(5)]).rows).toBe(rows)
  })
})

describe('session diff', () => {
  it('sorts keys and tells added, removed, changed and same apart, deeply', () => {
    const diff = diffSessions({ b: 1, a: { x: [1, 2] }, gone: null }, { a: { x: [1, 2] }, b: 2, c: 'new' })
    expect(diff.rows.map((r) => [r.key, r.kind])).toEqual([['a', 'same'], ['b', 'changed'], ['c', 'added'], ['gone', 'removed']])
    expect(diff.counts).toEqual({ added: 1, removed: 1, changed: 1, same: 1 })
    expect(diffSessions(null, null).rows).toEqual([])
    expect(diffSessions(null, { a: 1 }).counts.added).toBe(1)
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true)
    expect(jsonEqual([1, 2], [2, 1])).toBe(false)
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined as never })).toBe(false)
  })
})

describe('timeline scale', () => {
  const session = (saved: number, expires: number, browserClose = false): SessionInfo => ({
    key: `k${saved}`, data: {}, expireDate: new Date(expires).toISOString(), expiryAge: 0, expireAtBrowserClose: browserClose, expired: false,
    savedAt: new Date(saved).toISOString(), customExpiry: browserClose ? 0 : null, clientId: null, engine: 'db'
  })

  it('zooms around an anchor, pans, and keeps the span within limits', () => {
    const r = { start: 0, end: 100_000 }
    expect(zoom(r, 0.5, 20_000)).toEqual({ start: 10_000, end: 60_000 })
    expect(pan(r, 0.25)).toEqual({ start: 25_000, end: 125_000 })
    const tiny = zoom(r, 0.0001)
    expect(tiny.end - tiny.start).toBe(MIN_SPAN)
  })

  it('picks round ticks that fit', () => {
    const start = new Date(2026, 2, 1, 10, 7).getTime()
    const ticks = niceTicks({ start, end: start + 2 * 3_600_000 }, 8)
    expect(ticks.step).toBe(15 * 60_000)
    expect(ticks.ticks.length).toBeLessThanOrEqual(8)
    expect(ticks.label(ticks.ticks[0] as number)).toBe('10:15')
    const days = niceTicks({ start, end: start + 20 * 86_400_000 }, 10)
    expect(days.step).toBe(2 * 86_400_000)
    expect(days.label(days.ticks[0] as number)).toMatch(/^03-0\d$/)
    expect(new Date(days.ticks[0] as number).getHours()).toBe(0)
  })

  it('counts the sessions alive in each slice, open-ended ones to the end', () => {
    const range = { start: 0, end: 100 }
    const bins = aliveDensity([session(0, 50), session(25, 75), session(60, 10, true), session(200, 300)], range, 4)
    expect(bins).toEqual([1, 2, 2, 1])
    // Once its store row has expired, a browser-close session is alive only until then.
    expect(aliveDensity([session(60, 70, true)], range, 4, 80)).toEqual([0, 0, 1, 0])
  })

  it('orders live sessions by expiry, then the expired ones, most recent first', () => {
    const rows = [session(0, 50), session(0, 500), session(0, 20), session(0, 300)]
    expect(sortForTimeline(rows, 'expiry', 100).map((s) => s.expireDate)).toEqual([300, 500, 50, 20].map((t) => new Date(t).toISOString()))
  })

  it('fits every bar and now', () => {
    const r = fitRange([session(1000, 5000)], 9000)
    expect(r.start).toBeLessThan(1000)
    expect(r.end).toBeGreaterThan(9000)
  })
})

describe('HAR export helpers', () => {
  it('collects every id a filter selects across pages, and exports them in chunks', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    const modified = REASON_CASES.find((c) => c.name === 'modified with set_expiry(600)') as (typeof REASON_CASES)[0]
    for (let id = 1; id <= 12_000; id++) fake.addTraffic((id % 3 ? REASON_CASES[0] : modified)!.make(id, T0))
    const ids = await collectIds(fake, { ...NO_FILTER, effect: 'modified' })
    expect(ids).toHaveLength(4000)
    expect(ids[0]).toBe(3)
    expect(fake.callsOf('listTraffic')).toHaveLength(1)
    const all = await collectIds(fake, { ...NO_FILTER, onlyChanges: true })
    expect(all).toHaveLength(12_000)
    expect(fake.callsOf('listTraffic')).toHaveLength(4)
    const { count, har } = await buildHarExport(fake, ids.slice(0, HAR_CHUNK * 2 + 1))
    expect(count).toBe(HAR_CHUNK * 2 + 1)
    expect((har as { log: { entries: unknown[] } }).log.entries).toHaveLength(HAR_CHUNK * 2 + 1)
    expect(fake.callsOf('exportHar').map((c) => (c as { ids: number[] }).ids.length)).toEqual([HAR_CHUNK, HAR_CHUNK, 1])
    await expect(buildHarExport(fake, [])).rejects.toThrow('no requests to export')
  })
})
