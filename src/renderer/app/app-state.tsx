// The facts every screen shares: status (header), the engine clock, the settings, and the
// event connection. Loaded once, then kept current from events; reloaded after a reconnect.
// It also keeps the page's ready marker for scripts: <html data-ready="true"> while all of
// that and the current screen's first data are loaded and the event stream is open (the UI
// keeps that stream open, so Playwright's "networkidle" never comes).
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { ClockState, Status } from '../../shared/api'
import type { ApiError } from '../../shared/errors'
import type { Settings } from '../../shared/settings'
import type { ConnectionState } from '../api/api-client'
import { useRealNow } from '../hooks/use-now'
import { engineNowMs, toClockView, type ClockView } from '../lib/engine-clock'
import { useApiEvent, useClient } from './client-context'

export interface AppState {
  status: Status | null
  clock: ClockView | null
  settings: Settings | null
  connection: ConnectionState
  /** Grows after each reconnect: data loaded before it may have missed events. */
  epoch: number
  /** Set when the first load failed (e.g. the token was refused). */
  loadError: ApiError | Error | null
  applyClock(clock: ClockState): void
  applySettings(settings: Settings): void
  /** Loads everything again (after a failed load). */
  reload(): void
  /** Holds the ready marker off while a screen's first data loads; returns the release. */
  holdReady(): () => void
}

/** The attribute on <html> that says the page is loaded and live (README: scripting). */
export const READY_ATTRIBUTE = 'data-ready'

const AppStateContext = createContext<AppState | null>(null)

export function AppStateProvider({ children }: { children: ReactNode }) {
  const client = useClient()
  const [status, setStatus] = useState<Status | null>(null)
  const [clock, setClock] = useState<ClockView | null>(null)
  const [settings, setSettings] = useState<Settings | null>(null)
  const [connection, setConnection] = useState<ConnectionState>({ state: 'connecting' })
  const [epoch, setEpoch] = useState(0)
  const [loadError, setLoadError] = useState<ApiError | Error | null>(null)
  const [held, setHeld] = useState(0)
  const wasDown = useRef(false)

  const applyClock = useCallback((c: ClockState) => setClock(toClockView(c)), [])
  const applySettings = useCallback((s: Settings) => setSettings(s), [])
  const reload = useCallback(() => setEpoch((e) => e + 1), [])
  const holdReady = useCallback(() => {
    setHeld((n) => n + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      setHeld((n) => n - 1)
    }
  }, [])

  const ready = status !== null && clock !== null && settings !== null && connection.state === 'open' && held === 0
  // Layout effects, here and in useHoldReady: a new screen and the marker's removal are one
  // commit, so a script never sees the new screen's heading with the old screen's marker.
  useLayoutEffect(() => {
    const root = document.documentElement
    if (ready) root.setAttribute(READY_ATTRIBUTE, 'true')
    else root.removeAttribute(READY_ATTRIBUTE)
  }, [ready])
  useEffect(() => () => document.documentElement.removeAttribute(READY_ATTRIBUTE), [])

  useEffect(() => {
    let cancelled = false
    Promise.all([client.getStatus({}), client.getClock({}), client.getSettings({})]).then(
      ([s, c, st]) => {
        if (cancelled) return
        setStatus(s)
        setClock(toClockView(c))
        setSettings(st)
        setLoadError(null)
      },
      (error: ApiError | Error) => {
        if (!cancelled) setLoadError(error)
      }
    )
    return () => {
      cancelled = true
    }
  }, [client, epoch])

  useEffect(
    () =>
      client.onConnection((state) => {
        setConnection(state)
        if (state.state === 'reconnecting') wasDown.current = true
        if (state.state === 'open' && wasDown.current) {
          wasDown.current = false
          setEpoch((e) => e + 1)
        }
      }),
    [client]
  )

  useApiEvent('clock', applyClock)
  useApiEvent('settings', applySettings)
  useApiEvent('status', setStatus)

  const value = useMemo<AppState>(
    () => ({ status, clock, settings, connection, epoch, loadError, applyClock, applySettings, reload, holdReady }),
    [status, clock, settings, connection, epoch, loadError, applyClock, applySettings, reload, holdReady]
  )
  return <AppStateContext.Provider value={value}>{children}</AppStateContext.Provider>
}

export function useAppState(): AppState {
  const state = useContext(AppStateContext)
  if (!state) throw new Error('useAppState() outside <AppStateProvider>')
  return state
}

/** Keeps the page's ready marker off while `loading` (a screen's data on its way). */
export function useHoldReady(loading: boolean): void {
  const { holdReady } = useAppState()
  useLayoutEffect(() => (loading ? holdReady() : undefined), [loading, holdReady])
}

/** Engine time and real time in ms, ticking every second. */
export function useEngineNow(): { engineMs: number; realMs: number; offsetMs: number } {
  const realMs = useRealNow()
  const { clock } = useAppState()
  const engineMs = clock ? engineNowMs(clock, realMs) : realMs
  return { engineMs, realMs, offsetMs: engineMs - realMs }
}
