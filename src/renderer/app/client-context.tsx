// The API client for the component tree, and a hook to listen to one kind of event.
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react'
import type { EventMap, EventName } from '../../shared/api'
import type { ApiClient } from '../api/api-client'

const ClientContext = createContext<ApiClient | null>(null)

export function ClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>
}

export function useClient(): ApiClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient() outside <ClientProvider>')
  return client
}

/** Calls `handler` for every event of that name; the latest handler is used without resubscribing. */
export function useApiEvent<E extends EventName>(name: E, handler: (payload: EventMap[E]) => void): void {
  const client = useClient()
  const ref = useRef(handler)
  useEffect(() => {
    ref.current = handler
  })
  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === name) ref.current(event.payload as EventMap[E])
      }),
    [client, name]
  )
}
