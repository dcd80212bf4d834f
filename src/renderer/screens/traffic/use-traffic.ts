// The traffic list, kept live: newest first, paged from the server (before = the oldest id
// held), with `traffic` events merged in batches every FLUSH_MS, so a burst of 1,000
// requests a second is ten renders, not a thousand. Pausing holds the events back and
// counts them; the list keeps at most MAX_ROWS entries (older ones can be paged in again).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ListTrafficInput, TrafficSummary } from '../../../shared/api'
import { useAppState, useHoldReady } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'
import { errorMessage } from '../../components/toast'
import { matchesServer } from '../../lib/traffic'

export const PAGE_SIZE = 500
export const MAX_ROWS = 5000
export const FLUSH_MS = 100

export interface TrafficData {
  /** Newest first (by id), as the server filter selects them. */
  rows: TrafficSummary[]
  /** How many entries the server holds for this filter (live events included). */
  total: number
  hasMore: boolean
  loading: boolean
  loadingMore: boolean
  error: string | null
  paused: boolean
  /** Events held back while paused. */
  pending: number
  setPaused(paused: boolean): void
  loadMore(): void
  reload(): void
  /** Empties the list at once (after clearTraffic). */
  clearLocal(): void
}

interface ListState {
  rows: TrafficSummary[]
  total: number
  hasMore: boolean
  loading: boolean
  loadingMore: boolean
  error: string | null
}

const INITIAL: ListState = { rows: [], total: 0, hasMore: false, loading: true, loadingMore: false, error: null }

/** Merges entries into a list sorted by id, newest first, without duplicates; returns how many were new. */
export function mergeNewest(rows: TrafficSummary[], incoming: TrafficSummary[], cap = MAX_ROWS): { rows: TrafficSummary[]; added: number; cut: boolean } {
  if (incoming.length === 0) return { rows, added: 0, cut: false }
  const known = new Set<number>()
  for (const r of rows) known.add(r.id)
  const fresh: TrafficSummary[] = []
  for (const e of incoming) {
    if (known.has(e.id)) continue
    known.add(e.id)
    fresh.push(e)
  }
  if (fresh.length === 0) return { rows, added: 0, cut: false }
  fresh.sort((a, b) => b.id - a.id)
  // Both lists are sorted: one merge pass. Events mostly arrive in id order, so this is
  // nearly always "fresh, then rows"; a slow request finishing late lands where it belongs.
  const out: TrafficSummary[] = []
  let i = 0
  let j = 0
  while ((i < fresh.length || j < rows.length) && out.length < cap) {
    const a = fresh[i]
    const b = rows[j]
    if (b === undefined || (a !== undefined && a.id > b.id)) {
      out.push(a as TrafficSummary)
      i++
    } else {
      out.push(b)
      j++
    }
  }
  return { rows: out, added: fresh.length, cut: i < fresh.length || j < rows.length }
}

export function useTraffic(server: ListTrafficInput): TrafficData {
  const client = useClient()
  const { epoch } = useAppState()
  const [state, setState] = useState<ListState>(INITIAL)
  const [paused, setPausedState] = useState(false)
  const [pending, setPending] = useState(0)
  // Held in refs: an event costs a push, never a render of its own.
  const queue = useRef<TrafficSummary[]>([])
  const overflowed = useRef(false)
  const pausedRef = useRef(false)
  const loadingRef = useRef(true)
  const moreRef = useRef(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const generation = useRef(0)
  const stateRef = useRef(state)
  stateRef.current = state
  const serverKey = JSON.stringify(server)
  const filter = useMemo(() => JSON.parse(serverKey) as ListTrafficInput, [serverKey])
  const filterRef = useRef(filter)
  filterRef.current = filter

  const flush = useCallback(() => {
    timer.current = null
    // While a page loads, events wait for it: merging them into the old list would lose them.
    if (loadingRef.current) return
    if (pausedRef.current) {
      setPending(queue.current.length + (overflowed.current ? 1 : 0))
      return
    }
    const events = queue.current
    queue.current = []
    if (events.length === 0) return
    setState((s) => {
      // Live events never shrink a list the person paged further back: the oldest make way instead.
      const merged = mergeNewest(s.rows, events, Math.max(MAX_ROWS, s.rows.length))
      if (merged.added === 0) return s
      return { ...s, rows: merged.rows, total: s.total + merged.added, hasMore: s.hasMore || merged.cut }
    })
  }, [])

  const schedule = useCallback(() => {
    timer.current ??= setTimeout(flush, FLUSH_MS)
  }, [flush])

  const load = useCallback(async () => {
    const gen = ++generation.current
    loadingRef.current = true
    moreRef.current = false
    queue.current = []
    overflowed.current = false
    setPending(0)
    setState((s) => ({ ...s, loading: true, loadingMore: false, error: null }))
    try {
      const page = await client.listTraffic({ ...filter, limit: PAGE_SIZE })
      if (gen !== generation.current) return
      setState({ rows: page.entries, total: page.total, hasMore: page.entries.length < page.total, loading: false, loadingMore: false, error: null })
    } catch (error) {
      if (gen === generation.current) setState((s) => ({ ...s, loading: false, error: errorMessage(error) }))
    } finally {
      if (gen === generation.current) {
        loadingRef.current = false
        // Events that came while the page was on its way: merged by id, so none is counted twice.
        if (queue.current.length) schedule()
      }
    }
  }, [client, filter, schedule])

  useApiEvent('traffic', (entry) => {
    if (!matchesServer(entry, filterRef.current)) return
    queue.current.push(entry)
    if (queue.current.length > MAX_ROWS) {
      // More than the list holds arrived while paused: keep the newest, reload on resume.
      queue.current.splice(0, queue.current.length - MAX_ROWS)
      overflowed.current = true
    }
    // Paused, the flush only updates the "N new" counter: still one render per period.
    schedule()
  })

  const setPaused = useCallback(
    (value: boolean) => {
      pausedRef.current = value
      setPausedState(value)
      if (value) return
      setPending(0)
      if (timer.current) clearTimeout(timer.current)
      timer.current = null
      if (overflowed.current) void load()
      else flush()
    },
    [flush, load]
  )

  const loadMore = useCallback(async () => {
    const s = stateRef.current
    if (moreRef.current || loadingRef.current || !s.hasMore || s.rows.length === 0) return
    const gen = generation.current
    const before = (s.rows[s.rows.length - 1] as TrafficSummary).id
    moreRef.current = true
    setState((x) => ({ ...x, loadingMore: true }))
    try {
      const page = await client.listTraffic({ ...filter, before, limit: PAGE_SIZE })
      if (gen !== generation.current) return
      setState((x) => ({
        ...x,
        rows: x.rows.concat(page.entries.filter((e) => e.id < before)),
        loadingMore: false,
        hasMore: page.entries.length === PAGE_SIZE
      }))
    } catch (error) {
      if (gen === generation.current) setState((x) => ({ ...x, loadingMore: false, error: errorMessage(error) }))
    } finally {
      if (gen === generation.current) moreRef.current = false
    }
  }, [client, filter])

  const clearLocal = useCallback(() => {
    generation.current++
    loadingRef.current = false
    moreRef.current = false
    queue.current = []
    overflowed.current = false
    setPending(0)
    setState({ ...INITIAL, loading: false })
  }, [])

  useEffect(() => {
    void load()
  }, [load, epoch])
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    []
  )

  // Stable callbacks: the table re-checks "near the end?" whenever its inputs change.
  const more = useCallback(() => void loadMore(), [loadMore])
  const reload = useCallback(() => void load(), [load])
  useHoldReady(state.loading)
  return { ...state, paused, pending, setPaused, loadMore: more, reload, clearLocal }
}
