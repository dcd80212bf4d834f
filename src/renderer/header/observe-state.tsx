// Observe mode in the header: the app's engine and store, and, when its sessions cannot be
// read (unreachable, wrong credentials, no table, wrong SECRET_KEY), why, in one line; a
// clock change moving many dates, how far it has got; sessions still aged, and why.
import type { Status } from '../../shared/api'
import { Badge } from '../components/badge'

export function ObserveState({ status }: { status: Status }) {
  if (status.mode !== 'observe-django') return null
  const o = status.observe
  if (!o) return <Badge tone="info">observe mode</Badge>
  const limits = [o.limits.list, o.limits.edit, o.limits.clock, o.limits.freeze].filter(Boolean).join('\n')
  return (
    <>
      <Badge tone={o.state === 'error' ? 'danger' : 'info'} title={`${o.location}\n\n${limits}`}>
        <span data-testid="observe-store">observe · {o.engine}</span>
      </Badge>
      {o.clock && (
        <span className="observe-moving" role="status" data-testid="observe-moving">
          {o.clock.moving === 'advance' ? 'Moving expiries' : 'Giving time back'}: {o.clock.done.toLocaleString()} / {o.clock.total.toLocaleString()}
        </span>
      )}
      {o.aged && (
        <span className="upstream-error" role="alert" title={o.aged} data-testid="observe-aged">
          Sessions still aged: {o.aged}
        </span>
      )}
      {o.state === 'error' && (
        <span className="upstream-error" role="alert" title={o.error} data-testid="observe-error">
          App sessions unreadable, nothing is written: {o.error}
        </span>
      )}
    </>
  )
}
