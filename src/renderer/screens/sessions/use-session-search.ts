// Searching the whole store from the Sessions screen (issue 25): a key prefix through the API
// (the store's primary key), and a data search run by the inspector in the background over
// every session, with progress, partial results as they come, and a cancel.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { SessionInfo, SessionSearch } from '../../../shared/api'
import { useApiEvent, useClient } from '../../app/client-context'
import { errorMessage } from '../../components/toast'

/** A key prefix the store's key can find: what Django's keys are made of. */
export const KEY_PREFIX = /^[a-z0-9]{2,40}$/

export interface StoreSearch {
  /** Sessions whose key starts with the text (one page through the API), or null. */
  byKey: SessionInfo[] | null
  /** The background data search, as last read. */
  search: SessionSearch | null
  error: string | null
  cancel(): void
}

/**
 * Runs the store-wide searches for `needle` while `enabled` (the loaded pages are not the whole
 * store); a new needle cancels the running search.
 */
export function useStoreSearch(needle: string, enabled: boolean): StoreSearch {
  const client = useClient()
  const [byKey, setByKey] = useState<SessionInfo[] | null>(null)
  const [search, setSearch] = useState<SessionSearch | null>(null)
  const [error, setError] = useState<string | null>(null)
  const current = useRef<string | null>(null)
  const reading = useRef(false)
  const again = useRef(false)

  // Progress events say how far it is; the matches are read with the search, one read at a time.
  const refresh = useCallback(async () => {
    const id = current.current
    if (!id) return
    if (reading.current) {
      again.current = true
      return
    }
    reading.current = true
    try {
      const s = await client.getSessionSearch({ id })
      if (current.current === id) setSearch(s)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      reading.current = false
      if (again.current) {
        again.current = false
        void refresh()
      }
    }
  }, [client])
  useEffect(() => {
    setByKey(null)
    setSearch(null)
    setError(null)
    current.current = null
    if (!enabled || !needle) return
    let live = true
    const t = setTimeout(() => {
      if (KEY_PREFIX.test(needle)) {
        client
          .listSessions({ key: needle, limit: 200 })
          .then((list) => live && setByKey(list.sessions))
          .catch((e: unknown) => live && setError(errorMessage(e)))
      }
      client
        .startSessionSearch({ query: needle })
        .then((s) => {
          if (!live) {
            void client.cancelSessionSearch({ id: s.id }).catch(() => undefined)
            return
          }
          current.current = s.id
          setSearch(s)
          // It may have finished before its id was known here (a small store).
          void refresh()
        })
        .catch((e: unknown) => live && setError(errorMessage(e)))
    }, 250)
    return () => {
      live = false
      clearTimeout(t)
      const id = current.current
      current.current = null
      if (id) void client.cancelSessionSearch({ id }).catch(() => undefined)
    }
  }, [client, needle, enabled, refresh])

  useApiEvent('search', (p) => {
    if (p.id === current.current) void refresh()
  })

  const cancel = useCallback(() => {
    const id = current.current
    if (id) void client.cancelSessionSearch({ id }).then((s) => current.current === id && setSearch(s)).catch(() => undefined)
  }, [client])

  return { byKey, search, error, cancel }
}
