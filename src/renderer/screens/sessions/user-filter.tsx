// The Sessions screen's user filter (issue 20): every user with a session in the list, by
// username (or id), plus anonymous sessions. The API filters the same way (listSessions' user);
// while the loaded pages are not the whole store, the chosen user's sessions are read from it.
import { useEffect, useMemo, useState } from 'react'
import type { SessionInfo } from '../../../shared/api'
import { describeUser } from '../../../shared/auth'
import { useClient } from '../../app/client-context'

/** '' = everyone; '-' = anonymous sessions; otherwise a user id. */
export type UserChoice = string

export function matchesUser(s: SessionInfo, choice: UserChoice): boolean {
  if (choice === '') return true
  if (choice === '-') return !s.user
  return s.user?.id === choice
}

export function UserFilter({ rows, value, onChange }: { rows: SessionInfo[]; value: UserChoice; onChange(v: UserChoice): void }) {
  const users = useMemo(() => {
    const seen = new Map<string, string>()
    for (const s of rows) if (s.user && !seen.has(s.user.id)) seen.set(s.user.id, describeUser(s.user.id, s.user.username))
    return [...seen].sort((a, b) => a[1].localeCompare(b[1]))
  }, [rows])
  if (users.length === 0 && value === '') return null
  return (
    <label className="user-filter">
      <span className="sr-only">Filter sessions by user</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Filter sessions by user">
        <option value="">All users</option>
        <option value="-">Anonymous</option>
        {users.map(([id, label]) => (
          <option key={id} value={id}>
            {label}
          </option>
        ))}
      </select>
    </label>
  )
}

/** At most this many of one user's sessions are read from the store for the filter. */
const USER_SESSIONS_MAX = 10_000

/**
 * One user's sessions read from the whole store (the API's `user` filter, page by page) while
 * `enabled` (the loaded pages are not the whole store), so the filter never shows a subset of
 * them without saying so. null while nothing is asked; `done` false while pages are read.
 */
export function useUserSessions(choice: UserChoice, enabled: boolean): { rows: SessionInfo[]; done: boolean } | null {
  const client = useClient()
  const [found, setFound] = useState<{ choice: string; rows: SessionInfo[]; done: boolean } | null>(null)
  const wanted = enabled && choice !== '' && choice !== '-' ? choice : null
  useEffect(() => {
    if (wanted === null) return
    let stop = false
    void (async () => {
      let rows: SessionInfo[] = []
      let cursor: string | undefined
      setFound({ choice: wanted, rows, done: false })
      try {
        do {
          const page = await client.listSessions({ user: wanted, limit: 1000, ...(cursor ? { cursor } : {}) })
          if (stop) return
          rows = [...rows, ...page.sessions]
          cursor = page.next ?? undefined
          setFound({ choice: wanted, rows, done: !cursor })
        } while (cursor && rows.length < USER_SESSIONS_MAX)
      } catch {
        if (!stop) setFound({ choice: wanted, rows, done: true }) // the loaded pages still filter
      }
    })()
    return () => {
      stop = true
    }
  }, [client, wanted])
  return wanted !== null && found?.choice === wanted ? { rows: found.rows, done: found.done } : null
}
