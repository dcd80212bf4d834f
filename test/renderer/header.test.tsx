// The header: proxy route, the engine clock display and its controls, close browser.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp, T0 } from './render-app'
import { FakeApi } from './fake-api'
import { KEY_A, makeClient } from './traffic-fixtures'
import { ApiError } from '../../src/shared/errors'
import { formatDateTime } from '../../src/renderer/lib/format'

const controls = () => within(screen.getByRole('group', { name: 'Engine clock controls' }))

describe('header', () => {
  it('shows the proxy route and the upstream state, with the error while down', async () => {
    const fake = new FakeApi({ now: T0, frozen: true, status: { upstream: 'http://127.0.0.1:9000', upstreamState: 'down', upstreamError: 'ECONNREFUSED 127.0.0.1:9000' } })
    await renderApp({ fake })
    const route = screen.getByLabelText('Proxy route')
    expect(within(route).getByText('http://127.0.0.1:9000')).toBeTruthy()
    expect(within(route).getByText('down')).toBeTruthy()
    expect(within(route).getByRole('status').textContent).toBe('ECONNREFUSED 127.0.0.1:9000')
    expect(within(route).getByRole('button', { name: /Copy the proxy URL/ })).toBeTruthy()
  })

  it('shows the Django the sessions follow, and where that came from', async () => {
    const fake = new FakeApi({ now: T0, frozen: true, status: { django: { version: '3.2', source: 'settings.py', release: '3.2.25' } } })
    await renderApp({ fake })
    const badge = screen.getByTestId('django-version')
    expect(badge.textContent).toBe('Django 3.2')
    expect(badge.parentElement!.getAttribute('title')).toBe("The engine behaves as Django 3.2: from the app's settings.py (its middleware reported it); the app runs Django 3.2.25. Change it in Settings (DJANGO_VERSION) or with --django.")
    act(() => fake.emit('status', { ...fake.status, mode: 'observe-django', django: { version: '5.2', source: 'project', release: '5.2.17' } }))
    expect((await screen.findByTestId('django-version')).textContent).toBe('Django 5.2.17')
  })

  it('follows `status` events (upstream back up)', async () => {
    const fake = new FakeApi({ now: T0, frozen: true, status: { upstreamState: 'down', upstreamError: 'refused' } })
    await renderApp({ fake })
    act(() => fake.emit('status', { ...fake.status, upstreamState: 'up', upstreamError: undefined }))
    expect(await within(screen.getByLabelText('Proxy route')).findByText('up')).toBeTruthy()
  })

  it("shows observe mode's store, and why the app's sessions cannot be read; freeze says why it cannot", async () => {
    const observe = {
      engine: 'cached_db' as const,
      location: 'PostgreSQL app@127.0.0.1:5432/shop + Redis 127.0.0.1:6379/1',
      state: 'error' as const,
      error: 'PostgreSQL app@127.0.0.1:5432/shop: password authentication failed for user "app"',
      limits: { freeze: 'observe-django: the clock cannot be frozen, because the Django app\'s own clock keeps running' }
    }
    const fake = new FakeApi({ now: T0, frozen: false, status: { mode: 'observe-django', settingsOwnedByApp: true, observe } })
    await renderApp({ fake })
    const route = screen.getByLabelText('Proxy route')
    expect(within(route).getByTestId('observe-store').textContent).toBe('observe · cached_db')
    expect(within(route).getByRole('alert').textContent).toBe(`App sessions unreadable, nothing is written: ${observe.error}`)
    const freeze = controls().getByRole('button', { name: /Freeze/ }) as HTMLButtonElement
    expect(freeze.disabled).toBe(true)
    expect(freeze.title).toBe(observe.limits.freeze)
    act(() => fake.emit('status', { ...fake.status, observe: { ...observe, state: 'ok', error: undefined } }))
    await waitFor(() => expect(within(route).queryByRole('alert')).toBeNull())
  })

  it('shows engine time, its distance from real time and frozen state', async () => {
    await renderApp()
    expect(screen.getByTestId('engine-time').textContent).toBe(formatDateTime(T0))
    expect(screen.getByText('frozen')).toBeTruthy()
    expect(screen.getByTestId('clock-offset').textContent).toMatch(/ahead|behind/)
  })

  it.each([
    ['+1 min', 60],
    ['+1 h', 3600],
    ['+1 day', 86_400],
    ['+2 weeks', 1_209_600]
  ])('%s advances the clock by %d seconds', async (label, seconds) => {
    const { fake } = await renderApp()
    fireEvent.click(controls().getByRole('button', { name: label }))
    await waitFor(() => expect(fake.callsOf('advanceClock')).toEqual([{ seconds }]))
    await waitFor(() => expect(screen.getByTestId('engine-time').textContent).toBe(formatDateTime(T0 + seconds * 1000)))
  })

  it('updates the display from a `clock` event', async () => {
    const { fake } = await renderApp()
    const later = Date.UTC(2026, 5, 10, 8, 30, 0)
    act(() => fake.emit('clock', { now: new Date(later).toISOString(), realNow: new Date().toISOString(), offsetSeconds: 0, frozen: true }))
    expect(screen.getByTestId('engine-time').textContent).toBe(formatDateTime(later))
  })

  it('shows "real time" when the engine clock is not offset', async () => {
    const { fake } = await renderApp()
    act(() => fake.emit('clock', { now: new Date().toISOString(), realNow: new Date().toISOString(), offsetSeconds: 0, frozen: false }))
    expect(screen.getByTestId('clock-offset').textContent).toBe('real time')
    expect(screen.queryByText('frozen')).toBeNull()
  })

  it.each([
    ['90s', 90],
    ['2h', 7200],
    ['45', 45]
  ])('a custom amount %j advances by %d seconds', async (text, seconds) => {
    const { fake } = await renderApp()
    const input = controls().getByLabelText(/custom amount/)
    fireEvent.change(input, { target: { value: text } })
    fireEvent.submit(input)
    await waitFor(() => expect(fake.callsOf('advanceClock')).toEqual([{ seconds }]))
    await waitFor(() => expect((input as HTMLInputElement).value).toBe(''))
  })

  it('refuses a bad custom amount with a message and calls nothing', async () => {
    const { fake } = await renderApp()
    const input = controls().getByLabelText(/custom amount/)
    fireEvent.change(input, { target: { value: 'soon' } })
    fireEvent.submit(input)
    const alert = await controls().findByRole('alert')
    expect(alert.textContent).toContain('Cannot read "soon"')
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(fake.callsOf('advanceClock')).toEqual([])
  })

  it('freezes, unfreezes and resets the clock', async () => {
    const { fake } = await renderApp()
    fireEvent.click(controls().getByRole('button', { name: /Unfreeze/ }))
    await waitFor(() => expect(fake.callsOf('freezeClock')).toEqual([{ frozen: false }]))
    await controls().findByRole('button', { name: /^Freeze/ })
    fireEvent.click(controls().getByRole('button', { name: /Reset/ }))
    await waitFor(() => expect(fake.callsOf('resetClock')).toHaveLength(1))
    await waitFor(() => expect(screen.getByTestId('clock-offset').textContent).toBe('real time'))
  })

  it('shows an API error from a clock action instead of failing silently', async () => {
    const { fake } = await renderApp()
    fake.failNext('advanceClock', new ApiError('internal', 'the clock is broken'))
    fireEvent.click(controls().getByRole('button', { name: '+1 h' }))
    expect((await screen.findByRole('alert')).textContent).toContain('the clock is broken')
  })

  it('closes the browser for every client and says which cookies went, per client', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    fake.clients = [makeClient({ id: 'c1', name: 'Kiosk', sessionKey: KEY_A, now: T0 }), makeClient({ id: 'c2', name: 'QA laptop', now: T0 })]
    await renderApp({ fake })
    fireEvent.click(screen.getByRole('button', { name: /Close browser/ }))
    expect(await screen.findByText('Browser closed: 2 cookies discarded (Kiosk: cart_hint; QA laptop: cart_hint)')).toBeTruthy()
    expect(fake.callsOf('closeBrowser')).toEqual([{}])
    // Again: nothing session-only is left, and it says what survived.
    fireEvent.click(screen.getByRole('button', { name: /Close browser/ }))
    expect(await screen.findByText('Browser closed: no session-only cookies to discard; 3 persistent cookies survive (sessionid, csrftoken)')).toBeTruthy()
  })

  it('says so when no browser has come through the proxy yet', async () => {
    await renderApp()
    fireEvent.click(screen.getByRole('button', { name: /Close browser/ }))
    expect(await screen.findByText('Browser closed: no browser has come through the proxy yet, so no cookies were discarded')).toBeTruthy()
  })
})
