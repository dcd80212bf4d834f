// Names of the browser profiles, for the sessions table's client column. Only named ones:
// a client nobody has named yet (name "") shows its id instead of an empty cell.
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
        if (!cancelled) setNames(new Map(clients.filter((c) => c.name).map((c) => [c.id, c.name])))
      },
      () => undefined // the column falls back to ids; the list's own errors are shown elsewhere
    )
    return () => {
      cancelled = true
    }
  }, [client, epoch])
  useApiEvent('client', (c) =>
    setNames((m) => {
      if ((m.get(c.id) ?? '') === c.name) return m
      const next = new Map(m)
      if (c.name) next.set(c.id, c.name)
      else next.delete(c.id)
      return next
    })
  )
  return names
}
