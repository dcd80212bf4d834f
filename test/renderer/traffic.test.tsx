// Traffic: the live request list, its filters, pause and clear, the detail pane with the
// middleware's reason for every case of the response step, the diff, cookies and wire tabs.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { EFFECT_LABEL, formatTimeOfDay } from '../../src/renderer/lib/traffic'
import { FakeApi } from './fake-api'
import { renderApp, T0 } from './render-app'
import { entry, KEY_A, REASON_CASES, type ReasonCase } from './traffic-fixtures'

const grid = () => screen.getByRole('grid', { name: 'Requests' })
const dataRows = () => within(grid()).getAllByRole('row').slice(1)
const detail = () => screen.getByRole('complementary', { name: /^Request \d+$/ })
const reason = () => screen.getByTestId('reason-sentence')

function go(hash: string) {
  act(() => {
    window.location.hash = hash
  })
}

/** A fake holding one entry per reason case, ids 1…n, a second apart. */
function fakeWithCases(): FakeApi {
  const fake = new FakeApi({ now: T0, frozen: true })
  REASON_CASES.forEach((c, i) => fake.addTraffic(c.make(i + 1, T0 - (REASON_CASES.length - i) * 1000)))
  return fake
}

const caseId = (c: ReasonCase) => REASON_CASES.indexOf(c) + 1
const byName = (name: string) => REASON_CASES.find((c) => c.name === name) as ReasonCase

async function openTab(name: string) {
  fireEvent.click(within(detail()).getByRole('tab', { name: new RegExp(`^${name}`) }))
  return within(detail()).getByRole('tabpanel')
}

describe('traffic list', () => {
  it('lists requests newest first with time, method, path, status, duration, effect and Set-Cookie', async () => {
    await renderApp({ fake: fakeWithCases(), route: '#/traffic' })
    await within(grid()).findAllByText('/p1/set/')
    const rows = dataRows()
    expect(rows).toHaveLength(REASON_CASES.length)
    // The newest is the upstream error; the first case (a new session) is the oldest.
    expect(rows[0]?.textContent).toContain('upstream error')
    expect(rows[0]?.textContent).toContain('502')
    const created = rows[rows.length - 1] as HTMLElement
    expect(within(created).getByText('POST')).toBeTruthy()
    expect(within(created).getByText('/p1/set/')).toBeTruthy()
    expect(within(created).getByText('created')).toBeTruthy()
    expect(within(created).getByText('yes · 14 d')).toBeTruthy()
    expect(within(created).getByText('4 ms')).toBeTruthy()
    expect(created.textContent).toContain(formatTimeOfDay(T0 - REASON_CASES.length * 1000))
    const flushed = within(grid()).getByText('/logout/').closest('[role="row"]') as HTMLElement
    expect(within(flushed).getByText('flushed')).toBeTruthy()
    expect(within(flushed).getByText('deletion')).toBeTruthy()
    const browserClose = within(grid()).getByText('/p3/set/').closest('[role="row"]') as HTMLElement
    expect(within(browserClose).getByText('yes · session-only')).toBeTruthy()
    expect(screen.getByText(`${REASON_CASES.length} requests`)).toBeTruthy()
  })

  it('says how to start when there is no traffic', async () => {
    await renderApp({ route: '#/traffic' })
    expect(await screen.findByText('No requests yet')).toBeTruthy()
    expect(screen.getByText('No requests yet').parentElement?.textContent).toContain('http://127.0.0.1:8080')
  })

  it('filters by text on the server, by effect on the server, and by status class and session changes locally', async () => {
    const { fake } = await renderApp({ fake: fakeWithCases(), route: '#/traffic' })
    await within(grid()).findAllByText('/p1/set/')
    fireEvent.change(screen.getByLabelText('Search requests'), { target: { value: 'logout' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    expect(fake.callsOf('listTraffic').at(-1)).toMatchObject({ search: 'logout' })
    fireEvent.change(screen.getByLabelText('Search requests'), { target: { value: '' } })
    await waitFor(() => expect(dataRows()).toHaveLength(REASON_CASES.length))

    fireEvent.change(screen.getByLabelText('Session effect'), { target: { value: 'rejected' } })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    expect(fake.callsOf('listTraffic').at(-1)).toMatchObject({ effect: 'rejected' })
    fireEvent.change(screen.getByLabelText('Session effect'), { target: { value: '' } })

    fireEvent.change(screen.getByLabelText('Status class'), { target: { value: '5xx' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    expect(dataRows()[0]?.textContent).toContain('500')
    fireEvent.change(screen.getByLabelText('Status class'), { target: { value: 'error' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    expect(dataRows()[0]?.textContent).toContain('upstream error')
    fireEvent.change(screen.getByLabelText('Status class'), { target: { value: '' } })

    fireEvent.click(screen.getByLabelText('Only session changes'))
    await waitFor(() => expect(dataRows()).toHaveLength(REASON_CASES.filter((c) => ['created', 'modified', 'cycled', 'flushed', 'deleted'].includes(c.effect)).length))
    for (const row of dataRows()) expect(row.textContent).toMatch(/created|modified|key cycled|flushed|deleted/)
  })

  it('fetches older pages by itself while a local filter shows too few rows', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    const ok = REASON_CASES[0] as ReasonCase
    const error = byName('not saved: a 500')
    for (let id = 1; id <= 1200; id++) fake.addTraffic((id === 3 ? error : ok).make(id, T0 - (1200 - id) * 1000))
    await renderApp({ fake, route: '#/traffic' })
    await within(grid()).findAllByText('/p1/set/')
    expect(screen.getByText('1,200 requests')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Status class'), { target: { value: '5xx' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    const pages = fake.callsOf('listTraffic') as { before?: number }[]
    expect(pages.filter((p) => p.before !== undefined).length).toBe(2)
    expect(screen.getByText('1 match in the 1,200 requests')).toBeTruthy()
  })
})

describe('the middleware reason, for every case of the response step', () => {
  it('covers every ReasonCode', () => {
    const codes = new Set(REASON_CASES.map((c) => c.make(1, T0).reasonCode).filter(Boolean))
    expect([...codes].sort()).toEqual(['created', 'deleted-empty', 'empty', 'interrupted', 'modified', 'observed', 'read', 'saved-every-request', 'server-error', 'untouched'])
  })

  it('shows the exact sentence and the effect badge for each', async () => {
    await renderApp({ fake: fakeWithCases(), route: '#/traffic' })
    await within(grid()).findAllByText('/p1/set/')
    for (const c of REASON_CASES) {
      go(`#/traffic/${caseId(c)}`)
      await waitFor(() => expect(detail().getAttribute('aria-label')).toBe(`Request ${caseId(c)}`))
      await waitFor(() => expect(reason().textContent).toBe(c.sentence))
      expect(within(detail()).getByText(EFFECT_LABEL[c.effect], { selector: '.badge' })).toBeTruthy()
    }
  }, 30_000)
})

describe('request detail', () => {
  it('summarises the decision: Max-Age, where the lifetime came from, the key before and after', async () => {
    const c = byName('modified with set_expiry(600)')
    await renderApp({ fake: fakeWithCases(), route: `#/traffic/${caseId(c)}` })
    await waitFor(() => expect(reason().textContent).toBe('Set-Cookie sent: the session was modified; Max-Age=600 because set_expiry(600)'))
    const decision = within(detail()).getByLabelText("The middleware's decision")
    expect(decision.textContent).toContain('600 (10 min)')
    expect(decision.textContent).toContain('set_expiry(600)')
    expect(decision.textContent).toContain('yes: written to the store')
    expect(decision.textContent).toContain('added (the session was accessed)')
    expect(decision.textContent).toContain(KEY_A)
    expect(within(detail()).getByText("this session's history").getAttribute('href')).toBe(`#/traffic/session/${KEY_A}`)
  })

  it('names a reason once when its words are its code, and in words beside it otherwise', async () => {
    const created = byName('created: cycle_key() with no session before (login on a first visit)')
    await renderApp({ fake: fakeWithCases(), route: `#/traffic/${caseId(created)}` })
    await waitFor(() => expect(reason().textContent).toBe(created.sentence))
    const facts = () => within(detail()).getByLabelText("The middleware's decision")
    expect(within(detail()).getByText('created', { selector: '.badge' })).toBeTruthy()
    expect(facts().textContent).toContain('reasoncreated')
    expect(facts().textContent).not.toContain('(created)')
    go(`#/traffic/${caseId(byName('deleted: the cookie of an empty session'))}`)
    await waitFor(() => expect(facts().textContent).toContain('deleted-empty (deleted because empty)'))
  })

  it('diffs the session before and after: added, removed and changed keys, sorted', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    fake.addTraffic(entry({ id: 7, time: T0, url: '/p1/set/', before: { key: KEY_A, data: { cart: [1], gone: true, same: 'x', user: { id: 1 } } }, after: { key: KEY_A, data: { cart: [1, 2], same: 'x', theme: 'dark', user: { id: 1 } } } }))
    await renderApp({ fake, route: '#/traffic/7' })
    await within(detail()).findByRole('tab', { name: /^Session diff/ })
    const panel = await openTab('Session diff')
    expect(within(panel).getByTestId('diff-counts').textContent).toBe('1 added, 1 removed, 1 changed, 2 unchanged')
    const table = within(panel).getByRole('table', { name: 'Session diff' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => r.getAttribute('data-change'))).toEqual(['changed', 'removed', 'same', 'added', 'same'])
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['cart', 'gone', 'same', 'theme', 'user'])
    expect(rows[0]?.textContent).toContain('[\n  1\n]')
    fireEvent.click(within(panel).getByLabelText('Hide unchanged'))
    expect(within(table).getAllByRole('row').slice(1)).toHaveLength(3)
  })

  it('parses the cookies: the request Cookie, each Set-Cookie with attributes and lifetime, and the dropped ones', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    const d = byName('modified with set_expiry(600)').make(1, T0)
    fake.addTraffic({ ...entry({ id: 9, time: T0, url: '/p2/set/', before: d.sessionBefore, after: d.sessionAfter, decision: d.decision, update: d.xSessionUpdate, droppedCookies: ['promo'], appCookies: ['theme=dark; Path=/'] }) })
    await renderApp({ fake, route: '#/traffic/9' })
    await within(detail()).findByRole('tab', { name: /^Cookies/ })
    const panel = await openTab('Cookies')
    const request = within(panel).getByRole('table', { name: 'Request cookies' })
    expect(within(request).getByText('si_client')).toBeTruthy()
    expect(within(request).getByText('the session cookie')).toBeTruthy()
    expect(within(request).getByText('removed by the proxy before the app saw it')).toBeTruthy()
    const session = within(panel).getByRole('region', { name: 'Set-Cookie sessionid' })
    expect(within(session).getByText('session key', { selector: '.badge' })).toBeTruthy()
    expect(session.textContent).toContain('from the session middleware')
    expect(session.textContent).toContain('expires at 2026-03-01')
    expect(session.textContent).toContain('(10 min after this response)')
    const attrs = within(session).getByRole('table', { name: 'Attributes of sessionid' })
    expect(within(attrs).getByText('Max-Age').closest('tr')?.textContent).toContain('600')
    expect(within(attrs).getByText('HttpOnly').closest('tr')?.textContent).toContain('(flag)')
    expect(within(panel).getByRole('region', { name: 'Set-Cookie theme' }).textContent).toContain('session-only')
    const promo = within(panel).getByRole('region', { name: 'Set-Cookie promo' })
    expect(promo.textContent).toContain('deletion')
    expect(promo.textContent).toContain('from the proxy: tells the browser to forget a cookie it removed')
    expect(within(panel).getByRole('list', { name: 'Cookies removed by the proxy' }).textContent).toContain('promo')
  })

  it('shows the headers and the wire protocol decoded', async () => {
    const c = byName('created: cycle_key()')
    await renderApp({ fake: fakeWithCases(), route: `#/traffic/${caseId(c)}` })
    await within(detail()).findByRole('tab', { name: /^Headers/ })
    const headers = await openTab('Headers')
    expect(within(headers).getByRole('table', { name: 'Request headers' }).textContent).toContain('User-Agent')
    expect(within(headers).getByRole('table', { name: 'Response headers' }).textContent).toContain('Vary')
    const wire = await openTab('Wire')
    expect(within(wire).getByLabelText('X-Session').textContent).toContain(KEY_A)
    expect(within(wire).getByLabelText('X-Session data').textContent).toContain('"cart"')
    const update = within(wire).getByLabelText('X-Session-Update')
    expect(update.textContent).toContain('cycle_key(): the same data under a new key')
    expect(within(wire).getByLabelText('X-Session-Update data').textContent).toContain('"_auth_user_id": "42"')
  })

  it('shows a refused X-Session-Update raw, with why', async () => {
    const c = byName("the app's update refused")
    await renderApp({ fake: fakeWithCases(), route: `#/traffic/${caseId(c)}` })
    await within(detail()).findByRole('tab', { name: /^Wire/ })
    const wire = await openTab('Wire')
    expect(within(wire).getByText('%%not-base64%%')).toBeTruthy()
    expect(wire.textContent).toContain('X-Session-Update refused: not base64url. The session stayed as it was.')
    expect(wire.textContent).toContain('cannot decode: not base64url')
  })

  it('says when the traffic log kept only the start of a huge refused update', async () => {
    const c = byName("the app's update refused")
    const fake = new FakeApi({ now: T0, frozen: true })
    const entry = c.make(1, T0 - 1000)
    entry.rejectedUpdate = `${'A'.repeat(200)}… [truncated, 1048576 bytes]`
    fake.addTraffic(entry)
    await renderApp({ fake, route: '#/traffic/1' })
    await within(detail()).findByRole('tab', { name: /^Wire/ })
    const wire = await openTab('Wire')
    expect(wire.textContent).toContain('… [truncated, 1048576 bytes]')
    expect(wire.textContent).toContain('cannot decode: the traffic log kept only the start of this 1048576-byte value')
  })

  it('says when an entry is gone', async () => {
    await renderApp({ route: '#/traffic/404' })
    expect((await screen.findByRole('alert')).textContent).toContain('Request #404 is no longer in the traffic log')
  })

  it('opens with Enter, moves with the arrows and closes with Escape', async () => {
    await renderApp({ fake: fakeWithCases(), route: '#/traffic' })
    await within(grid()).findAllByText('/p1/set/')
    grid().focus()
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    const second = dataRows()[1] as HTMLElement
    expect(second.getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(grid(), { key: 'Enter' })
    const id = REASON_CASES.length - 1
    await waitFor(() => expect(window.location.hash).toBe(`#/traffic/${id}`))
    expect(await screen.findByRole('complementary', { name: `Request ${id}` })).toBeTruthy()
    fireEvent.keyDown(grid(), { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('complementary', { name: /^Request / })).toBeNull())
    expect(window.location.hash).toBe('#/traffic')
  })
})
