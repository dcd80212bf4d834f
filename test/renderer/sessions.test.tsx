// Sessions: the live table, search, the detail pane, the JSON editor and the expiry actions.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp, T0 } from './render-app'
import { FakeApi } from './fake-api'

function fakeWith(count: number, extra?: (fake: FakeApi) => void): FakeApi {
  const fake = new FakeApi({ now: T0, frozen: true })
  for (let i = 0; i < count; i++) {
    fake.addSession({ key: `key${String(i).padStart(5, '0')}abcdefghijklmnopqrstu`, data: { user: `user${i}`, n: i }, savedAt: T0 - i * 60_000 })
  }
  extra?.(fake)
  return fake
}

const grid = () => screen.getByRole('grid', { name: 'Sessions' })
const dataRows = () => within(grid()).getAllByRole('row').slice(1)
const rowOf = (key: string) => within(grid()).getByText(key).closest('[role="row"]') as HTMLElement
const detail = () => screen.getByRole('complementary', { name: /^Session / })

async function openSession(key: string) {
  fireEvent.click(await within(grid()).findByText(key))
  return await screen.findByRole('complementary', { name: `Session ${key}` })
}

describe('sessions table', () => {
  it('lists sessions newest save first with state, data preview and countdown', async () => {
    await renderApp({ fake: fakeWith(3) })
    await within(grid()).findByText('key00000abcdefghijklmnopqrstu')
    const rows = dataRows()
    expect(rows).toHaveLength(3)
    expect(rows[0]?.textContent).toContain('key00000')
    expect(rows[0]?.textContent).toContain('active')
    expect(rows[0]?.textContent).toContain('{"user":"user0","n":0}')
    // saved at T0 with SESSION_COOKIE_AGE = 2 weeks, engine clock frozen at T0
    expect(rows[0]?.textContent).toContain('in 14 d')
    expect(rows[2]?.textContent).toContain('in 13 d 23 h')
  })

  it('renders only the visible rows of 10,000 sessions, and filters them all', async () => {
    const fake = fakeWith(10_000)
    await renderApp({ fake })
    await within(grid()).findByText('key00000abcdefghijklmnopqrstu')
    expect(dataRows().length).toBeLessThan(60)
    expect(grid().getAttribute('aria-rowcount')).toBe('10001')
    expect(screen.getByText('10,000 sessions')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Filter sessions by key or data'), { target: { value: 'user9999' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    expect(dataRows()[0]?.textContent).toContain('key09999')
    expect(screen.getByText('1 match of 10,000')).toBeTruthy()
  })

  it('filters by key and by data, and says when nothing matches', async () => {
    await renderApp({ fake: fakeWith(12) })
    const search = await screen.findByLabelText('Filter sessions by key or data')
    fireEvent.change(search, { target: { value: 'KEY0001' } })
    await waitFor(() => expect(dataRows()).toHaveLength(2)) // key00010, key00011
    fireEvent.change(search, { target: { value: '"n":3}' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    fireEvent.change(search, { target: { value: 'nobody' } })
    expect(await screen.findByText('No session matches')).toBeTruthy()
  })

  it('adds and updates rows live from `session` events, without refetching', async () => {
    const fake = fakeWith(2)
    await renderApp({ fake })
    await within(grid()).findByText('key00000abcdefghijklmnopqrstu')
    const listCalls = fake.callsOf('listSessions').length
    act(() => {
      fake.addSession({ key: 'newsessionkey0000000000000000000', data: { hello: 'world' } }, true)
    })
    await within(grid()).findByText('newsessionkey0000000000000000000')
    expect(dataRows()[0]?.textContent).toContain('newsessionkey')
    const updated = fake.info({ key: 'key00001abcdefghijklmnopqrstu', data: { user: 'changed' }, savedAt: T0, clientId: null, expiredAt: null })
    act(() => fake.emit('session', { key: updated.key, change: 'saved', session: updated }))
    await waitFor(() => expect(rowOf('key00001abcdefghijklmnopqrstu').textContent).toContain('"changed"'))
    act(() => fake.emit('session', { key: 'key00000abcdefghijklmnopqrstu', change: 'deleted', session: null }))
    await waitFor(() => expect(within(grid()).queryByText('key00000abcdefghijklmnopqrstu')).toBeNull())
    expect(fake.callsOf('listSessions').length).toBe(listCalls)
  })

  it('refetches on a `sessions` event', async () => {
    const fake = fakeWith(1)
    await renderApp({ fake })
    await within(grid()).findByText('key00000abcdefghijklmnopqrstu')
    fake.addSession({ key: 'quietlyaddedkey00000000000000000' })
    act(() => fake.emit('sessions', { reason: 'engine switched' }))
    await within(grid()).findByText('quietlyaddedkey00000000000000000')
  })

  it('shows the empty state with the proxy URL', async () => {
    await renderApp({ fake: new FakeApi({ now: T0, frozen: true }) })
    expect(await screen.findByText('No sessions yet')).toBeTruthy()
    expect(screen.getByText('No sessions yet').parentElement?.textContent).toContain('Open http://127.0.0.1:8080 to start a session.')
  })

  it("shows what observe mode's list cannot include above it", async () => {
    const list = "signed_cookies keeps each session in its browser's cookie: the list shows the sessions seen in traffic since Session Inspector started"
    const observe = { engine: 'signed_cookies' as const, location: 'cookies', state: 'ok' as const, limits: { list, freeze: 'cannot be frozen' } }
    await renderApp({ fake: new FakeApi({ now: T0, frozen: true, settings: { SESSION_ENGINE: 'signed_cookies' }, status: { mode: 'observe-django', observe } }) })
    expect((await screen.findByRole('note')).textContent).toBe(list)
  })

  it('shows the unsupported text of signed_cookies as an empty state', async () => {
    await renderApp({ fake: new FakeApi({ now: T0, frozen: true, settings: { SESSION_ENGINE: 'signed_cookies' } }) })
    expect(await screen.findByText('This engine cannot list its sessions')).toBeTruthy()
    expect(screen.getByText(/no store to list/)).toBeTruthy()
  })

  it('moves with arrow keys, opens with Enter, closes with Escape', async () => {
    await renderApp({ fake: fakeWith(5) })
    await within(grid()).findByText('key00000abcdefghijklmnopqrstu')
    grid().focus()
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    expect(rowOf('key00001abcdefghijklmnopqrstu').getAttribute('aria-selected')).toBe('true')
    expect(grid().getAttribute('aria-activedescendant')).toBe('session-row-1')
    fireEvent.keyDown(grid(), { key: 'End' })
    expect(rowOf('key00004abcdefghijklmnopqrstu').getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(grid(), { key: 'ArrowUp' })
    fireEvent.keyDown(grid(), { key: 'Enter' })
    expect(await screen.findByRole('complementary', { name: 'Session key00003abcdefghijklmnopqrstu' })).toBeTruthy()
    fireEvent.keyDown(grid(), { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('complementary', { name: /^Session / })).toBeNull())
    expect(document.activeElement).toBe(grid())
  })
})

describe('session detail', () => {
  it('shows the expiry facts as Django names them', async () => {
    await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    const facts = within(pane).getByText('get_expiry_age()').closest('dl') as HTMLElement
    expect(facts.textContent).toContain('1209600')
    expect(facts.textContent).toContain('(14 d)')
    expect(facts.textContent).toContain('get_expire_at_browser_close()False')
    expect(facts.textContent).toContain('not set: the global policy applies')
  })

  it('refuses invalid raw JSON inline and cannot save it', async () => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.click(within(pane).getByRole('button', { name: 'Raw JSON' }))
    const text = within(pane).getByLabelText('Session data as JSON')
    fireEvent.change(text, { target: { value: '{"user": "x",}' } })
    expect(within(pane).getByRole('alert').textContent).toMatch(/^Invalid JSON/)
    expect((within(pane).getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true)
    expect((within(pane).getByRole('button', { name: 'Tree' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.change(text, { target: { value: '["not", "an", "object"]' } })
    expect(within(pane).getByRole('alert').textContent).toContain('must be a JSON object')
    fireEvent.click(within(pane).getByRole('button', { name: 'Save' }))
    expect(fake.callsOf('updateSessionData')).toEqual([])
  })

  it('saves valid raw JSON with updateSessionData and explains what saving does', async () => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    expect(within(pane).getByText(/Saving counts as a modification: the expiry restarts from now/)).toBeTruthy()
    fireEvent.click(within(pane).getByRole('button', { name: 'Raw JSON' }))
    fireEvent.change(within(pane).getByLabelText('Session data as JSON'), { target: { value: '{"user": "mallory", "cart": [1, 2]}' } })
    fireEvent.click(within(pane).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(fake.callsOf('updateSessionData')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu', data: { user: 'mallory', cart: [1, 2] } }]))
    await waitFor(() => expect(rowOf('key00000abcdefghijklmnopqrstu').textContent).toContain('mallory'))
  })

  it('edits a value, adds and removes keys in the tree', async () => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.change(within(pane).getByLabelText('Value of .user'), { target: { value: 'trent' } })
    fireEvent.click(within(pane).getByRole('button', { name: 'Remove .n' }))
    fireEvent.change(within(pane).getByLabelText('New key'), { target: { value: 'theme' } })
    fireEvent.submit(within(pane).getByLabelText('New key'))
    fireEvent.change(within(pane).getByLabelText('Value of .theme'), { target: { value: 'dark' } })
    fireEvent.click(within(pane).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(fake.callsOf('updateSessionData')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu', data: { user: 'trent', theme: 'dark' } }]))
  })

  it('refuses a number field that is not a number', async () => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.change(within(pane).getByLabelText('Value of .n'), { target: { value: '12abc' } })
    expect(within(pane).getByRole('alert').textContent).toContain('.n: "12abc" is not a number')
    const save = within(pane).getByRole('button', { name: 'Save' }) as HTMLButtonElement
    expect(save.disabled).toBe(true)
    fireEvent.change(within(pane).getByLabelText('Value of .n'), { target: { value: '12' } })
    await waitFor(() => expect(save.disabled).toBe(false))
    fireEvent.click(save)
    await waitFor(() => expect(fake.callsOf('updateSessionData')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu', data: { user: 'user0', n: 12 } }]))
  })

  it.each([
    ['Browser close (0)', 0],
    ['10 min', 600],
    ['1 day', 86_400],
    ['Global policy (None)', null]
  ])('expiry preset %s calls setSessionExpiry(%j)', async (label, value) => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.click(within(pane).getByRole('button', { name: label }))
    await waitFor(() => expect(fake.callsOf('setSessionExpiry')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu', value }]))
  })

  it('shows browser-close expiry in the badge and the facts after set_expiry(0)', async () => {
    await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.click(within(pane).getByRole('button', { name: 'Browser close (0)' }))
    await waitFor(() => expect(detail().textContent).toContain('0: expires when the browser closes'))
    expect(rowOf('key00000abcdefghijklmnopqrstu').textContent).toContain('browser close')
    expect(rowOf('key00000abcdefghijklmnopqrstu').textContent).toContain('at browser close')
  })

  it('reads a custom expiry and refuses nonsense', async () => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    const input = within(pane).getByLabelText('Custom set_expiry value')
    fireEvent.change(input, { target: { value: 'whenever' } })
    fireEvent.submit(input)
    expect(within(pane).getByRole('alert').textContent).toContain('Cannot read "whenever"')
    fireEvent.change(input, { target: { value: '90s' } })
    fireEvent.submit(input)
    await waitFor(() => expect(fake.callsOf('setSessionExpiry')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu', value: 90 }]))
  })

  it('expires now, and jumps the clock to the expiry', async () => {
    const { fake } = await renderApp({ fake: fakeWith(1) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.click(within(pane).getByRole('button', { name: 'Jump clock to expiry' }))
    await waitFor(() => expect(fake.callsOf('setClock')).toEqual([{ now: new Date(T0 + 1_209_600_000 + 1000).toISOString() }]))
    await waitFor(() => expect(rowOf('key00000abcdefghijklmnopqrstu').textContent).toContain('expired'))
    fireEvent.click(within(pane).getByRole('button', { name: 'Expire now' }))
    await waitFor(() => expect(fake.callsOf('expireSession')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu' }]))
  })

  it('deletes only after confirmation', async () => {
    const { fake } = await renderApp({ fake: fakeWith(2) })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.click(within(pane).getByRole('button', { name: 'Delete' }))
    const dialog = await screen.findByRole('alertdialog')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    expect(fake.callsOf('deleteSession')).toEqual([])
    fireEvent.click(within(pane).getByRole('button', { name: 'Delete' }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete session' }))
    await waitFor(() => expect(fake.callsOf('deleteSession')).toEqual([{ key: 'key00000abcdefghijklmnopqrstu' }]))
    await waitFor(() => expect(within(grid()).queryByText('key00000abcdefghijklmnopqrstu')).toBeNull())
    expect(screen.queryByRole('complementary', { name: /^Session / })).toBeNull()
  })

  it('keeps edits when the session changes on the server, and offers to load it', async () => {
    const fake = fakeWith(1)
    await renderApp({ fake })
    const pane = await openSession('key00000abcdefghijklmnopqrstu')
    fireEvent.change(within(pane).getByLabelText('Value of .user'), { target: { value: 'mine' } })
    const changed = fake.info({ key: 'key00000abcdefghijklmnopqrstu', data: { user: 'theirs' }, savedAt: T0, clientId: null, expiredAt: null })
    act(() => fake.emit('session', { key: changed.key, change: 'saved', session: changed }))
    expect(await within(pane).findByText(/changed on the server while you were editing/)).toBeTruthy()
    expect((within(pane).getByLabelText('Value of .user') as HTMLInputElement).value).toBe('mine')
    fireEvent.click(within(pane).getByRole('button', { name: 'Load the new data' }))
    expect((within(pane).getByLabelText('Value of .user') as HTMLInputElement).value).toBe('theirs')
  })
})

describe('a clock set back after sessions were saved on the advanced clock', () => {
  const AHEAD = 'savedontheadvancedclock000000000'
  const LAPSED = 'lapsedontheadvancedclock00000000'

  /** Real time (running), +1 h; a session saved there; then Reset, as in the header. */
  async function advancedThenReset() {
    const fake = new FakeApi({ now: Date.now() })
    // set_expiry(600), saved now: expired once the clock is an hour on.
    fake.addSession({ key: LAPSED, data: { n: 1, _session_expiry: 600 } })
    const view = await renderApp({ fake })
    fireEvent.click(within(screen.getByRole('group', { name: 'Engine clock controls' })).getByRole('button', { name: '+1 h' }))
    await waitFor(() => expect(rowOf(LAPSED).textContent).toContain('expired'))
    act(() => void fake.addSession({ key: AHEAD, data: { n: 2 } }, true))
    await within(grid()).findByText(AHEAD)
    fireEvent.click(within(screen.getByRole('group', { name: 'Engine clock controls' })).getByRole('button', { name: 'Reset' }))
    return view
  }

  it('never says "saved in 1 h": the save time is marked as from the advanced clock, and the screen says what happened', async () => {
    await advancedThenReset()
    // The toast first: it goes after 5 s, which a loaded machine can spend on the checks below.
    expect((await screen.findByText(/^Clock reset to real time, 1 h back\./)).textContent).toContain('ones that had expired on it are active again')
    const banner = await screen.findByTestId('saved-ahead-banner')
    expect(banner.textContent).toMatch(/^1 session was saved on the advanced clock, up to (1 h|59 min) after now: the engine clock has gone back since/)
    expect(banner.textContent).toContain('sessions that had expired on the advanced clock are active again')
    const saved = within(rowOf(AHEAD)).getByTestId('saved-ahead')
    expect(saved.textContent).toMatch(/^ (1 h|59 min) after now$/)
    expect(saved.getAttribute('title')).toContain('Saved while the engine clock was ahead of where it is now')
    expect(grid().textContent).not.toMatch(/\bin (1 h|59 min)\b.*\bin 14 d/)
    // The one that had expired on the advanced clock is active again, as the toast said.
    await waitFor(() => expect(rowOf(LAPSED).textContent).toContain('active'))
  })

  it('explains it in the session detail too', async () => {
    await advancedThenReset()
    await screen.findByTestId('saved-ahead-banner')
    const pane = await openSession(AHEAD)
    expect(pane.querySelector('.detail-summary')?.textContent).toMatch(/saved\s+on the advanced clock, (1 h|59 min)( \d+ s)? after now/)
    expect(pane.querySelector('.detail-summary')?.textContent).not.toMatch(/saved in/)
    expect(within(pane).getByTestId('saved-ahead-note').textContent).toContain('after now. Saved while the engine clock was ahead')
  })

  it('says nothing of the kind once a session is saved on the current clock', async () => {
    const fake = fakeWith(2)
    await renderApp({ fake })
    await within(grid()).findByText('key00000abcdefghijklmnopqrstu')
    expect(screen.queryByTestId('saved-ahead-banner')).toBeNull()
    expect(screen.queryByTestId('saved-ahead')).toBeNull()
  })
})
