// The session list, kept live: loaded whole, patched from `session` events (batched, so a
// burst of saves is one render), reloaded on `sessions` events and after a reconnect.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { SessionEvent, SessionInfo } from '../../../shared/api'
import { useAppState, useHoldReady } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'
import { errorMessage } from '../../components/toast'
import { applySessionEvents } from '../../lib/session-state'

/** The validator's maximum; the table is virtualised, so all of them can be shown. */
export const SESSION_LIST_LIMIT = 100_000
const FLUSH_MS = 50

export interface SessionsData {
  rows: SessionInfo[]
  total: number
  unsupported: string | null
  /** What the list cannot include (observe mode's memcached or signed cookies). */
  note: string | null
  loading: boolean
  error: string | null
  reload(): void
  /** Applies a change this window made, without waiting for its event. */
  applyLocal(event: SessionEvent): void
}

interface ListState {
  rows: SessionInfo[]
  total: number
  unsupported: string | null
  note: string | null
  loading: boolean
  error: string | null
}

export function useSessions(): SessionsData {
  const client = useClient()
  const { epoch } = useAppState()
  const [state, setState] = useState<ListState>({ rows: [], total: 0, unsupported: null, note: null, loading: true, error: null })
  const queue = useRef<SessionEvent[]>([])
  const duringLoad = useRef<SessionEvent[] | null>(null)
  const inFlight = useRef<{ again: boolean } | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const load = useCallback(async () => {
    if (inFlight.current) {
      inFlight.current.again = true
      return
    }
    const flight = { again: false }
    inFlight.current = flight
    duringLoad.current = []
    try {
      const list = await client.listSessions({ limit: SESSION_LIST_LIMIT })
      // Events that arrived while the list was on its way may be newer than it.
      const rows = applySessionEvents(list.sessions, duringLoad.current ?? [])
      setState({ rows, total: list.total + rows.length - list.sessions.length, unsupported: list.unsupported ?? null, note: list.note ?? null, loading: false, error: null })
    } catch (error) {
      setState((s) => ({ ...s, loading: false, error: errorMessage(error) }))
    } finally {
      inFlight.current = null
      duringLoad.current = null
      if (flight.again) void load()
    }
  }, [client])

  const flush = useCallback(() => {
    timer.current = null
    const events = queue.current
    queue.current = []
    setState((s) => {
      const rows = applySessionEvents(s.rows, events)
      return { ...s, rows, total: Math.max(rows.length, s.total + rows.length - s.rows.length) }
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

  return { ...state, reload: () => void load(), applyLocal }
}
