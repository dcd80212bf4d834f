// The display names of the browser profiles by id (ClientInfo.displayName: the user's name, or
// the User-Agent's family and a short id), kept live, for the tables' client column.
import { useEffect, useState } from 'react'
import { useAppState, useHoldReady } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'

export function useClientNames(): Map<string, string> {
  const client = useClient()
  const { epoch } = useAppState()
  const [names, setNames] = useState<Map<string, string>>(new Map())
  const [loaded, setLoaded] = useState(false)
  useHoldReady(!loaded)
  useEffect(() => {
    let cancelled = false
    client.listClients({}).then(
      ({ clients }) => {
        if (cancelled) return
        setNames(new Map(clients.map((c) => [c.id, c.displayName])))
        setLoaded(true)
      },
      // The column falls back to short ids; the list's own errors are shown elsewhere.
      () => !cancelled && setLoaded(true)
    )
    return () => {
      cancelled = true
    }
  }, [client, epoch])
  useApiEvent('client', (c) =>
    setNames((m) => {
      if (m.get(c.id) === c.displayName) return m
      return new Map(m).set(c.id, c.displayName)
    })
  )
  return names
}
