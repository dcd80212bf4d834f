// The requests as a virtualised grid, newest first: only the visible rows exist in the DOM,
// so a live stream of thousands costs a screenful. Arrow keys move, Enter opens, and
// scrolling near the end asks for the next (older) page.
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef, type KeyboardEvent } from 'react'
import type { TrafficSummary } from '../../../shared/api'
import { GridHead } from '../../components/grid-head'
import { clientNameFor } from '../../lib/client-names'
import { formatDateTime, formatDuration, formatOffset, isoToMs } from '../../lib/format'
import { gridMove, pageOf } from '../../lib/grid-keys'
import { entryKey, formatMs, formatTimeOfDay } from '../../lib/traffic'
import { EffectBadge, SetCookieCell, StatusText } from './traffic-cells'
import { AuthBadge } from './auth-badge'

export const ROW_HEIGHT = 30
/** Ask for the next page when the last rendered row is this close to the end. */
const END_THRESHOLD = 40

export interface TrafficTableProps {
  rows: TrafficSummary[]
  selectedId: number | null
  clientNames: Map<string, string>
  /** Nothing more to page in (the row count is then final). */
  complete: boolean
  onSelect(id: number): void
  onOpen(id: number): void
  onEndReached(): void
}

const COLUMNS = ['Engine time', 'Method', 'Path', 'Status', 'Duration', 'Session', 'Set-Cookie', 'Key', 'Client'] as const

export function TrafficTable({ rows, selectedId, clientNames, complete, onSelect, onOpen, onEndReached }: TrafficTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 10,
    paddingStart: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
    useFlushSync: false
  })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items.length ? (items[items.length - 1] as { index: number }).index : -1
  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId)

  useEffect(() => {
    if (!complete && lastIndex >= rows.length - END_THRESHOLD) onEndReached()
  }, [complete, lastIndex, rows.length, onEndReached])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = gridMove(event.key, selectedIndex, rows.length, pageOf(scrollRef.current?.clientHeight, ROW_HEIGHT))
    if (target !== null) {
      event.preventDefault()
      onSelect((rows[target] as TrafficSummary).id)
      virtualizer.scrollToIndex(target, { align: 'auto' })
    } else if (event.key === 'Enter' && selectedId !== null && selectedIndex !== -1) {
      event.preventDefault()
      onOpen(selectedId)
    }
  }

  return (
    <div
      ref={scrollRef}
      className="sessions-grid traffic-grid"
      role="grid"
      aria-label="Requests"
      aria-rowcount={complete ? rows.length + 1 : -1}
      aria-activedescendant={selectedIndex >= 0 ? `traffic-row-${rows[selectedIndex]?.id}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <GridHead columns={COLUMNS} />
      <div className="grid-body" style={{ height: virtualizer.getTotalSize() - ROW_HEIGHT }}>
        {items.map((item) => {
          const entry = rows[item.index]
          if (!entry) return null
          return (
            <TrafficRow
              key={item.key}
              index={item.index}
              top={item.start}
              entry={entry}
              clientName={clientNameFor(entry.clientId, clientNames)}
              selected={item.index === selectedIndex}
              onOpen={onOpen}
            />
          )
        })}
      </div>
    </div>
  )
}

/** "+2 d", "−3 h": how far the engine clock was from real time, for the time column. */
function offsetShort(ms: number): string {
  const seconds = Math.round(ms / 1000)
  return `${seconds > 0 ? '+' : '−'}${formatDuration(Math.abs(seconds), 1)}`
}

interface RowProps {
  index: number
  top: number
  entry: TrafficSummary
  clientName: string | null
  selected: boolean
  onOpen(id: number): void
}

const TrafficRow = memo(function TrafficRow({ index, top, entry, clientName, selected, onOpen }: RowProps) {
  const engineMs = isoToMs(entry.time)
  const realMs = isoToMs(entry.realTime)
  const offset = engineMs !== null && realMs !== null ? engineMs - realMs : 0
  const key = entryKey(entry)
  const timeTitle =
    engineMs === null
      ? undefined
      : `Engine time: ${formatDateTime(engineMs)}` + (realMs !== null ? `\nReal time: ${formatDateTime(realMs)}` : '') + (Math.abs(offset) >= 1000 ? `\nThe engine clock was ${formatOffset(offset)} of real time` : '')
  return (
    <div
      id={`traffic-row-${entry.id}`}
      className={`grid-row${selected ? ' grid-row-selected' : ''}${entry.effect === 'untouched' ? ' traffic-row-quiet' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      style={{ transform: `translateY(${top - ROW_HEIGHT}px)` }}
      onClick={() => onOpen(entry.id)}
    >
      <div role="gridcell" className="grid-cell cell-time" title={timeTitle}>
        {engineMs === null ? '—' : formatTimeOfDay(engineMs)}
        {Math.abs(offset) >= 1000 && <span className="time-offset"> {offsetShort(offset)}</span>}
      </div>
      <div role="gridcell" className="grid-cell mono cell-method">
        {entry.method}
      </div>
      <div role="gridcell" className="grid-cell mono cell-path" title={entry.url}>
        <AuthBadge entry={entry} />
        {entry.url}
      </div>
      <div role="gridcell" className="grid-cell mono">
        <StatusText entry={entry} />
      </div>
      <div role="gridcell" className="grid-cell cell-time cell-duration">
        {formatMs(entry.durationMs)}
      </div>
      <div role="gridcell" className="grid-cell">
        <EffectBadge effect={entry.effect} title={entry.reason} />
      </div>
      <div role="gridcell" className="grid-cell">
        <SetCookieCell entry={entry} />
      </div>
      <div role="gridcell" className="grid-cell mono cell-key-short" title={key ?? undefined}>
        {key ? key.slice(0, 8) : <span className="faint">—</span>}
      </div>
      <div role="gridcell" className="grid-cell cell-client" title={entry.clientId ?? undefined}>
        {clientName ?? <span className="faint">—</span>}
      </div>
    </div>
  )
})
