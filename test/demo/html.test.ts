// The demo's template kit: Django's default date format and Python's repr, checked against
// what Django 3.2 and Python print (values taken from /usr/bin/python3 with Django).
import { describe, expect, it } from 'vitest'
import { djangoDate, escapeHtml, html, pyRepr, pyStr } from '../../src/main/demo/html'

describe('djangoDate: DATETIME_FORMAT "N j, Y, P" in UTC', () => {
  const cases: [string, string][] = [
    ['2027-01-01T00:00:00Z', 'Jan. 1, 2027, midnight'],
    ['2026-06-15T12:00:00Z', 'June 15, 2026, noon'],
    ['2026-09-03T15:07:09Z', 'Sept. 3, 2026, 3:07 p.m.'],
    ['2026-05-05T09:00:00Z', 'May 5, 2026, 9 a.m.'],
    ['2041-06-15T08:40:00Z', 'June 15, 2041, 8:40 a.m.'],
    ['2026-03-10T00:30:00Z', 'March 10, 2026, 12:30 a.m.'],
    ['2026-07-04T12:45:00Z', 'July 4, 2026, 12:45 p.m.']
  ]
  for (const [iso, expected] of cases) it(`${iso} → ${expected}`, () => expect(djangoDate(new Date(iso))).toBe(expected))

  it("in a project's TIME_ZONE, as Django's localtime() shows it", () => {
    expect(djangoDate(new Date('2041-06-15T08:40:00Z'), 'Asia/Kathmandu')).toBe('June 15, 2041, 2:25 p.m.')
    expect(djangoDate(new Date('2026-12-31T18:15:00Z'), 'Asia/Kathmandu')).toBe('Jan. 1, 2027, midnight')
    expect(djangoDate(new Date('2026-06-15T06:15:00Z'), 'Asia/Kathmandu')).toBe('June 15, 2026, noon')
    expect(djangoDate(new Date('2026-03-10T00:30:00Z'), 'America/New_York')).toBe('March 9, 2026, 8:30 p.m.')
  })
})

describe("Python's repr and str", () => {
  it('quotes like Python', () => {
    expect(pyRepr("it's")).toBe(`"it's"`)
    expect(pyRepr(`a"b'c`)).toBe(`'a"b\\'c'`)
    expect(pyRepr('back\\slash')).toBe(`'back\\\\slash'`)
    expect(pyRepr({ k: ['x', 1, null, true] })).toBe(`{'k': ['x', 1, None, True]}`)
  })

  it('str() prints strings bare and the rest as repr', () => {
    expect(pyStr('Sonam')).toBe('Sonam')
    expect(pyStr(null)).toBe('None')
    expect(pyStr(undefined)).toBe('None')
    expect(pyStr(false)).toBe('False')
  })
})

describe('html', () => {
  it('escapes interpolated values, joins arrays, keeps nested html', () => {
    const inner = html`<b>${'<i>'}</b>`
    expect(html`<p title="${'"x"'}">${['a&', inner]}${null}${undefined}${false}</p>`.text).toBe('<p title="&#34;x&#34;">a&#38;<b>&#60;i&#62;</b></p>')
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;')
  })
})
