// Names of the browser profiles, for the sessions table's client column.
import { useEffect, useState } from 'react'
import { useAppState } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'

export function useClientNames(): Map<string, string> {
  const client = useClient()
  const { epoch } = useAppState()
  const [names, setNames] = useState<Map<string, string>>(new Map())
  useEffect(() => {
    let cancelled = false
    client.listClients({}).then(
      ({ clients }) => {
        if (!cancelled) setNames(new Map(clients.map((c) => [c.id, c.name])))
      },
      () => undefined // the column falls back to ids; the list's own errors are shown elsewhere
    )
    return () => {
      cancelled = true
    }
  }, [client, epoch])
  useApiEvent('client', (c) =>
    setNames((m) => (m.get(c.id) === c.name ? m : new Map(m).set(c.id, c.name)))
  )
  return names
}
