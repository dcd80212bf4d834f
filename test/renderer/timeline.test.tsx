// Timeline: one bar per session on the engine clock, now and real time, presets and zoom,
// hover details, click to open, and thousands of sessions as a screenful of rows.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { SESSION_PAGE } from '../../src/renderer/screens/sessions/use-sessions'
import { FakeApi } from './fake-api'
import { renderApp, T0 } from './render-app'

const grid = () => screen.getByRole('grid', { name: 'Expiry timeline' })
const dataRows = () => within(grid()).getAllByRole('row').slice(1)
const rowOf = (keyStart: string) => within(grid()).getByTitle(new RegExp(`^${keyStart}`)).closest('[role="row"]') as HTMLElement
const bar = (row: HTMLElement) => row.querySelector('.tl-bar') as HTMLElement | null
const MIN = 60_000

function fakeWithKinds(): FakeApi {
  const fake = new FakeApi({ now: T0, frozen: true, settings: { SESSION_COOKIE_AGE: 3600 } })
  fake.addSession({ key: 'activeactiveactiveactiveactive01', data: { user: 'alice' }, savedAt: T0 - 10 * MIN })
  fake.addSession({ key: 'soonsoonsoonsoonsoonsoonsoonso02', data: { user: 'bob' }, savedAt: T0 - 58 * MIN })
  fake.addSession({ key: 'expiredexpiredexpiredexpiredex03', data: { user: 'carol' }, savedAt: T0 - 2 * 60 * MIN })
  fake.addSession({ key: 'closeclosecloseclosecloseclose04', data: { user: 'dave', _session_expiry: 0 }, savedAt: T0 - 5 * MIN })
  return fake
}

describe('expiry timeline', () => {
  it('draws one bar per session, coloured by state, soonest expiry first and the expired last', async () => {
    await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    expect(dataRows().map((r) => r.querySelector('.tl-key')?.textContent)).toEqual(['soonsoonso', 'activeacti', 'closeclose', 'expiredexp'])
    expect(bar(rowOf('active'))?.className).toContain('tl-bar-active')
    expect(bar(rowOf('soon'))?.className).toContain('tl-bar-soon')
    expect(bar(rowOf('expired'))?.className).toContain('tl-bar-expired')
    expect(bar(rowOf('close'))?.className).toContain('tl-bar-browser-close')
    // Open-ended: it runs to the right edge, with the store row's expiry marked on it.
    expect(bar(rowOf('close'))?.className).toContain('tl-cut-right')
    expect(rowOf('close').querySelector('.tl-store-tick')).not.toBeNull()
    const plot = within(rowOf('active')).getAllByRole('gridcell')[1] as HTMLElement
    expect(plot.getAttribute('aria-label')).toMatch(/^saved 2026-03-01 \d\d:50:00; expires 2026-03-01 \d\d:50:00; active$/)
  })

  it('marks now on the engine clock and real time, and says how far apart they are', async () => {
    await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    // The fake clock is frozen at T0, far from real time: only "now (engine)" is in range.
    expect(within(grid()).getByText('now (engine)')).toBeTruthy()
    expect(within(grid()).queryByText('real time')).toBeNull()
    expect(grid().querySelector('.tl-line-now')).not.toBeNull()
    expect(grid().querySelector('.tl-line-real')).toBeNull()
    expect(screen.getByRole('img', { name: /Sessions alive across the range: at most 3 at once/ })).toBeTruthy()
  })

  it('draws a second line for real time when the engine clock is fast-forwarded', async () => {
    const fake = new FakeApi({ now: Date.now() + 2 * 60 * MIN, settings: { SESSION_COOKIE_AGE: 3600 } })
    fake.addSession({ key: 'fastforwardfastforwardfastforwa1', data: {}, savedAt: Date.now() - 10 * MIN })
    await renderApp({ fake, route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    expect(within(grid()).getByText('now (engine)')).toBeTruthy()
    expect(within(grid()).getByText('real time').parentElement?.getAttribute('title')).toMatch(/the engine clock is \+2 h ahead of it$/)
    expect(grid().querySelector('.tl-line-real')).not.toBeNull()
  })

  it('puts the engine and real time on one line when the clocks agree', async () => {
    const fake = new FakeApi({ now: Date.now() })
    fake.addSession({ key: 'realtimerealtimerealtimerealtim1', data: {} })
    await renderApp({ fake, route: '#/timeline' })
    expect(await screen.findByText('now (engine = real time)')).toBeTruthy()
  })

  it('switches range presets and zooms', async () => {
    await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    const presets = screen.getByRole('group', { name: 'Time range' })
    expect(within(presets).getByRole('button', { name: 'Auto' }).getAttribute('aria-pressed')).toBe('true')
    const head = () => within(grid()).getAllByRole('columnheader')[1] as HTMLElement
    fireEvent.click(within(presets).getByRole('button', { name: '±1 h' }))
    expect(within(presets).getByRole('button', { name: '±1 h' }).getAttribute('aria-pressed')).toBe('true')
    expect(head().getAttribute('aria-label')).toMatch(/^Engine time from 2026-03-01 \d\d:00:00 to 2026-03-01 \d\d:00:00$/)
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    expect(head().getAttribute('aria-label')).toMatch(/from 2026-03-01 \d\d:30:00 to 2026-03-01 \d\d:30:00$/)
    expect(within(presets).getByRole('button', { name: '±1 h' }).getAttribute('aria-pressed')).toBe('false')
    grid().focus()
    fireEvent.keyDown(grid(), { key: '-' })
    expect(head().getAttribute('aria-label')).toMatch(/from 2026-03-01 \d\d:00:00 to 2026-03-01 \d\d:00:00$/)
    // Zoomed in on ±5 min, the expired session ended before the range.
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    expect(within(rowOf('expired')).getByText('‹ ended before this range')).toBeTruthy()
  })

  it('shows details on hover and opens the session on click', async () => {
    await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    fireEvent.mouseMove(rowOf('close'), { clientX: 500, clientY: 200 })
    const tip = screen.getByRole('tooltip')
    expect(tip.textContent).toContain('closeclosecloseclosecloseclose04')
    expect(tip.textContent).toContain('"user":"dave"')
    expect(tip.textContent).toContain('at browser close')
    expect(tip.textContent).toContain('statebrowser close')
    fireEvent.mouseLeave(rowOf('close'))
    expect(screen.queryByRole('tooltip')).toBeNull()
    fireEvent.click(rowOf('active'))
    expect(await screen.findByRole('complementary', { name: 'Session activeactiveactiveactiveactive01' })).toBeTruthy()
    expect(window.location.hash).toBe('#/sessions/activeactiveactiveactiveactive01')
  })

  it('moves with the keyboard and opens with Enter', async () => {
    await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    grid().focus()
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    expect(rowOf('active').getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(grid(), { key: 'Enter' })
    expect(await screen.findByRole('complementary', { name: 'Session activeactiveactiveactiveactive01' })).toBeTruthy()
  })

  it('orders by last save on request', async () => {
    await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    fireEvent.change(screen.getByLabelText('Order'), { target: { value: 'saved' } })
    await waitFor(() => expect(dataRows()[0]?.querySelector('.tl-key')?.textContent).toBe('closeclose'))
    expect(dataRows().map((r) => r.querySelector('.tl-key')?.textContent)).toEqual(['closeclose', 'activeacti', 'soonsoonso', 'expiredexp'])
  })

  it('filters, hides expired sessions, and follows live session events', async () => {
    const { fake } = await renderApp({ fake: fakeWithKinds(), route: '#/timeline' })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    fireEvent.click(screen.getByLabelText('Hide expired (1)'))
    await waitFor(() => expect(dataRows()).toHaveLength(3))
    fireEvent.change(screen.getByLabelText('Filter the timeline by key or data'), { target: { value: 'bob' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    fireEvent.change(screen.getByLabelText('Filter the timeline by key or data'), { target: { value: '' } })
    act(() => {
      fake.addSession({ key: 'livelivelivelivelivelivelivel05', data: { user: 'erin' } }, true)
    })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
  })

  it('draws a screenful of rows for a page of 10,000 sessions, says how many the store holds, and loads more', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    fake.seed(10_000)
    await renderApp({ fake, route: '#/timeline' })
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe(String(SESSION_PAGE + 1)))
    expect(dataRows().length).toBeLessThan(60)
    expect(screen.getByText(`${SESSION_PAGE} sessions of the 10,000 in the store (the latest expiries first)`, { exact: false })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe(String(2 * SESSION_PAGE + 1)))
  })
})
