// A session's history, for its detail pane: the requests that touched it, oldest first,
// live, each linking to its full detail in Traffic; the whole list is one click away.
import { useEffect, useState } from 'react'
import type { TrafficSummary } from '../../../shared/api'
import { useAppState } from '../../app/app-state'
import { useApiEvent, useClient } from '../../app/client-context'
import { errorMessage } from '../../components/toast'
import { formatDateTime, isoToMs, plural } from '../../lib/format'
import { matchesServer, trafficHash } from '../../lib/traffic'
import { EffectBadge, StatusText } from './traffic-cells'

/** The newest requests shown inline; the rest are in Traffic. */
export const HISTORY_LIMIT = 50

export function SessionHistory({ sessionKey }: { sessionKey: string }) {
  const api = useClient()
  const { epoch } = useAppState()
  const [entries, setEntries] = useState<TrafficSummary[] | null>(null)
  const [total, setTotal] = useState(0)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    api.listTraffic({ sessionKey, limit: HISTORY_LIMIT }).then(
      (page) => {
        if (cancelled) return
        setEntries(page.entries.slice().reverse())
        setTotal(page.total)
        setError(null)
      },
      (e: unknown) => {
        if (!cancelled) setError(errorMessage(e))
      }
    )
    return () => {
      cancelled = true
    }
  }, [api, sessionKey, epoch])

  // A session sees a handful of requests a second at most: each is applied as it comes.
  useApiEvent('traffic', (entry) => {
    if (!matchesServer(entry, { sessionKey })) return
    setEntries((list) => (list === null || list.some((e) => e.id === entry.id) ? list : [...list, entry].slice(-HISTORY_LIMIT)))
    setTotal((n) => n + 1)
  })

  const all = trafficHash({ sessionKey, openId: null })
  if (error) return <div className="inline-note inline-note-danger">Cannot load the history: {error}</div>
  if (entries === null) return <div className="muted small-text">Loading…</div>
  return (
    <div className="session-history">
      {entries.length === 0 ? (
        <div className="muted small-text">No recorded request carried or received this session (the traffic log may have been cleared).</div>
      ) : (
        <ol className="history-list" aria-label="Requests that touched this session">
          {entries.map((e) => {
            const at = isoToMs(e.time)
            return (
              <li key={e.id}>
                <a className="history-item" href={trafficHash({ sessionKey, openId: e.id })} title={e.reason}>
                  <span className="history-time">{at === null ? '—' : formatDateTime(at).slice(5)}</span>
                  <span className="mono history-request">
                    {e.method} {e.url}
                  </span>
                  <span className="mono">
                    <StatusText entry={e} />
                  </span>
                  <EffectBadge effect={e.effect} />
                </a>
              </li>
            )
          })}
        </ol>
      )}
      <a className="history-all" href={all}>
        {total > entries.length ? `All ${plural(total, 'request')} in Traffic` : 'Open in Traffic'}
      </a>
    </div>
  )
}
