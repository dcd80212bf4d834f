// A request's summary: when, how long, which browser, which session key before and after,
// and the facts of the middleware's decision (Max-Age, where the lifetime came from, …).
import type { TrafficEntry } from '../../../shared/api'
import { shortClientId } from '../../../shared/client-name'
import { REASON_WORDS, type ResponseDecision } from '../../../shared/decision'
import { EngineTime } from '../../components/engine-time'
import { formatDateTime, formatDuration, formatOffset, isoToMs } from '../../lib/format'
import { formatMs } from '../../lib/traffic'

export function SessionKeyLink({ sessionKey }: { sessionKey: string | null }) {
  if (!sessionKey) return <span className="faint">none</span>
  return (
    <a className="mono key-link" href={`#/sessions/${encodeURIComponent(sessionKey)}`} title={`Open session ${sessionKey}`}>
      {sessionKey}
    </a>
  )
}

export function lifetimeWords(d: ResponseDecision): string {
  switch (d.lifetime) {
    case 'SESSION_COOKIE_AGE':
      return 'SESSION_COOKIE_AGE (the global policy)'
    case 'set_expiry':
      return `set_expiry(${JSON.stringify(d.customExpiry)})`
    case 'browser-close:set_expiry(0)':
      return 'browser close, because set_expiry(0)'
    case 'browser-close:SESSION_EXPIRE_AT_BROWSER_CLOSE':
      return 'browser close, because SESSION_EXPIRE_AT_BROWSER_CLOSE'
    default:
      return 'none: no cookie was set'
  }
}

function cookieWords(d: ResponseDecision): string {
  if (d.cookie === 'set') return d.maxAge === null ? 'set, session-only (no Max-Age)' : 'set'
  if (d.cookie === 'delete') return 'deleted (Max-Age=0)'
  return 'not sent'
}

function Decision({ d }: { d: ResponseDecision }) {
  return (
    <dl className="facts" aria-label="The middleware's decision">
      <dt>reason</dt>
      <dd>
        <span className="mono">{d.reason}</span>
        {REASON_WORDS[d.reason] !== d.reason && <span className="muted"> ({REASON_WORDS[d.reason]})</span>}
      </dd>
      <dt>saved</dt>
      <dd>{d.saved ? 'yes: written to the store' : 'no'}</dd>
      <dt>session cookie</dt>
      <dd>{cookieWords(d)}</dd>
      <dt>Max-Age</dt>
      <dd className="mono">
        {d.maxAge === null ? (
          <span className="muted">{d.cookie === 'set' ? 'none: ends when the browser closes' : '—'}</span>
        ) : (
          <>
            {d.maxAge} <span className="muted">({formatDuration(d.maxAge)})</span>
          </>
        )}
      </dd>
      <dt>expires</dt>
      <dd>
        <EngineTime iso={d.expires} />
      </dd>
      <dt>lifetime from</dt>
      <dd>{lifetimeWords(d)}</dd>
      <dt>_session_expiry</dt>
      <dd className="mono">{d.customExpiry === null ? <span className="muted">not set</span> : JSON.stringify(d.customExpiry)}</dd>
      <dt>Vary: Cookie</dt>
      <dd>{d.vary ? 'added (the session was accessed)' : 'not added'}</dd>
      <dt>status seen</dt>
      <dd className="mono">{d.status}</dd>
      <dt>key</dt>
      <dd className="key-change">
        <SessionKeyLink sessionKey={d.keyBefore} /> <span className="faint">→</span> <SessionKeyLink sessionKey={d.keyAfter} />
      </dd>
    </dl>
  )
}

export function DetailSummary({ entry, clientName }: { entry: TrafficEntry; clientName: string | null }) {
  const engineMs = isoToMs(entry.time)
  const realMs = isoToMs(entry.realTime)
  const offset = engineMs !== null && realMs !== null ? engineMs - realMs : 0
  const before = entry.sessionBefore?.key ?? null
  const after = entry.sessionAfter?.key ?? null
  return (
    <div className="detail-summary-tab">
      <dl className="facts" aria-label="Request facts">
        <dt>engine time</dt>
        <dd>
          <EngineTime iso={entry.time} />
        </dd>
        <dt>real time</dt>
        <dd>
          {realMs === null ? '—' : formatDateTime(realMs)}
          {Math.abs(offset) >= 1000 && <span className="muted"> · engine clock {formatOffset(offset)}</span>}
        </dd>
        <dt>duration</dt>
        <dd>{formatMs(entry.durationMs)}</dd>
        <dt>client</dt>
        <dd>
          {entry.clientId ? (
            <a href={`#/clients/${encodeURIComponent(entry.clientId)}`} title={entry.clientId}>
              {clientName ?? `client · ${shortClientId(entry.clientId)}`}
            </a>
          ) : (
            <span className="faint">none</span>
          )}
        </dd>
        <dt>session</dt>
        <dd className="key-change">
          <SessionKeyLink sessionKey={before} /> <span className="faint">→</span> <SessionKeyLink sessionKey={after} />
          {before && after && before !== after && <span className="badge badge-info">new key</span>}
        </dd>
      </dl>
      <h3 className="subsection-title">The middleware's decision</h3>
      {entry.decision ? (
        <Decision d={entry.decision} />
      ) : (
        <div className="inline-note">
          No middleware decision was recorded for this request
          {entry.reasonCode === 'observed' ? ': the app runs its own session middleware (observe mode).' : entry.error ? `: ${entry.error}.` : '.'}
        </div>
      )}
    </div>
  )
}
