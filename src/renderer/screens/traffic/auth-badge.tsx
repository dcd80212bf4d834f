// A login, a logout, or a session Django dropped (issue 20), next to a request's effect badge:
// told from the reason's first words (explainAuthChange's sentence), with the reason as its title.
import type { TrafficSummary } from '../../../shared/api'
import { authChangeOfReason, type AuthChange } from '../../../shared/auth'
import { Badge } from '../../components/badge'

const LABEL: Record<AuthChange, string> = { login: 'login', logout: 'logout', dropped: 'logged out by Django' }

export function AuthBadge({ entry }: { entry: Pick<TrafficSummary, 'reason'> }) {
  const change = authChangeOfReason(entry.reason)
  if (!change) return null
  return (
    <Badge tone={change === 'login' ? 'info' : 'warn'} title={entry.reason}>
      {LABEL[change]}
    </Badge>
  )
}
