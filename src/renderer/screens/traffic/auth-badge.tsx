// A login, a logout, or a session Django dropped (issue 20), next to a request's effect badge:
// told from the session's `_auth_user_id` before and after, with the reason as its title.
import type { TrafficSummary } from '../../../shared/api'
import { authChange, type AuthChange } from '../../../shared/auth'
import { Badge } from '../../components/badge'

const LABEL: Record<AuthChange, string> = { login: 'login', logout: 'logout', dropped: 'logged out by Django' }

export function AuthBadge({ entry }: { entry: Pick<TrafficSummary, 'sessionBefore' | 'sessionAfter' | 'reason'> }) {
  const change = authChange(entry.sessionBefore?.data, entry.sessionAfter?.data, /logged out by Django/.test(entry.reason))
  if (!change) return null
  return (
    <Badge tone={change === 'login' ? 'info' : 'warn'} title={entry.reason}>
      {LABEL[change]}
    </Badge>
  )
}
