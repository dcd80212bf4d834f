// Renders the whole inspector UI against a FakeApi, on a given screen.
import { render, screen } from '@testing-library/react'
import { App } from '../../src/renderer/app/app'
import { FakeApi, type FakeOptions } from './fake-api'

/** 2026-03-01 12:00:00 UTC: a fixed engine time so that texts are predictable. */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0)

export async function renderApp(options: { fake?: FakeApi; route?: string } & FakeOptions = {}) {
  const fake = options.fake ?? new FakeApi({ now: T0, frozen: true, ...options })
  window.location.hash = options.route ?? '#/sessions'
  const view = render(<App client={fake} />)
  // The shell shows the screen once status, clock and settings are loaded.
  await screen.findByRole('navigation', { name: 'Screens' })
  // The header's link to the proxy (an empty Sessions screen names the address too, as text).
  await screen.findByRole('link', { name: fake.status.proxyUrl })
  return { fake, ...view }
}
