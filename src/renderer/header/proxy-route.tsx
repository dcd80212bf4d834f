// "proxy → upstream ● up": where the proxy listens, where it forwards, and whether that answers.
import type { Status } from '../../shared/api'
import { Badge } from '../components/badge'
import { CopyButton } from '../components/copy-button'
import { IconArrow } from '../components/icons'
import { ObserveState } from './observe-state'
import { StorageState } from './storage-state'

const STATE_TONE = { up: 'ok', down: 'danger', unknown: 'neutral' } as const

export function ProxyRoute({ status }: { status: Status }) {
  const upstream = status.upstream === 'demo' ? `demo app${status.demoUrl ? ` (${status.demoUrl})` : ''}` : status.upstream
  const down = status.upstreamState === 'down'
  return (
    <div className="proxy-route" role="group" aria-label="Proxy route">
      <span className="proxy-label">Proxy</span>
      <a className="mono proxy-url" href={status.proxyUrl} target="_blank" rel="noreferrer">
        {status.proxyUrl}
      </a>
      <CopyButton text={status.proxyUrl} label="Copy the proxy URL" />
      <span className="proxy-arrow">
        <IconArrow />
      </span>
      <span className="mono upstream-url" title={status.upstream}>
        {upstream}
      </span>
      <Badge tone={STATE_TONE[status.upstreamState]} title={down ? status.upstreamError : undefined}>
        <span className={`dot dot-${status.upstreamState}`} aria-hidden="true" />
        {status.upstreamState === 'unknown' ? 'not checked yet' : status.upstreamState}
      </Badge>
      {down && status.upstreamError && (
        <span className="upstream-error" role="status" title={status.upstreamError}>
          {status.upstreamError}
        </span>
      )}
      <ObserveState status={status} />
      <StorageState status={status} />
    </div>
  )
}
