// The expiry timeline: one row per session, a bar from its last save to its expiry
// (open-ended, fading, when it ends at browser close), lines for now on the engine's clock
// and for real time. Rows are virtualised, so thousands of sessions draw a screenful.
// Hover for details, click to open; drag or shift+wheel pans, ctrl+wheel zooms.
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react'
import type { SessionInfo } from '../../../shared/api'
import { formatDateTime, previewJson } from '../../lib/format'
import { gridMove, pageOf } from '../../lib/grid-keys'
import { sessionState } from '../../lib/session-state'
import { barOf, pan, zoom, type TimeRange } from '../../lib/timeline-scale'
import { AXIS_H, DENSITY_H, TimelineAxis, xOf } from './timeline-axis'
import { TimelineTooltip } from './timeline-tooltip'

export const ROW_H = 26
export const LABEL_W = 250
const HEAD_H = AXIS_H + DENSITY_H
const RIGHT_PAD = 16
/** Within this many seconds of its expiry a bar turns to the warning colour. */
const SOON_S = 300

export interface TimelineChartProps {
  rows: SessionInfo[]
  range: TimeRange
  engineMs: number
  realMs: number
  selectedKey: string | null
  onSelect(key: string): void
  onOpen(key: string): void
  onRangeChange(range: TimeRange): void
}

interface Hover {
  key: string
  x: number
  y: number
}

export function TimelineChart({ rows, range, engineMs, realMs, selectedKey, onSelect, onOpen, onRangeChange }: TimelineChartProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  const [hover, setHover] = useState<Hover | null>(null)
  const drag = useRef<{ x: number; range: TimeRange; moved: boolean } | null>(null)
  const suppressClick = useRef(false)
  const plotW = Math.max(100, width - LABEL_W - RIGHT_PAD)
  // The wheel handler is registered once; it reads the latest range and callback from here.
  const latest = useRef({ range, plotW, onRangeChange })
  latest.current = { range, plotW, onRangeChange }

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const measure = () => setWidth(el.clientWidth)
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    // Registered by hand: React's wheel listener is passive, and zooming must stop the page from scrolling.
    const onWheel = (event: WheelEvent) => {
      const { range: r, plotW: w, onRangeChange: change } = latest.current
      const rect = el.getBoundingClientRect()
      const px = event.clientX - rect.left - LABEL_W
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault()
        const anchor = r.start + (Math.max(0, Math.min(w, px)) / w) * (r.end - r.start)
        change(zoom(r, Math.exp(event.deltaY * 0.002), anchor))
      } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        event.preventDefault()
        change(pan(r, (event.shiftKey ? event.deltaY : event.deltaX) / w))
      }
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [])

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
    paddingStart: HEAD_H,
    scrollPaddingStart: HEAD_H,
    useFlushSync: false
  })
  const selectedIndex = selectedKey === null ? -1 : rows.findIndex((r) => r.key === selectedKey)

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = gridMove(event.key, selectedIndex, rows.length, pageOf((scrollRef.current?.clientHeight ?? 300) - HEAD_H, ROW_H, 1))
    if (index !== null) {
      event.preventDefault()
      onSelect((rows[index] as SessionInfo).key)
      virtualizer.scrollToIndex(index, { align: 'auto' })
      return
    }
    const actions: Record<string, () => TimeRange> = {
      ArrowLeft: () => pan(range, -0.2),
      ArrowRight: () => pan(range, 0.2),
      '+': () => zoom(range, 0.5),
      '=': () => zoom(range, 0.5),
      '-': () => zoom(range, 2)
    }
    const action = actions[event.key]
    if (action) {
      event.preventDefault()
      onRangeChange(action())
    } else if (event.key === 'Enter' && selectedKey !== null && selectedIndex !== -1) {
      event.preventDefault()
      onOpen(selectedKey)
    }
  }

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return
    const rect = event.currentTarget.getBoundingClientRect()
    if (event.clientX - rect.left < LABEL_W) return
    drag.current = { x: event.clientX, range, moved: false }
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current
    if (!d || (event.buttons & 1) === 0) return
    const dx = event.clientX - d.x
    if (!d.moved && Math.abs(dx) < 4) return
    if (!d.moved) event.currentTarget.setPointerCapture?.(event.pointerId)
    d.moved = true
    setHover(null)
    onRangeChange(pan(d.range, -dx / plotW))
  }
  const onPointerUp = () => {
    suppressClick.current = Boolean(drag.current?.moved)
    drag.current = null
  }

  const click = useCallback(
    (key: string) => {
      // The click that ends a drag is not a choice of session.
      if (suppressClick.current) {
        suppressClick.current = false
        return
      }
      onSelect(key)
      onOpen(key)
    },
    [onSelect, onOpen]
  )

  const hovered = hover ? rows.find((r) => r.key === hover.key) : undefined
  const nowX = xOf(engineMs, range, plotW)
  const realX = xOf(realMs, range, plotW)
  return (
    <div className="tl-wrap">
      <div
        ref={scrollRef}
        className="sessions-grid tl-grid"
        role="grid"
        aria-label="Expiry timeline"
        aria-rowcount={rows.length + 1}
        aria-activedescendant={selectedIndex >= 0 ? `tl-row-${selectedIndex}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <div className="tl-head" role="row" aria-rowindex={1} style={{ height: HEAD_H }}>
          <div role="columnheader" className="tl-label tl-label-head">
            Session <span className="muted">(last save → expiry)</span>
          </div>
          <div role="columnheader" className="tl-plot-head" aria-label={`Engine time from ${formatDateTime(range.start)} to ${formatDateTime(range.end)}`}>
            {width > 0 && <TimelineAxis sessions={rows} range={range} width={plotW} engineMs={engineMs} realMs={realMs} />}
          </div>
        </div>
        <div className="tl-body" style={{ height: virtualizer.getTotalSize() - HEAD_H, width: LABEL_W + plotW }}>
          {nowX >= 0 && nowX <= plotW && <div className="tl-line tl-line-now" style={{ transform: `translateX(${LABEL_W + nowX}px)` }} aria-hidden="true" />}
          {Math.abs(realX - nowX) >= 1 && realX >= 0 && realX <= plotW && (
            <div className="tl-line tl-line-real" style={{ transform: `translateX(${LABEL_W + realX}px)` }} aria-hidden="true" />
          )}
          {virtualizer.getVirtualItems().map((item) => {
            const session = rows[item.index]
            if (!session) return null
            return (
              <TimelineRow
                key={item.key}
                index={item.index}
                top={item.start - HEAD_H}
                session={session}
                range={range}
                plotW={plotW}
                engineMs={engineMs}
                selected={item.index === selectedIndex}
                onClick={click}
                onHover={setHover}
              />
            )
          })}
        </div>
      </div>
      {hover && hovered && <TimelineTooltip session={hovered} x={hover.x} y={hover.y} engineMs={engineMs} />}
    </div>
  )
}

interface RowProps {
  index: number
  top: number
  session: SessionInfo
  range: TimeRange
  plotW: number
  engineMs: number
  selected: boolean
  onClick(key: string): void
  onHover(hover: Hover | null): void
}

const TimelineRow = memo(function TimelineRow({ index, top, session, range, plotW, engineMs, selected, onClick, onHover }: RowProps) {
  const bar = barOf(session)
  const state = sessionState(session, engineMs)
  // A browser-close session runs on while its cookie can live; once its store row has expired, it ends there.
  const openEnded = bar.openEnded && state !== 'expired'
  const soon = state === 'active' && bar.to !== null && (bar.to - engineMs) / 1000 < SOON_S
  const x1 = bar.from === null ? -1 : xOf(bar.from, range, plotW)
  const x2 = openEnded ? plotW + 1 : bar.to === null ? x1 : xOf(bar.to, range, plotW)
  const left = Math.max(0, Math.min(plotW, x1))
  const right = Math.max(0, Math.min(plotW, x2))
  const visible = right - left >= 0.5 || (x1 >= 0 && x1 <= plotW)
  const storeX = openEnded && bar.to !== null ? xOf(bar.to, range, plotW) : null
  const tone = openEnded ? 'browser-close' : state === 'expired' ? 'expired' : soon ? 'soon' : 'active'
  const edge = !visible ? (x2 < 0 ? 'before' : 'after') : null
  const description =
    `saved ${bar.from === null ? 'at an unknown time' : formatDateTime(bar.from)}; ` +
    (openEnded ? 'ends when the browser closes' : `expires ${bar.to === null ? 'at an unknown time' : formatDateTime(bar.to)}`) +
    `; ${state === 'expired' ? 'expired' : 'active'}`
  return (
    <div
      id={`tl-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`tl-row${selected ? ' tl-row-selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onClick(session.key)}
      onMouseMove={(e) => onHover({ key: session.key, x: e.clientX, y: e.clientY })}
      onMouseLeave={() => onHover(null)}
    >
      <div role="gridcell" className="tl-label" title={session.key}>
        <span className="mono tl-key">{session.key.slice(0, 10)}</span>
        <span className="tl-preview">{previewJson(session.data, 60)}</span>
      </div>
      <div role="gridcell" className="tl-plot" aria-label={description}>
        {visible && (
          <div
            className={`tl-bar tl-bar-${tone}${x1 < 0 ? ' tl-cut-left' : ''}${x2 > plotW ? ' tl-cut-right' : ''}`}
            style={{ transform: `translateX(${left}px)`, width: Math.max(2, right - left) }}
          />
        )}
        {storeX !== null && storeX >= 0 && storeX <= plotW && <div className="tl-store-tick" style={{ transform: `translateX(${storeX}px)` }} title="The store's expiry for this row" />}
        {edge && <span className={`tl-edge tl-edge-${edge}`}>{edge === 'before' ? '‹ ended before this range' : 'saved after this range ›'}</span>}
      </div>
    </div>
  )
})
