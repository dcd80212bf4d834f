// One request in full: the middleware's reason in one sentence, then tabs for the summary,
// the session diff, the cookies, the headers and the wire protocol.
import { useEffect, useState } from 'react'
import type { ClientInfo, TrafficEntry, TrafficSummary } from '../../../shared/api'
import { ApiError } from '../../../shared/errors'
import { useHoldReady } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { IconAlert, IconClose } from '../../components/icons'
import { Spinner } from '../../components/spinner'
import { Tabs } from '../../components/tabs'
import { errorMessage } from '../../components/toast'
import { diffSessions } from '../../lib/session-diff'
import { entryKey, formatMs, trafficHash } from '../../lib/traffic'
import { DetailCookies } from './detail-cookies'
import { DetailDiff } from './detail-diff'
import { DetailSummary } from './detail-summary'
import { DetailHeaders, DetailWire } from './detail-wire'
import { EffectBadge, StatusText } from './traffic-cells'

export type DetailTab = 'summary' | 'diff' | 'cookies' | 'headers' | 'wire'

export interface TrafficDetailProps {
  id: number
  /** The row from the list, shown while the full entry loads. */
  summary: TrafficSummary | null
  clients: Map<string, ClientInfo>
  onClose(): void
}

export function TrafficDetail({ id, summary, clients, onClose }: TrafficDetailProps) {
  const api = useClient()
  const [entry, setEntry] = useState<TrafficEntry | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tab, setTab] = useState<DetailTab>('summary')

  useEffect(() => {
    let cancelled = false
    setEntry(null)
    setError(null)
    api.getTraffic({ id }).then(
      (e) => {
        if (!cancelled) setEntry(e)
      },
      (e: unknown) => {
        if (cancelled) return
        setError(e instanceof ApiError && e.code === 'not_found' ? `Request #${id} is no longer in the traffic log (cleared, or past the retention limit).` : errorMessage(e))
      }
    )
    return () => {
      cancelled = true
    }
  }, [api, id])

  useHoldReady(entry === null && error === null)
  const shown: TrafficSummary | null = entry ?? summary
  const clientInfo = shown?.clientId ? (clients.get(shown.clientId) ?? null) : null
  const key = shown ? entryKey(shown) : null
  // The list's summaries carry no session data: the diff waits for the detail.
  const diff = entry ? diffSessions(entry.sessionBefore?.data ?? null, entry.sessionAfter?.data ?? null) : null
  const changes = diff ? diff.counts.added + diff.counts.removed + diff.counts.changed : 0
  const cookieCount = entry ? entry.responseHeaders.filter(([n]) => n.toLowerCase() === 'set-cookie').length : undefined

  return (
    <aside className="detail traffic-detail" aria-label={`Request ${id}`}>
      <div className="detail-head">
        <div className="detail-title">
          <span className="detail-kicker">Request #{id}</span>
          {shown && (
            <span className="mono detail-key" title={shown.url}>
              {shown.method} {shown.url}
            </span>
          )}
        </div>
        <button type="button" className="icon-button" aria-label="Close the request detail (Escape)" title="Close (Escape)" onClick={onClose}>
          <IconClose />
        </button>
      </div>
      {!shown ? (
        <div className="detail-body">
          {error ? (
            <div className="inline-note inline-note-danger" role="alert">
              {error}
            </div>
          ) : (
            <div className="loading">
              <Spinner label="Loading the request" /> Loading…
            </div>
          )}
        </div>
      ) : (
        <div className="detail-body">
          <div className="detail-summary">
            <EffectBadge effect={shown.effect} />
            <span className="mono">
              <StatusText entry={shown} />
            </span>
            <span className="muted">{formatMs(shown.durationMs)}</span>
            {key && (
              <a href={trafficHash({ sessionKey: key, openId: null })} title={`Every request of session ${key}`}>
                this session's history
              </a>
            )}
          </div>
          <p className="reason-sentence" data-testid="reason-sentence">
            {shown.reason}
          </p>
          {shown.error && shown.effect !== 'rejected' && (
            <div className="inline-note inline-note-danger">
              <IconAlert /> {shown.error}
            </div>
          )}
          {error && (
            <div className="inline-note inline-note-danger" role="alert">
              {error}
            </div>
          )}
          <Tabs<DetailTab>
            label="Request detail"
            selected={tab}
            onSelect={setTab}
            tabs={[
              { id: 'summary', label: 'Summary' },
              { id: 'diff', label: 'Session diff', hint: changes || undefined },
              { id: 'cookies', label: 'Cookies', hint: cookieCount || undefined },
              { id: 'headers', label: 'Headers' },
              { id: 'wire', label: 'Wire' }
            ]}
          >
            {!entry ? (
              <div className="loading">
                {!error && (
                  <>
                    <Spinner label="Loading the request" /> Loading…
                  </>
                )}
              </div>
            ) : tab === 'diff' ? (
              <DetailDiff before={entry.sessionBefore} after={entry.sessionAfter} />
            ) : tab === 'summary' ? (
              <DetailSummary entry={entry} clientName={clientInfo?.displayName ?? null} />
            ) : tab === 'cookies' ? (
              <DetailCookies entry={entry} mirror={clientInfo?.cookies ?? null} />
            ) : tab === 'headers' ? (
              <DetailHeaders entry={entry} />
            ) : (
              <DetailWire entry={entry} />
            )}
          </Tabs>
        </div>
      )}
    </aside>
  )
}
