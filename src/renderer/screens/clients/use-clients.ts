// The browser profiles, kept live: loaded once (again after a reconnect), then patched by
// `client` events, batched (a busy browser sends one per request that sets a cookie).
// Most recently seen first.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ClientInfo } from '../../../shared/api'
import { useAppState, useHoldReady } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'
import { errorMessage } from '../../components/toast'

export interface ClientsData {
  clients: ClientInfo[]
  byId: Map<string, ClientInfo>
  loading: boolean
  error: string | null
  reload(): void
  /** Applies a client this window changed, without waiting for its event. */
  applyLocal(client: ClientInfo): void
}

const FLUSH_MS = 150

const byLastSeen = (a: ClientInfo, b: ClientInfo) => b.lastSeen.localeCompare(a.lastSeen) || a.id.localeCompare(b.id)

export function useClients(): ClientsData {
  const api = useClient()
  const { epoch } = useAppState()
  const [clients, setClients] = useState<ClientInfo[]>([])
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let cancelled = false
    api.listClients({}).then(
      (list) => {
        if (cancelled) return
        setClients(list.clients.slice().sort(byLastSeen))
        setError(null)
        setLoading(false)
      },
      (e: unknown) => {
        if (cancelled) return
        setError(errorMessage(e))
        setLoading(false)
      }
    )
    return () => {
      cancelled = true
    }
  }, [api, epoch, version])

  useHoldReady(loading)
  const queue = useRef(new Map<string, ClientInfo>())
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const flush = useCallback(() => {
    timer.current = null
    const changed = queue.current
    queue.current = new Map()
    if (changed.size === 0) return
    setClients((list) => [...changed.values(), ...list.filter((x) => !changed.has(x.id))].sort(byLastSeen))
  }, [])
  const applyLocal = useCallback(
    (c: ClientInfo) => {
      queue.current.set(c.id, c)
      if (timer.current) clearTimeout(timer.current)
      flush()
    },
    [flush]
  )
  useApiEvent('client', (c) => {
    queue.current.set(c.id, c)
    timer.current ??= setTimeout(flush, FLUSH_MS)
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    []
  )

  const byId = useMemo(() => new Map(clients.map((c) => [c.id, c])), [clients])
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  return { clients, byId, loading, error, reload, applyLocal }
}
