// The sessions as a virtualised grid: only the visible rows exist in the DOM, so 10,000
// sessions scroll as smoothly as ten. Arrow keys move the selection, Enter opens it.
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useRef, type KeyboardEvent } from 'react'
import type { SessionInfo } from '../../../shared/api'
import { useEngineNow } from '../../app/app-state'
import { GridHead } from '../../components/grid-head'
import { IconAlert } from '../../components/icons'
import { clientNameFor } from '../../lib/client-names'
import { previewJson } from '../../lib/format'
import { gridMove, pageOf } from '../../lib/grid-keys'
import { Countdown, SavedAt, StateBadge } from './session-cells'
import { userLabel } from './session-user'

export const ROW_HEIGHT = 30

export interface SessionsTableProps {
  rows: SessionInfo[]
  selectedKey: string | null
  clientNames: Map<string, string>
  onSelect(key: string): void
  onOpen(key: string): void
}

const COLUMNS = ['State', 'Key', 'Client', 'Data', 'Saved', 'Expires', 'User'] as const

export function SessionsTable({ rows, selectedKey, clientNames, onSelect, onOpen }: SessionsTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 10,
    paddingStart: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
    useFlushSync: false
  })
  const { engineMs } = useEngineNow()
  const selectedIndex = selectedKey === null ? -1 : rows.findIndex((r) => r.key === selectedKey)

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = gridMove(event.key, selectedIndex, rows.length, pageOf(scrollRef.current?.clientHeight, ROW_HEIGHT))
    if (target !== null) {
      event.preventDefault()
      onSelect((rows[target] as SessionInfo).key)
      virtualizer.scrollToIndex(target, { align: 'auto' })
    } else if (event.key === 'Enter' && selectedKey !== null && selectedIndex !== -1) {
      event.preventDefault()
      onOpen(selectedKey)
    }
  }

  return (
    <div
      ref={scrollRef}
      className="sessions-grid session-list"
      role="grid"
      aria-label="Sessions"
      aria-rowcount={rows.length + 1}
      aria-activedescendant={selectedIndex >= 0 ? `session-row-${selectedIndex}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <GridHead columns={COLUMNS} />
      <div className="grid-body" style={{ height: virtualizer.getTotalSize() - ROW_HEIGHT }}>
        {virtualizer.getVirtualItems().map((item) => {
          const session = rows[item.index]
          if (!session) return null
          return (
            <SessionRow
              key={item.key}
              index={item.index}
              top={item.start}
              session={session}
              clientName={clientNameFor(session.clientId, clientNames)}
              selected={item.index === selectedIndex}
              nowMs={engineMs}
              onOpen={onOpen}
            />
          )
        })}
      </div>
    </div>
  )
}

interface RowProps {
  index: number
  top: number
  session: SessionInfo
  clientName: string | null
  selected: boolean
  nowMs: number
  onOpen(key: string): void
}

const SessionRow = memo(function SessionRow({ index, top, session, clientName, selected, nowMs, onOpen }: RowProps) {
  return (
    <div
      id={`session-row-${index}`}
      className={`grid-row${selected ? ' grid-row-selected' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      style={{ transform: `translateY(${top - ROW_HEIGHT}px)` }}
      onClick={() => onOpen(session.key)}
    >
      <div role="gridcell" className="grid-cell">
        <StateBadge session={session} nowMs={nowMs} />
      </div>
      <div role="gridcell" className="grid-cell mono cell-key" title={session.key}>
        {session.key}
      </div>
      <div role="gridcell" className="grid-cell cell-client" title={session.clientId ?? undefined}>
        {clientName ?? <span className="faint">—</span>}
      </div>
      <div role="gridcell" className="grid-cell mono cell-data">
        {session.decodeError ? (
          <span className="cell-error" title={session.decodeError}>
            <IconAlert /> {session.decodeError}
          </span>
        ) : (
          previewJson(session.data)
        )}
      </div>
      <div role="gridcell" className="grid-cell cell-time">
        <SavedAt session={session} nowMs={nowMs} />
      </div>
      <div role="gridcell" className="grid-cell cell-time">
        <Countdown session={session} nowMs={nowMs} />
      </div>
      <div role="gridcell" className="grid-cell cell-user" title={session.user ? `user ${session.user.id}${session.user.stale ? `: ${session.user.stale}` : ''}` : 'anonymous'}>
        {session.user?.stale && <IconAlert />} {userLabel(session.user) ?? <span className="faint">—</span>}
      </div>
    </div>
  )
})
