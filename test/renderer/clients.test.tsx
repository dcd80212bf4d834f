// Clients: the browser profiles, their mirrored cookies on the engine clock, rename, and
// a browser close for one of them.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeApi } from './fake-api'
import { renderApp, T0 } from './render-app'
import { KEY_A, makeClient, REASON_CASES } from './traffic-fixtures'

/** Two unnamed clients of the same kind (curl), told apart by their ids' first characters. */
const CURL_1 = '5e0c7a11b2c3d4e5f60718293a4b5c6d'
const CURL_2 = '9d4f02e6a1b2c3d4e5f60718293a4b5c'

const grid = () => screen.getByRole('grid', { name: 'Clients' })
const dataRows = () => within(grid()).getAllByRole('row').slice(1)

function fakeWithClients(): FakeApi {
  const fake = new FakeApi({ now: T0, frozen: true })
  fake.clients = [
    makeClient({ id: 'c1', name: 'Chrome — QA', sessionKey: KEY_A, now: T0, requestCount: 42 }),
    { ...makeClient({ id: CURL_1, name: '', userAgent: 'curl/8.5.0', now: T0 }), lastSeen: new Date(T0 - 3_600_000).toISOString() }
  ]
  return fake
}

describe('clients', () => {
  it('lists the browsers, most recently seen first, with a summary of each', async () => {
    await renderApp({ fake: fakeWithClients(), route: '#/clients' })
    await within(grid()).findByText('Chrome — QA')
    const rows = dataRows()
    expect(rows).toHaveLength(2)
    expect(rows[0]?.textContent).toContain('Chrome 126 on macOS')
    expect(rows[0]?.textContent).toContain(KEY_A.slice(0, 12))
    expect(rows[0]?.textContent).toContain('3 live · 2 gone')
    expect(rows[0]?.textContent).toContain('42')
    expect(rows[1]?.textContent).toContain('curl · 5e0c7a')
    expect(rows[1]?.textContent).toContain('curl 8.5.0')
    expect(screen.getByText('2 browsers')).toBeTruthy()
  })

  it('shows the mirrored cookies with their lifetime on the engine clock and their state', async () => {
    await renderApp({ fake: fakeWithClients(), route: '#/clients/c1' })
    const detail = await screen.findByRole('complementary', { name: 'Browser Chrome — QA' })
    const table = within(detail).getByRole('table', { name: 'Mirrored cookies' })
    const row = (name: string) => within(table).getByText(name).closest('tr') as HTMLElement
    expect(within(row('sessionid')).getByText('session key', { selector: '.badge' })).toBeTruthy()
    expect(row('sessionid').textContent).not.toMatch(/session cookie|session-only/)
    expect(row('sessionid').textContent).toContain('expires 2026-03-01')
    expect(row('sessionid').textContent).toContain('in 10 min')
    expect(row('sessionid').textContent).toContain('live')
    expect(row('cart_hint').textContent).toContain('session-only: until the browser closes')
    expect(row('promo').textContent).toContain('expired')
    expect(row('promo').textContent).toContain('10 min ago')
    expect(row('tour_step').textContent).toContain('discarded')
    // The session cookie comes first, then by name.
    expect(within(table).getAllByRole('rowheader').map((h) => h.childNodes[0]?.textContent)).toEqual(['sessionid', 'cart_hint', 'csrftoken', 'promo', 'tour_step'])
    expect(within(detail).getByRole('link', { name: KEY_A }).getAttribute('href')).toBe(`#/sessions/${KEY_A}`)
  })

  it('marks a live cookie expired once the engine clock passes its expiry', async () => {
    const { fake } = await renderApp({ fake: fakeWithClients(), route: '#/clients/c1' })
    const detail = await screen.findByRole('complementary', { name: 'Browser Chrome — QA' })
    const sessionRow = () => within(detail).getByText('sessionid').closest('tr') as HTMLElement
    expect(within(sessionRow()).getByText('live')).toBeTruthy()
    await act(async () => {
      await fake.advanceClock({ seconds: 601 })
    })
    await waitFor(() => expect(within(sessionRow()).getByText('expired')).toBeTruthy())
  })

  it('renames a browser, and shows a rename made elsewhere', async () => {
    const { fake } = await renderApp({ fake: fakeWithClients(), route: `#/clients/${CURL_1}` })
    const detail = await screen.findByRole('complementary', { name: 'Browser curl · 5e0c7a' })
    const input = within(detail).getByLabelText('Browser name')
    // Blank, the name it goes by is the placeholder.
    expect(input.getAttribute('placeholder')).toBe('curl · 5e0c7a')
    expect(within(detail).getByRole('button', { name: 'Rename' }).hasAttribute('disabled')).toBe(true)
    fireEvent.change(input, { target: { value: '  curl in CI  ' } })
    fireEvent.click(within(detail).getByRole('button', { name: 'Rename' }))
    await screen.findByRole('complementary', { name: 'Browser curl in CI' })
    expect(fake.callsOf('renameClient')).toEqual([{ id: CURL_1, name: 'curl in CI' }])
    expect(within(grid()).getByText('curl in CI')).toBeTruthy()
    act(() => fake.emit('client', { ...(fake.clients[0] as (typeof fake.clients)[0]), name: 'Chrome — renamed', displayName: 'Chrome — renamed' }))
    expect(await within(grid()).findByText('Chrome — renamed')).toBeTruthy()
  })

  it('closes one browser: its session-only cookies are discarded', async () => {
    const { fake } = await renderApp({ fake: fakeWithClients(), route: '#/clients/c1' })
    const detail = await screen.findByRole('complementary', { name: 'Browser Chrome — QA' })
    fireEvent.click(within(detail).getByRole('button', { name: 'Close this browser' }))
    expect(await screen.findByText('Chrome — QA closed: 1 session-only cookie discarded (cart_hint)')).toBeTruthy()
    expect(fake.callsOf('closeBrowser')).toEqual([{ client: 'c1' }])
    const cartRow = () => within(screen.getByRole('table', { name: 'Mirrored cookies' })).getByText('cart_hint').closest('tr') as HTMLElement
    await waitFor(() => expect(within(cartRow()).getByText('discarded')).toBeTruthy())
  })

  it('opens with Enter and closes with Escape', async () => {
    await renderApp({ fake: fakeWithClients(), route: '#/clients' })
    await within(grid()).findByText('Chrome — QA')
    grid().focus()
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    expect(dataRows()[1]?.getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(grid(), { key: 'Enter' })
    expect(await screen.findByRole('complementary', { name: 'Browser curl · 5e0c7a' })).toBeTruthy()
    fireEvent.keyDown(grid(), { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('complementary', { name: /^Browser / })).toBeNull())
  })

  it('closing a browser with nothing session-only says why: its persistent cookies survive', async () => {
    const fake = fakeWithClients()
    const first = fake.clients[0] as (typeof fake.clients)[0]
    first.cookies = first.cookies.filter((c) => c.name !== 'cart_hint')
    await renderApp({ fake, route: '#/clients/c1' })
    const detail = await screen.findByRole('complementary', { name: 'Browser Chrome — QA' })
    fireEvent.click(within(detail).getByRole('button', { name: 'Close this browser' }))
    expect(await screen.findByText('Chrome — QA closed: no session-only cookies to discard; 2 persistent cookies survive (sessionid, csrftoken)')).toBeTruthy()
  })

  it('calls a client by one name on every screen, and tells two unnamed ones apart', async () => {
    const fake = fakeWithClients()
    fake.clients.push({ ...makeClient({ id: CURL_2, name: '', userAgent: 'curl/8.6.0', now: T0 }), lastSeen: new Date(T0 - 7_200_000).toISOString() })
    const s1 = fake.addSession({ key: 'a'.repeat(32), data: { n: 1 }, clientId: CURL_1 })
    fake.addSession({ key: 'b'.repeat(32), data: { n: 2 }, clientId: CURL_2, savedAt: T0 - 1000 })
    const request = (REASON_CASES[0] as (typeof REASON_CASES)[0]).make(1, T0)
    request.clientId = CURL_2
    fake.addTraffic(request)
    await renderApp({ fake, route: '#/clients' })
    await within(grid()).findByText('curl · 9d4f02')
    expect(within(grid()).getByText('curl · 5e0c7a')).toBeTruthy()

    window.location.hash = '#/sessions'
    const sessions = await screen.findByRole('grid', { name: 'Sessions' })
    await waitFor(() => expect(within(sessions).getByText('curl · 5e0c7a')).toBeTruthy())
    expect(within(sessions).getByText('curl · 9d4f02')).toBeTruthy()
    fireEvent.click(within(sessions).getByText(s1.key))
    const sessionPane = await screen.findByRole('complementary', { name: `Session ${s1.key}` })
    expect(within(sessionPane).getByText('client curl · 5e0c7a')).toBeTruthy()

    window.location.hash = '#/traffic'
    const requests = await screen.findByRole('grid', { name: 'Requests' })
    await waitFor(() => expect(within(requests).getByText('curl · 9d4f02')).toBeTruthy())
    fireEvent.click(within(requests).getByText('curl · 9d4f02'))
    const requestPane = await screen.findByRole('complementary', { name: 'Request 1' })
    // The pane names the client once it has the clients list: on a busy machine, after its first paint.
    expect((await within(requestPane).findByRole('link', { name: 'curl · 9d4f02' })).getAttribute('href')).toBe(`#/clients/${CURL_2}`)
  })

  it('says how clients appear when there are none', async () => {
    await renderApp({ route: '#/clients' })
    expect(await screen.findByText('No browser has come through the proxy yet')).toBeTruthy()
  })
})
