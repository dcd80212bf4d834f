// The session list, kept live and paged in the store (issue 25): the first page and the true
// count at once, the next pages as the table scrolls (like the Traffic screen); patched from
// `session` events (batched, so a burst of saves is one render), reloaded on `sessions` events
// and after a reconnect.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { SessionEvent, SessionInfo } from '../../../shared/api'
import { useAppState, useHoldReady } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'
import { errorMessage } from '../../components/toast'
import { applySessionEvents } from '../../lib/session-state'

/** Sessions per page asked of the store. */
export const SESSION_PAGE = 200
const FLUSH_MS = 50

export interface SessionsData {
  /** The pages loaded so far (with live changes). */
  rows: SessionInfo[]
  /** How many the store holds (countSessions), or null when it cannot count. */
  total: number | null
  /** false: total is an estimate (e.g. Redis DBSIZE). */
  totalExact: boolean
  /** The order of the pages, in words. */
  order: string
  /** More pages in the store. */
  hasMore: boolean
  unsupported: string | null
  /** What the list cannot include (observe mode's memcached or signed cookies). */
  note: string | null
  loading: boolean
  loadingMore: boolean
  error: string | null
  reload(): void
  loadMore(): void
  /** Applies a change this window made, without waiting for its event. */
  applyLocal(event: SessionEvent): void
}

interface ListState {
  rows: SessionInfo[]
  total: number | null
  totalExact: boolean
  order: string
  next: string | null
  unsupported: string | null
  note: string | null
  loading: boolean
  loadingMore: boolean
  error: string | null
}

const INITIAL: ListState = { rows: [], total: null, totalExact: true, order: '', next: null, unsupported: null, note: null, loading: true, loadingMore: false, error: null }

/** Appends a page, leaving out the keys already shown (a session saved meanwhile moves between pages). */
function appendPage(rows: SessionInfo[], page: SessionInfo[]): SessionInfo[] {
  const have = new Set(rows.map((r) => r.key))
  return [...rows, ...page.filter((s) => !have.has(s.key))]
}

export function useSessions(): SessionsData {
  const client = useClient()
  const { epoch } = useAppState()
  const [state, setState] = useState<ListState>(INITIAL)
  const stateRef = useRef(state)
  stateRef.current = state
  const queue = useRef<SessionEvent[]>([])
  const duringLoad = useRef<SessionEvent[] | null>(null)
  const inFlight = useRef<{ again: boolean } | null>(null)
  const moreInFlight = useRef(false)
  const generation = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const load = useCallback(async () => {
    if (inFlight.current) {
      inFlight.current.again = true
      return
    }
    const flight = { again: false }
    inFlight.current = flight
    duringLoad.current = []
    generation.current++
    try {
      const [list, count] = await Promise.all([client.listSessions({ limit: SESSION_PAGE }), client.countSessions({}).catch(() => null)])
      // Events that arrived while the list was on its way may be newer than it.
      const rows = applySessionEvents(list.sessions, duringLoad.current ?? [])
      setState({
        rows,
        total: count ? count.total + rows.length - list.sessions.length : list.next === null ? rows.length : null,
        totalExact: count ? count.exact : list.next === null,
        order: list.order,
        next: list.next,
        unsupported: list.unsupported ?? null,
        note: list.note ?? null,
        loading: false,
        loadingMore: false,
        error: null
      })
    } catch (error) {
      setState((s) => ({ ...s, loading: false, error: errorMessage(error) }))
    } finally {
      inFlight.current = null
      duringLoad.current = null
      if (flight.again) void load()
    }
  }, [client])

  const loadMore = useCallback(async () => {
    const s = stateRef.current
    if (moreInFlight.current || inFlight.current || s.next === null || s.loading) return
    moreInFlight.current = true
    const gen = generation.current
    setState((x) => ({ ...x, loadingMore: true }))
    try {
      const page = await client.listSessions({ limit: SESSION_PAGE, cursor: s.next })
      if (gen !== generation.current) return
      setState((x) => ({ ...x, rows: appendPage(x.rows, page.sessions), next: page.next, loadingMore: false }))
    } catch (error) {
      setState((x) => ({ ...x, loadingMore: false, error: errorMessage(error) }))
    } finally {
      moreInFlight.current = false
    }
  }, [client])

  const flush = useCallback(() => {
    timer.current = null
    const events = queue.current
    queue.current = []
    setState((s) => {
      const rows = applySessionEvents(s.rows, events)
      return { ...s, rows, total: s.total === null ? null : Math.max(rows.length, s.total + rows.length - s.rows.length) }
    })
  }, [])

  const enqueue = useCallback(
    (event: SessionEvent) => {
      queue.current.push(event)
      duringLoad.current?.push(event)
      timer.current ??= setTimeout(flush, FLUSH_MS)
    },
    [flush]
  )

  useEffect(() => {
    void load()
  }, [load, epoch])
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    []
  )
  useHoldReady(state.loading)
  useApiEvent('session', enqueue)
  useApiEvent('sessions', () => void load())

  const applyLocal = useCallback(
    (event: SessionEvent) => {
      enqueue(event)
      if (timer.current) clearTimeout(timer.current)
      flush()
    },
    [enqueue, flush]
  )

  const { next, ...rest } = state
  return { ...rest, hasMore: next !== null, reload: () => void load(), loadMore: () => void loadMore(), applyLocal }
}
