// Traffic, live: batched events (a burst of 1,000 stays a handful of renders and a
// screenful of rows), pause and resume, clear, HAR export, and a session's history.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { Profiler } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../src/renderer/app/app'
import { HAR_CHUNK } from '../../src/renderer/screens/traffic/har-export'
import { FakeApi } from './fake-api'
import { summaryOf } from './fake-traffic'
import { renderApp, T0 } from './render-app'
import { KEY_A, KEY_B, REASON_CASES, type ReasonCase } from './traffic-fixtures'

const grid = () => screen.getByRole('grid', { name: 'Requests' })
const dataRows = () => within(grid()).getAllByRole('row').slice(1)
const created = REASON_CASES[0] as ReasonCase
const modified = REASON_CASES.find((c) => c.name === 'modified with set_expiry(600)') as ReasonCase

function fakeWith(count: number): FakeApi {
  const fake = new FakeApi({ now: T0, frozen: true })
  for (let id = 1; id <= count; id++) fake.addTraffic((id % 2 ? created : modified).make(id, T0 - (count - id) * 1000))
  return fake
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('live traffic', () => {
  it('adds requests from `traffic` events, newest first, without refetching', async () => {
    const fake = fakeWith(2)
    await renderApp({ fake, route: '#/traffic' })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    const loads = fake.callsOf('listTraffic').length
    act(() => {
      fake.addTraffic(modified.make(3, T0), true)
      fake.addTraffic(created.make(4, T0), true)
    })
    await waitFor(() => expect(dataRows()).toHaveLength(4))
    expect(dataRows()[0]?.getAttribute('id')).toBe('traffic-row-4')
    expect(dataRows()[1]?.getAttribute('id')).toBe('traffic-row-3')
    expect(screen.getByText('4 requests')).toBeTruthy()
    // The same event twice (a reconnect replay) is one row.
    act(() => fake.emit('traffic', summaryOf(created.make(4, T0))))
    await new Promise((r) => setTimeout(r, 150))
    expect(dataRows()).toHaveLength(4)
    expect(fake.callsOf('listTraffic').length).toBe(loads)
  })

  it('keeps a burst of 1,000 events to a few renders and a screenful of DOM rows', async () => {
    const fake = fakeWith(0)
    let commits = 0
    window.location.hash = '#/traffic'
    render(
      <Profiler id="app" onRender={() => commits++}>
        <App client={fake} />
      </Profiler>
    )
    expect(await screen.findByText('No requests yet')).toBeTruthy()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const before = commits
    let maxRows = 0
    // 1,000 events in 100 separate tasks over 100 ms: as they come from a stream at 10,000/s.
    for (let batch = 0; batch < 100; batch++) {
      for (let i = 1; i <= 10; i++) {
        const id = batch * 10 + i
        fake.emit('traffic', summaryOf((id % 2 ? created : modified).make(id, T0 + id)))
      }
      await act(async () => {
        vi.advanceTimersByTime(1)
      })
      maxRows = Math.max(maxRows, document.querySelectorAll('[role="grid"] [role="row"]').length)
    }
    await act(async () => {
      vi.advanceTimersByTime(500)
    })
    vi.useRealTimers()
    const renders = commits - before
    // One render per 100 ms batch (plus the empty state giving way to the grid), never one per event.
    expect(renders).toBeGreaterThan(0)
    expect(renders).toBeLessThanOrEqual(6)
    expect(maxRows).toBeLessThan(60)
    expect(grid().getAttribute('aria-rowcount')).toBe('1001')
    expect(dataRows().length).toBeLessThan(60)
    expect(dataRows()[0]?.getAttribute('id')).toBe('traffic-row-1000')
    expect(screen.getByText('1,000 requests')).toBeTruthy()
  })

  it('pauses: counts the new requests, then applies them on resume', async () => {
    const fake = fakeWith(3)
    await renderApp({ fake, route: '#/traffic' })
    await waitFor(() => expect(dataRows()).toHaveLength(3))
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }))
    act(() => {
      for (let id = 4; id <= 30; id++) fake.addTraffic(created.make(id, T0), true)
    })
    const resume = await screen.findByRole('button', { name: '27 new requests — resume' })
    expect(resume.getAttribute('aria-pressed')).toBe('true')
    expect(dataRows()).toHaveLength(3)
    fireEvent.click(resume)
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(3))
    expect(screen.getByText('30 requests')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed')).toBe('false')
  })

  it('applies only the events the filter selects', async () => {
    const fake = fakeWith(2)
    await renderApp({ fake, route: '#/traffic' })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    fireEvent.change(screen.getByLabelText('Session effect'), { target: { value: 'created' } })
    await waitFor(() => expect(dataRows()).toHaveLength(1))
    act(() => {
      fake.addTraffic(modified.make(3, T0), true)
      fake.addTraffic(created.make(4, T0), true)
    })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    expect(dataRows().map((r) => r.id)).toEqual(['traffic-row-4', 'traffic-row-1'])
  })

  it('clears the traffic log after confirmation', async () => {
    const fake = fakeWith(5)
    await renderApp({ fake, route: '#/traffic' })
    await waitFor(() => expect(dataRows()).toHaveLength(5))
    fireEvent.click(screen.getByRole('button', { name: 'Clear traffic' }))
    const dialog = await screen.findByRole('alertdialog', { name: 'Clear all traffic?' })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.callsOf('clearTraffic')).toEqual([])
    await waitFor(() => expect(screen.getByRole('button', { name: 'Clear traffic' }).hasAttribute('disabled')).toBe(false))
    fireEvent.click(screen.getByRole('button', { name: 'Clear traffic' }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Clear traffic' }))
    expect(await screen.findByText('No requests yet')).toBeTruthy()
    expect(fake.callsOf('clearTraffic')).toEqual([{}])
    expect(await screen.findByText('Traffic cleared: 5 requests removed')).toBeTruthy()
  })
})

describe('HAR export', () => {
  function captureDownloads() {
    const blobs: Blob[] = []
    const names: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return `blob:har-${blobs.length}`
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    return { blobs, names }
  }

  it('exports every request as a .har with the session facts in `_session`', async () => {
    const downloads = captureDownloads()
    const fake = fakeWith(3)
    await renderApp({ fake, route: '#/traffic' })
    await waitFor(() => expect(dataRows()).toHaveLength(3))
    fireEvent.click(screen.getByRole('button', { name: 'Export HAR' }))
    expect(await screen.findByText(/Exported 3 requests to session-inspector-.*\.har/)).toBeTruthy()
    expect(fake.callsOf('exportHar')).toEqual([{}])
    expect(downloads.names[0]).toMatch(/^session-inspector-\d{4}-\d{2}-\d{2}-\d{6}\.har$/)
    const har = JSON.parse(await (downloads.blobs[0] as Blob).text()) as { log: { version: string; entries: { _session: { effect: string; reason: string } }[] } }
    expect(har.log.version).toBe('1.2')
    expect(har.log.entries).toHaveLength(3)
    expect(har.log.entries[0]?._session.reason).toBe(created.sentence)
  })

  it('exports exactly what the filter selects, in chunks of ids', async () => {
    const downloads = captureDownloads()
    // 840 requests, every other one modified: 420 to export, in chunks of 400 and 20.
    const fake = fakeWith(2 * HAR_CHUNK + 40)
    await renderApp({ fake, route: '#/traffic' })
    await within(grid()).findAllByText('/p1/set/')
    fireEvent.change(screen.getByLabelText('Session effect'), { target: { value: 'modified' } })
    await waitFor(() => expect(screen.getByRole('button', { name: 'Export filtered HAR' })).toBeTruthy())
    fireEvent.click(screen.getByRole('button', { name: 'Export filtered HAR' }))
    expect(await screen.findByText(/Exported 420 requests/)).toBeTruthy()
    const calls = fake.callsOf('exportHar') as { ids: number[] }[]
    expect(calls.map((c) => c.ids.length)).toEqual([HAR_CHUNK, 20])
    expect(calls.flatMap((c) => c.ids).every((id) => id % 2 === 0)).toBe(true)
    const har = JSON.parse(await (downloads.blobs[0] as Blob).text()) as { log: { entries: { _session: { effect: string } }[] } }
    expect(har.log.entries).toHaveLength(420)
    expect(new Set(har.log.entries.map((e) => e._session.effect))).toEqual(new Set(['modified']))
  })

  it('says when the filter selects nothing, and downloads nothing', async () => {
    const downloads = captureDownloads()
    const fake = fakeWith(2)
    await renderApp({ fake, route: '#/traffic' })
    await waitFor(() => expect(dataRows()).toHaveLength(2))
    fireEvent.change(screen.getByLabelText('Status class'), { target: { value: '4xx' } })
    fireEvent.click(await screen.findByRole('button', { name: 'Export filtered HAR' }))
    expect(await screen.findByText('Nothing to export: no request matches the filter')).toBeTruthy()
    expect(fake.callsOf('exportHar')).toEqual([])
    expect(downloads.names).toEqual([])
  })
})

describe("a session's history", () => {
  it('filters the list by the session key from the route, and drops the filter on request', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    REASON_CASES.forEach((c, i) => fake.addTraffic(c.make(i + 1, T0 - (20 - i) * 1000)))
    await renderApp({ fake, route: `#/traffic/session/${KEY_B}` })
    // KEY_B: a cycle_key() from KEY_A, a login on a first visit that created it, its flush.
    await waitFor(() => expect(dataRows()).toHaveLength(3))
    expect(fake.callsOf('listTraffic').at(-1)).toMatchObject({ sessionKey: KEY_B })
    expect(dataRows().map((r) => r.textContent)).toEqual([
      expect.stringContaining('POST/logout/'), expect.stringContaining('POST/admin/login/'), expect.stringContaining('POST/login/')
    ])
    fireEvent.click(screen.getByRole('link', { name: "Show every session's requests" }))
    await waitFor(() => expect(dataRows()).toHaveLength(REASON_CASES.length))
  })

  it('lists the requests that touched a session in its Sessions detail, oldest first, live', async () => {
    const fake = new FakeApi({ now: T0, frozen: true })
    fake.addSession({ key: KEY_A, data: { cart: [3, 14] } })
    fake.addTraffic(created.make(1, T0 - 2000))
    fake.addTraffic(modified.make(2, T0 - 1000))
    await renderApp({ fake, route: `#/sessions/${KEY_A}` })
    const history = await screen.findByRole('list', { name: 'Requests that touched this session' })
    expect(within(history).getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual([`#/traffic/session/${KEY_A}/1`, `#/traffic/session/${KEY_A}/2`])
    expect(history.textContent).toContain('created')
    act(() => {
      fake.addTraffic(modified.make(3, T0), true)
    })
    await waitFor(() => expect(within(history).getAllByRole('link')).toHaveLength(3))
    expect(screen.getByRole('link', { name: 'Open in Traffic' }).getAttribute('href')).toBe(`#/traffic/session/${KEY_A}`)
  })
})
