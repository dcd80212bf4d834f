// Timeline: every session's life on the engine's clock, from its last save to its expiry,
// with "now" on the engine clock and real time; presets, zoom and pan; live from session
// and clock events. Clicking a session opens it in Sessions (#/sessions/KEY).
import { useCallback, useDeferredValue, useMemo, useState } from 'react'
import { useAppState, useEngineNow } from '../../app/app-state'
import { EmptyState } from '../../components/empty-state'
import { IconTimeline } from '../../components/icons'
import { SearchBox } from '../../components/search-box'
import { Spinner } from '../../components/spinner'
import { plural } from '../../lib/format'
import { sessionMatches, sessionState } from '../../lib/session-state'
import { around, fitRange, sortForTimeline, zoom, type TimeRange, type TimelineSort } from '../../lib/timeline-scale'
import type { ScreenDefinition } from '../screen'
import { useSessions } from '../sessions/use-sessions'
import { TimelineChart } from './timeline-chart'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Around now follows the clock; auto fits now and the live sessions, fit every session
 * (both follow the data); fixed is where zoom and pan leave it.
 */
type View = { kind: 'around-now'; half: number } | { kind: 'auto' } | { kind: 'fit' } | { kind: 'fixed'; range: TimeRange }

const PRESETS: { label: string; title: string; view: View }[] = [
  { label: 'Auto', title: 'Now and every session still alive (follows the data and the clock)', view: { kind: 'auto' } },
  { label: '±1 h', title: 'One hour either side of now (follows the engine clock)', view: { kind: 'around-now', half: HOUR } },
  { label: '±1 day', title: 'One day either side of now (follows the engine clock)', view: { kind: 'around-now', half: DAY } },
  { label: '±1 week', title: 'One week either side of now (follows the engine clock)', view: { kind: 'around-now', half: 7 * DAY } },
  { label: 'All', title: 'Fit every session and now', view: { kind: 'fit' } }
]

const sameView = (a: View, b: View) => a.kind === b.kind && (a.kind !== 'around-now' || (b.kind === 'around-now' && a.half === b.half))

function TimelineScreen() {
  const { status } = useAppState()
  const { engineMs, realMs } = useEngineNow()
  const data = useSessions()
  const [view, setView] = useState<View>({ kind: 'auto' })
  const [sort, setSort] = useState<TimelineSort>('expiry')
  const [hideExpired, setHideExpired] = useState(false)
  const [search, setSearch] = useState('')
  const needle = useDeferredValue(search.trim().toLowerCase())
  const [selectedKey, setSelectedKey] = useState<string | null>(null)

  // Sorted against the clock to the minute: a session that expires moves down within a minute,
  // without re-sorting thousands of rows every second.
  const sortMinute = Math.floor(engineMs / 60_000)
  const rows = useMemo(() => {
    const kept = data.rows.filter((s) => sessionMatches(s, needle))
    return sortForTimeline(kept, sort, sortMinute * 60_000)
  }, [data.rows, needle, sort, sortMinute])
  // Hiding expired sessions depends on the clock: a cheap pass, redone as it ticks.
  const shown = useMemo(() => (hideExpired ? rows.filter((s) => sessionState(s, engineMs) !== 'expired') : rows), [rows, hideExpired, engineMs])
  const range = useMemo<TimeRange>(() => {
    if (view.kind === 'around-now') return around(engineMs, view.half)
    if (view.kind === 'fixed') return view.range
    if (view.kind === 'auto') {
      const live = shown.filter((x) => sessionState(x, engineMs) !== 'expired')
      return fitRange(live.length ? live : shown, engineMs)
    }
    return fitRange(shown, engineMs)
  }, [view, engineMs, shown])

  const onRangeChange = useCallback((next: TimeRange) => setView({ kind: 'fixed', range: next }), [])
  const openSession = useCallback((key: string) => {
    window.location.hash = `#/sessions/${encodeURIComponent(key)}`
  }, [])
  const zoomBy = (factor: number) => {
    const anchor = engineMs >= range.start && engineMs <= range.end ? engineMs : (range.start + range.end) / 2
    setView({ kind: 'fixed', range: zoom(range, factor, anchor) })
  }

  const expired = useMemo(() => rows.reduce((n, s) => n + (sessionState(s, engineMs) === 'expired' ? 1 : 0), 0), [rows, engineMs])

  return (
    <section className="screen timeline-screen" aria-labelledby="timeline-title">
      <div className="screen-toolbar">
        <h1 id="timeline-title" className="screen-title" title="Each session from its last save to its expiry, on the engine clock">
          Timeline
        </h1>
        <div className="segmented" role="group" aria-label="Time range">
          {PRESETS.map((p) => (
            <button key={p.label} type="button" aria-pressed={sameView(view, p.view)} title={p.title} onClick={() => setView(p.view)}>
              {p.label}
            </button>
          ))}
        </div>
        <div className="segmented" role="group" aria-label="Zoom">
          <button type="button" aria-label="Zoom in" title="Zoom in (+, or ctrl+wheel)" onClick={() => zoomBy(0.5)}>
            +
          </button>
          <button type="button" aria-label="Zoom out" title="Zoom out (−, or ctrl+wheel)" onClick={() => zoomBy(2)}>
            −
          </button>
        </div>
        <select className="input input-small" aria-label="Order" value={sort} onChange={(e) => setSort(e.target.value as TimelineSort)}>
          <option value="expiry">Expires soonest first</option>
          <option value="saved">Newest save first</option>
        </select>
        <SearchBox label="Filter the timeline by key or data" placeholder="Filter by key or data" value={search} onChange={setSearch} narrow />
        <label className="checkbox">
          <input type="checkbox" checked={hideExpired} onChange={(e) => setHideExpired(e.target.checked)} />
          Hide expired{expired ? ` (${expired.toLocaleString('en-US')})` : ''}
        </label>
        <span className="toolbar-count" aria-live="polite">
          {data.loading ? <Spinner label="Loading sessions" /> : plural(shown.length, 'session')}
          {!data.loading && data.hasMore && data.total !== null && ` of the ${data.total.toLocaleString('en-US')} in the store (the latest expiries first)`}
        </span>
        {data.hasMore && (
          <button type="button" className="button button-small" disabled={data.loadingMore} onClick={data.loadMore}>
            {data.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
      <div className="tl-legend" aria-label="Legend">
        <span className="tl-key-item"><span className="tl-swatch tl-bar-active" /> active</span>
        <span className="tl-key-item"><span className="tl-swatch tl-bar-soon" /> expires within 5 min</span>
        <span className="tl-key-item"><span className="tl-swatch tl-bar-expired" /> expired</span>
        <span className="tl-key-item"><span className="tl-swatch tl-bar-browser-close" /> ends at browser close</span>
        <span className="tl-key-item"><span className="tl-swatch-line tl-line-now" /> now (engine)</span>
        <span className="tl-key-item"><span className="tl-swatch-line tl-line-real" /> real time</span>
        <span className="muted tl-hint">Drag or shift+wheel to pan, ctrl+wheel to zoom; ← → + − with the keyboard</span>
      </div>
      {data.error && (
        <div className="inline-note inline-note-danger" role="alert">
          Cannot list sessions: {data.error}
        </div>
      )}
      {data.unsupported ? (
        <EmptyState title="This engine cannot list its sessions">{data.unsupported}</EmptyState>
      ) : !data.loading && data.rows.length === 0 ? (
        <EmptyState title="No sessions yet">
          Open <span className="mono">{status?.proxyUrl ?? 'the proxy URL'}</span> to start a session: it appears here from its first save to its
          expiry.
        </EmptyState>
      ) : !data.loading && shown.length === 0 ? (
        <EmptyState title="No session matches">Nothing left to show with this filter.</EmptyState>
      ) : (
        <TimelineChart
          rows={shown}
          range={range}
          engineMs={engineMs}
          realMs={realMs}
          selectedKey={selectedKey}
          onSelect={setSelectedKey}
          onOpen={openSession}
          onRangeChange={onRangeChange}
        />
      )}
    </section>
  )
}

export const timelineScreen: ScreenDefinition = {
  id: 'timeline',
  label: 'Timeline',
  icon: IconTimeline,
  component: TimelineScreen
}
