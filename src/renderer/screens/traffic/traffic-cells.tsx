// Small pieces shown for a request in the list and the detail: the session effect badge,
// the status and what the session cookie's Set-Cookie did.
import type { SessionEffect, TrafficSummary } from '../../../shared/api'
import { Badge, type BadgeTone } from '../../components/badge'
import { formatDuration, isoToMs } from '../../lib/format'
import { EFFECT_LABEL, setCookieFacts, statusClassOf } from '../../lib/traffic'

const EFFECT_TONE: Record<SessionEffect, BadgeTone> = {
  created: 'ok',
  modified: 'info',
  cycled: 'info',
  flushed: 'warn',
  deleted: 'warn',
  read: 'neutral',
  untouched: 'neutral',
  rejected: 'danger',
  'upstream-error': 'danger'
}

export function EffectBadge({ effect, title }: { effect: SessionEffect; title?: string }) {
  return (
    <Badge tone={EFFECT_TONE[effect]} title={title}>
      {EFFECT_LABEL[effect]}
    </Badge>
  )
}

export function StatusText({ entry }: { entry: Pick<TrafficSummary, 'status' | 'effect'> }) {
  const cls = statusClassOf(entry)
  return <span className={`status status-${cls}`}>{entry.status ?? 'no response'}</span>
}

/** "yes · 10 min", "yes · session-only", "deletion", "—". */
export function setCookieText(entry: Pick<TrafficSummary, 'setCookie' | 'time'>): string {
  const facts = setCookieFacts(entry.setCookie, isoToMs(entry.time) ?? undefined)
  switch (facts.kind) {
    case 'none':
      return '—'
    case 'delete':
      return 'deletion'
    case 'session-only':
      return 'yes · session-only'
    case 'persistent':
      return `yes · ${formatDuration(facts.seconds, 1)}`
  }
}

export function SetCookieCell({ entry }: { entry: Pick<TrafficSummary, 'setCookie' | 'time'> }) {
  const text = setCookieText(entry)
  const kind = text === '—' ? 'none' : text === 'deletion' ? 'delete' : 'set'
  return (
    <span className={`set-cookie set-cookie-${kind}`} title={entry.setCookie ?? 'No Set-Cookie for the session cookie'}>
      {text}
    </span>
  )
}
