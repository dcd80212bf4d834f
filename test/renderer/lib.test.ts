// The renderer's pure helpers: durations typed by people, formatting, JSON edits, live session state.
import { describe, expect, it } from 'vitest'
import { parseDurationInput } from '../../src/renderer/lib/duration-input'
import { formatDuration, formatOffset, formatRelative, previewJson } from '../../src/renderer/lib/format'
import { gridMove, pageOf } from '../../src/renderer/lib/grid-keys'
import { convertTo, parseNumberText, parseSessionJson, removeAt, setAt } from '../../src/renderer/lib/json-edit'
import { applySessionEvents, sessionMatches, sessionState } from '../../src/renderer/lib/session-state'
import { engineNowMs, toClockView } from '../../src/renderer/lib/engine-clock'
import type { SessionInfo } from '../../src/shared/api'

describe('parseDurationInput', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['2h', 7200],
    ['3 h', 10_800],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1h30m', 5400],
    ['1 h 30 min', 5400],
    ['1.5h', 5400],
    [' 15M ', 900]
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDurationInput(text)).toEqual({ ok: true, seconds })
  })

  it.each(['abc', '3x', 'h', '2 hours ago', '', '-5', '5s!'])('refuses %j with a message saying what is allowed', (text) => {
    const result = parseDurationInput(text)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(/90s|seconds/)
  })
})

describe('format', () => {
  it('keeps the two largest units and stops at a gap', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(59)).toBe('59 s')
    expect(formatDuration(299)).toBe('4 min 59 s')
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 59)).toBe('2 d 3 h')
    expect(formatDuration(86_400 + 60)).toBe('1 d')
    expect(formatDuration(1_209_600)).toBe('14 d')
  })

  it('says how far the engine clock is from real time', () => {
    expect(formatOffset(400)).toBe('real time')
    expect(formatOffset((2 * 86_400 + 3 * 3600) * 1000)).toBe('+2 d 3 h ahead')
    expect(formatOffset(-3600 * 1000)).toBe('1 h behind')
    expect(formatOffset((2 * 86_400 + 3 * 3600) * 1000 - 80)).toBe('+2 d 3 h ahead')
  })

  it('writes relative times on a given clock', () => {
    expect(formatRelative(1_000_000 + 240_000, 1_000_000)).toBe('in 4 min')
    expect(formatRelative(1_000_000 - 180_000, 1_000_000)).toBe('3 min ago')
    expect(formatRelative(1_000_000, 1_000_400)).toBe('now')
  })

  it('cuts long previews', () => {
    expect(previewJson({ a: 'x'.repeat(300) }, 20)).toHaveLength(20)
  })
})

describe('engine clock', () => {
  it('runs at real speed from the moment it was read, unless frozen', () => {
    const clock = { now: '2026-03-01T12:00:00.000Z', realNow: '2026-01-01T00:00:00.000Z', offsetSeconds: 0, frozen: false }
    expect(engineNowMs(toClockView(clock, 1000), 6000)).toBe(Date.UTC(2026, 2, 1, 12, 0, 5))
    expect(engineNowMs(toClockView({ ...clock, frozen: true }, 1000), 6000)).toBe(Date.UTC(2026, 2, 1, 12, 0, 0))
  })
})

describe('json edits', () => {
  it('sets and removes by path without touching the original', () => {
    const root = { cart: [1, 2], user: { id: 4 } }
    expect(setAt(root, ['cart', 1], 5)).toEqual({ cart: [1, 5], user: { id: 4 } })
    expect(removeAt(root, ['user', 'id'])).toEqual({ cart: [1, 2], user: {} })
    expect(removeAt(root, ['cart', 0])).toEqual({ cart: [2], user: { id: 4 } })
    expect(root).toEqual({ cart: [1, 2], user: { id: 4 } })
  })

  it('converts between kinds keeping what it can', () => {
    expect(convertTo('42', 'number')).toBe(42)
    expect(convertTo('x', 'number')).toBe(0)
    expect(convertTo(7, 'string')).toBe('7')
    expect(convertTo('true', 'boolean')).toBe(true)
    expect(convertTo(3, 'array')).toEqual([])
  })

  it('accepts only a JSON object as session data', () => {
    expect(parseSessionJson('{"a": 1}')).toEqual({ ok: true, data: { a: 1 } })
    expect(parseSessionJson('{"a": 1,}')).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid JSON/) })
    expect(parseSessionJson('[1]')).toMatchObject({ ok: false, error: expect.stringMatching(/must be a JSON object.*array/) })
    expect(parseSessionJson('{"big": 1e400}')).toMatchObject({ ok: false, error: expect.stringMatching(/finite/) })
  })

  it('reads numbers as typed', () => {
    expect(parseNumberText('-1.5e3')).toBe(-1500)
    expect(parseNumberText('12abc')).toBeNull()
    expect(parseNumberText('')).toBeNull()
  })
})

const session = (key: string, over: Partial<SessionInfo> = {}): SessionInfo => ({
  key,
  data: {},
  expireDate: '2026-03-01T12:10:00Z',
  expiryAge: 600,
  expireAtBrowserClose: false,
  expired: false,
  savedAt: '2026-03-01T12:00:00Z',
  customExpiry: null,
  clientId: null,
  engine: 'db',
  ...over
})

describe('session state', () => {
  const now = Date.UTC(2026, 2, 1, 12, 5)
  it('is computed live from the expiry date on the engine clock', () => {
    expect(sessionState(session('a'), now)).toBe('active')
    expect(sessionState(session('a'), Date.UTC(2026, 2, 1, 12, 10))).toBe('expired')
    expect(sessionState(session('a', { expireAtBrowserClose: true }), now)).toBe('browser-close')
    expect(sessionState(session('a', { expireDate: null, expired: true }), now)).toBe('expired')
  })

  it('applies events: saved moves to the top, deleted goes, expired stays in place', () => {
    const rows = [session('a'), session('b'), session('c')]
    const next = applySessionEvents(rows, [
      { key: 'c', change: 'saved', session: session('c', { data: { n: 1 } }) },
      { key: 'a', change: 'deleted', session: null },
      { key: 'b', change: 'expired', session: session('b', { expired: true }) },
      { key: 'd', change: 'saved', session: session('d') }
    ])
    expect(next.map((s) => s.key)).toEqual(['d', 'c', 'b'])
    expect(next[1]?.data).toEqual({ n: 1 })
    expect(next[2]?.expired).toBe(true)
    expect(rows.map((s) => s.key)).toEqual(['a', 'b', 'c'])
  })

  it('matches a search in the key or the data, case-insensitively', () => {
    const s = session('abc123', { data: { user: 'Alice' } })
    expect(sessionMatches(s, 'c12')).toBe(true)
    expect(sessionMatches(s, 'alice')).toBe(true)
    expect(sessionMatches(s, 'bob')).toBe(false)
  })
})

describe('gridMove: the keys every grid answers', () => {
  it('moves by one, by a page and to the ends, within the grid', () => {
    expect(gridMove('ArrowDown', -1, 10, 5)).toBe(0)
    expect(gridMove('ArrowUp', -1, 10, 5)).toBe(0)
    expect(gridMove('ArrowDown', 9, 10, 5)).toBe(9)
    expect(gridMove('ArrowUp', 0, 10, 5)).toBe(0)
    expect(gridMove('PageDown', 3, 10, 5)).toBe(8)
    expect(gridMove('PageDown', 8, 10, 5)).toBe(9)
    expect(gridMove('PageUp', 3, 10, 5)).toBe(0)
    expect(gridMove('Home', 7, 10, 5)).toBe(0)
    expect(gridMove('End', 2, 10, 5)).toBe(9)
  })

  it('leaves other keys, and an empty grid, alone', () => {
    expect(gridMove('Enter', 2, 10, 5)).toBeNull()
    expect(gridMove('a', 2, 10, 5)).toBeNull()
    expect(gridMove('ArrowDown', -1, 0, 5)).toBeNull()
  })

  it('pages by the rows that fit, less a header and a margin, and at least one', () => {
    expect(pageOf(300, 30)).toBe(8)
    expect(pageOf(300, 30, 1)).toBe(9)
    expect(pageOf(20, 30)).toBe(1)
    expect(pageOf(undefined, 30)).toBe(8)
  })
})
