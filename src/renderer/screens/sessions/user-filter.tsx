// The Sessions screen's user filter (issue 20): every user with a session in the list, by
// username (or id), plus anonymous sessions. The API filters the same way (listSessions' user).
import { useMemo } from 'react'
import type { SessionInfo } from '../../../shared/api'
import { describeUser } from '../../../shared/auth'

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
