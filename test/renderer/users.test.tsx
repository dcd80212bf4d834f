// Users on the Sessions screen (issue 20): the User column and filter, the detail's user
// (who, with which backend, a warning before Django drops the session), the user's sessions
// with their browsers, and log out everywhere / the others, each confirmed.
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeApi } from './fake-api'
import { makeClient } from './traffic-fixtures'
import { renderApp, T0 } from './render-app'

const BACKEND = 'django.contrib.auth.backends.ModelBackend'
const K1 = 'sonamchromekey0000000000000000aa'
const K2 = 'sonamfirefoxkey000000000000000bb'
const K3 = 'adminkey0000000000000000000000cc'
const ANON = 'anonymouskey00000000000000000dd'

function fakeWithUsers(): FakeApi {
  const fake = new FakeApi({ now: T0, frozen: true })
  fake.usernames.set('1', 'sonam')
  fake.usernames.set('7', 'admin')
  fake.staleUsers.add('7')
  fake.clients = [
    makeClient({ id: 'c-chrome', name: '', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36', now: T0 }),
    makeClient({ id: 'c-firefox', name: '', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', now: T0 })
  ]
  const auth = (id: string) => ({ _auth_user_id: id, _auth_user_backend: BACKEND, _auth_user_hash: 'h' })
  fake.addSession({ key: K1, data: auth('1'), savedAt: T0, clientId: 'c-chrome' })
  fake.addSession({ key: K2, data: auth('1'), savedAt: T0 - 60_000, clientId: 'c-firefox' })
  fake.addSession({ key: K3, data: auth('7'), savedAt: T0 - 120_000 })
  fake.addSession({ key: ANON, data: { cart: [1] }, savedAt: T0 - 180_000 })
  return fake
}

const grid = () => screen.getByRole('grid', { name: 'Sessions' })
const dataRows = () => within(grid()).getAllByRole('row').slice(1)

async function openSession(key: string) {
  fireEvent.click(await within(grid()).findByText(key))
  return await screen.findByRole('complementary', { name: `Session ${key}` })
}

describe('users on the Sessions screen', () => {
  it('shows the user of each session and filters by user or anonymous', async () => {
    await renderApp({ fake: fakeWithUsers() })
    await within(grid()).findByText(K1)
    expect(within(grid()).getAllByRole('columnheader').map((h) => h.textContent)).toContain('User')
    const text = dataRows().map((r) => r.textContent ?? '')
    expect(text[0]).toContain('sonam')
    expect(text[2]).toContain('admin')
    const filter = screen.getByLabelText('Filter sessions by user')
    expect([...(filter as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['All users', 'Anonymous', 'admin (user 7)', 'sonam (user 1)'])
    fireEvent.change(filter, { target: { value: '1' } })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    fireEvent.change(filter, { target: { value: '-' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    expect(dataRows()[0]?.textContent).toContain(ANON)
  })

  it('filters by a user over the whole store, not only the pages loaded', async () => {
    const fake = fakeWithUsers()
    // 500 anonymous sessions newer than sonam's second one (K2), older than the first (K1):
    // K1 is on the first page of 200, K2 is not.
    const filler = (i: number) => `filler${String(i).padStart(26, '0')}`
    for (let i = 0; i < 500; i++) fake.addSession({ key: filler(i), data: { n: i }, savedAt: T0 - 1 - i })
    fake.addSession({ key: K2, data: { _auth_user_id: '1', _auth_user_backend: BACKEND, _auth_user_hash: 'h' }, savedAt: T0 - 10_000_000, clientId: 'c-firefox' })
    await renderApp({ fake })
    await within(grid()).findByText(K1)
    expect(within(grid()).queryByText(K2)).toBeNull()
    fireEvent.change(screen.getByLabelText('Filter sessions by user'), { target: { value: '1' } })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    expect(within(grid()).getByText(K2)).toBeTruthy()
    expect(fake.callsOf('listSessions').some((c) => (c as { user?: string }).user === '1')).toBe(true)
  })

  it("says who, with which backend, and lists the user's sessions with their browsers", async () => {
    await renderApp({ fake: fakeWithUsers() })
    const pane = await openSession(K1)
    expect((await within(pane).findByTestId('session-user')).textContent).toMatch(/Logged in as sonam \(user 1\) with ModelBackend/)
    const table = await within(pane).findByRole('table', { name: 'Every session of sonam (user 1)' })
    const rows = within(table).getAllByRole('row').slice(1).map((r) => r.textContent ?? '')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatch(/this one.*Chrome on Linux/)
    expect(rows[1]).toMatch(/Firefox on Linux/)
  })

  it('warns before Django drops a session whose password changed', async () => {
    await renderApp({ fake: fakeWithUsers() })
    const pane = await openSession(K3)
    expect((await within(pane).findByTestId('session-user-stale')).textContent).toMatch(/no longer matches the user's password hash/)
  })

  it('logs out the others, then everywhere, each after a confirmation that says what it does', async () => {
    const { fake } = await renderApp({ fake: fakeWithUsers() })
    const pane = await openSession(K1)
    await within(pane).findByRole('table', { name: /Every session of sonam/ })
    fireEvent.click(within(pane).getByRole('button', { name: 'Log out the others' }))
    let dialog = await screen.findByRole('alertdialog')
    expect(dialog.textContent).toMatch(/1 other session of sonam \(user 1\).*this one stays/)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log out the others' }))
    await waitFor(() => expect(fake.callsOf('logoutUser')).toEqual([{ id: '1', except: K1 }]))
    expect(await screen.findByText('sonam (user 1): 1 session deleted, this one kept')).toBeTruthy()
    await waitFor(() => expect(within(grid()).queryByText(K2)).toBeNull())

    fireEvent.click(within(pane).getByRole('button', { name: 'Log out everywhere' }))
    dialog = await screen.findByRole('alertdialog')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    expect(fake.callsOf('logoutUser')).toHaveLength(1)
    fireEvent.click(within(pane).getByRole('button', { name: 'Log out everywhere' }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Log out everywhere' }))
    await waitFor(() => expect(fake.callsOf('logoutUser')).toEqual([{ id: '1', except: K1 }, { id: '1' }]))
    expect(await screen.findByText('sonam (user 1): 1 session deleted')).toBeTruthy()
    await waitFor(() => expect(within(grid()).queryByText(K1)).toBeNull())
  })
})
