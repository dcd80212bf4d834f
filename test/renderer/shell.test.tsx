// The shell: navigation between screens, the reconnecting banner, and how the page finds its host.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectHelp } from '../../src/renderer/app/connect-help'
import { resolveClient, takeToken, TOKEN_STORAGE_KEY } from '../../src/renderer/api/client'
import { ApiError } from '../../src/shared/errors'
import { BRIDGE_KEY } from '../../src/shared/bridge'
import { FakeApi } from './fake-api'
import { renderApp, T0 } from './render-app'
import { App } from '../../src/renderer/app/app'

afterEach(() => {
  sessionStorage.clear()
  delete (window as unknown as Record<string, unknown>)[BRIDGE_KEY]
})

describe('shell', () => {
  it('navigates between screens from the rail and marks the current one', async () => {
    await renderApp()
    const nav = screen.getByRole('navigation', { name: 'Screens' })
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe('Sessions')
    for (const name of ['Traffic', 'Timeline', 'Clients']) {
      act(() => {
        window.location.hash = `#/${name.toLowerCase()}`
        window.dispatchEvent(new HashChangeEvent('hashchange'))
      })
      expect(await screen.findByRole('heading', { name })).toBeTruthy()
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe(name)
    }
    expect(screen.getByRole('link', { name: 'Settings' }).getAttribute('href')).toBe('#/settings')
  })

  it('falls back to Sessions for an unknown route', async () => {
    await renderApp({ route: '#/nowhere' })
    expect(await screen.findByRole('heading', { name: 'Sessions' })).toBeTruthy()
  })

  it('shows a visible banner while the event stream reconnects, and reloads once back', async () => {
    const { fake } = await renderApp()
    expect(screen.queryByText('Disconnected — reconnecting')).toBeNull()
    const loads = fake.callsOf('getStatus').length
    act(() => fake.setConnection({ state: 'reconnecting', attempt: 2, retryInMs: 2000, error: 'the event stream ended' }))
    const banner = await screen.findByText('Disconnected — reconnecting')
    expect(banner.parentElement?.textContent).toContain('Live updates stopped (the event stream ended); attempt 2, next in 2 s')
    act(() => fake.setConnection({ state: 'open' }))
    await waitFor(() => expect(screen.queryByText('Disconnected — reconnecting')).toBeNull())
    await waitFor(() => expect(fake.callsOf('getStatus').length).toBe(loads + 1))
  })

  it('marks <html data-ready="true"> once the first data is in and the event stream is open, for scripts', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    fake.addSession({ key: 'readysession00000000000000000000', data: { a: 1 } })
    fake.setConnection({ state: 'connecting' })
    const releaseSessions = fake.holdNext('listSessions')
    const ready = () => document.documentElement.getAttribute('data-ready')
    // What the page shows at the moment the marker appears.
    const seen: { rows: number }[] = []
    const observer = new MutationObserver(() => {
      if (ready() === 'true') seen.push({ rows: document.querySelectorAll('[role="grid"] .grid-body [role="row"]').length })
    })
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-ready'] })
    try {
      window.location.hash = '#/sessions'
      render(<App client={fake} />)
      await screen.findByRole('heading', { name: 'Sessions' })
      // Loaded state, but the stream is not open and the sessions are still on their way.
      expect(ready()).toBeNull()
      act(() => fake.setConnection({ state: 'open' }))
      await new Promise((r) => setTimeout(r, 20))
      expect(ready()).toBeNull()
      await act(async () => releaseSessions())
      await waitFor(() => expect(ready()).toBe('true'))
      expect(seen[0]).toEqual({ rows: 1 })
      // Reconnecting: not ready; back: ready again.
      act(() => fake.setConnection({ state: 'reconnecting', attempt: 1, retryInMs: 500, error: 'dropped' }))
      await waitFor(() => expect(ready()).toBeNull())
      act(() => fake.setConnection({ state: 'open' }))
      await waitFor(() => expect(ready()).toBe('true'))
      // Another screen: off until its first data is in.
      const releaseTraffic = fake.holdNext('listTraffic')
      act(() => {
        window.location.hash = '#/traffic'
        window.dispatchEvent(new HashChangeEvent('hashchange'))
      })
      await screen.findByRole('heading', { name: 'Traffic' })
      await waitFor(() => expect(ready()).toBeNull())
      await act(async () => releaseTraffic())
      await waitFor(() => expect(ready()).toBe('true'))
    } finally {
      observer.disconnect()
      window.location.hash = '#/sessions'
    }
  })

  it('says why the first load failed, and retries on request', async () => {
    const fake = new FakeApi({ now: T0 })
    fake.failNext('getClock', new ApiError('internal', 'database is locked'))
    render(<App client={fake} />)
    expect((await screen.findByRole('alert')).textContent).toContain("Cannot load the inspector's state: database is locked")
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
    await screen.findByRole('heading', { name: 'Sessions' })
    expect(screen.queryByText(/Cannot load/)).toBeNull()
  })

  it('says the token was refused when the API answers 401', async () => {
    const fake = new FakeApi({ now: T0 })
    fake.failNext('getStatus', new ApiError('unauthorized', 'missing or wrong token'))
    render(<App client={fake} />)
    expect(await screen.findByRole('heading', { name: 'The access token was refused' })).toBeTruthy()
  })

  it('explains how to open the UI when there is neither bridge nor token', () => {
    render(<ConnectHelp />)
    expect(screen.getByRole('heading', { name: 'Open the inspector with its access token' })).toBeTruthy()
    expect(screen.getByText(/#token=…/).textContent).toContain(`${window.location.origin}/#token=`)
    expect(screen.getByText('npx session-inspector')).toBeTruthy()
  })
})

describe('host resolution', () => {
  it('takes the token from #token=, keeps it for the tab and removes it from the URL', () => {
    history.replaceState(null, '', '/inspector?x=1#token=s3cret')
    expect(takeToken(window)).toBe('s3cret')
    expect(window.location.hash).toBe('')
    expect(window.location.pathname + window.location.search).toBe('/inspector?x=1')
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cret')
    // A reload has no fragment any more, but the tab remembers the token.
    expect(takeToken(window)).toBe('s3cret')
  })

  it('resolves to nothing without a bridge or token, to HTTP with a token, to Electron with a bridge', () => {
    history.replaceState(null, '', '/')
    expect(resolveClient(window).kind).toBe('none')
    history.replaceState(null, '', '/#token=abc')
    const http = resolveClient(window)
    expect(http.kind === 'client' && http.client.transport).toBe('http')
    ;(window as unknown as Record<string, unknown>)[BRIDGE_KEY] = { onEvent: () => () => undefined }
    const electron = resolveClient(window)
    expect(electron.kind === 'client' && electron.client.transport).toBe('electron')
  })

  it('unwraps bridge results and rebuilds bridge errors as ApiError', async () => {
    ;(window as unknown as Record<string, unknown>)[BRIDGE_KEY] = {
      onEvent: () => () => undefined,
      getClock: async () => ({ ok: true, value: { now: 'x', realNow: 'y', offsetSeconds: 0, frozen: false } }),
      getSession: async () => ({ ok: false, error: { error: 'no session abc', code: 'not_found' } })
    }
    const resolved = resolveClient(window)
    if (resolved.kind !== 'client') throw new Error('expected a client')
    expect((await resolved.client.getClock({})).now).toBe('x')
    const error = await resolved.client.getSession({ key: 'abc' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'not_found', status: 404, message: 'no session abc' })
  })
})
