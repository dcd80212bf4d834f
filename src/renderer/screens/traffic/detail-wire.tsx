// A request's headers as sent and received, and the wire protocol decoded: the X-Session
// the proxy handed the app, and the X-Session-Update it answered (or why it was refused).
import type { TrafficEntry } from '../../../shared/api'
import { truncatedSize } from '../../../shared/truncate'
import { decodeBase64UrlJson, type WireUpdate } from '../../../shared/wire'
import { EngineTime } from '../../components/engine-time'
import { formatDuration } from '../../lib/format'

function HeaderTable({ label, headers }: { label: string; headers: [string, string][] }) {
  if (headers.length === 0) return <div className="inline-note">No headers recorded.</div>
  return (
    <table className="data-table header-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {headers.map(([name, value], i) => (
          <tr key={`${name}-${i}`}>
            <th scope="row" className="mono">
              {name}
            </th>
            <td className="mono cell-wrap">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function DetailHeaders({ entry }: { entry: TrafficEntry }) {
  return (
    <div>
      <h3 className="subsection-title">
        Request headers <span className="muted">(as the browser sent them)</span>
      </h3>
      <HeaderTable label="Request headers" headers={entry.requestHeaders} />
      <h3 className="subsection-title">
        Response headers <span className="muted">(as the browser received them)</span>
      </h3>
      <HeaderTable label="Response headers" headers={entry.responseHeaders} />
    </div>
  )
}

const UPDATE_FLAGS: [keyof WireUpdate, string][] = [
  ['accessed', 'the view read the session'],
  ['modified', 'the view marked it modified'],
  ['flush', 'flush(): emptied, deleted from the store, no key'],
  ['cycleKey', 'cycle_key(): the same data under a new key'],
  ['clearExpired', 'clear_expired() was called']
]

function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="code-block wire-json" aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  )
}

function tryDecode(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const size = truncatedSize(raw)
  if (size !== null) return { ok: false, error: `the traffic log kept only the start of this ${size}-byte value` }
  try {
    return { ok: true, value: decodeBase64UrlJson(raw.trim()) }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

export function DetailWire({ entry }: { entry: TrafficEntry }) {
  const x = entry.xSession
  const u = entry.xSessionUpdate
  return (
    <div className="wire-tab">
      <h3 className="subsection-title">X-Session: what the proxy handed the app</h3>
      {!x ? (
        <div className="inline-note">No X-Session was sent with this request (no session step ran).</div>
      ) : (
        <>
          <dl className="facts" aria-label="X-Session">
            <dt>key</dt>
            <dd className="mono">{x.key ?? <span className="muted">null: no valid session cookie</span>}</dd>
            <dt>now</dt>
            <dd>
              <EngineTime iso={x.now} show="absolute" /> <span className="muted">(the engine's clock)</span>
            </dd>
            <dt>get_expiry_age()</dt>
            <dd className="mono">
              {x.expiryAge} <span className="muted">({formatDuration(x.expiryAge)})</span>
            </dd>
            <dt>get_expiry_date()</dt>
            <dd>
              <EngineTime iso={x.expiryDate} show="absolute" />
            </dd>
            <dt>get_expire_at_browser_close()</dt>
            <dd className="mono">{x.expireAtBrowserClose ? 'True' : 'False'}</dd>
            <dt>SESSION_COOKIE_AGE</dt>
            <dd className="mono">{x.cookieAge}</dd>
          </dl>
          <div className="field-label">data</div>
          <Json value={x.data} label="X-Session data" />
        </>
      )}

      <h3 className="subsection-title">X-Session-Update: what the app answered</h3>
      {entry.rejectedUpdate !== undefined ? (
        <RejectedUpdate raw={entry.rejectedUpdate} error={entry.error} />
      ) : !u ? (
        <div className="inline-note">The app sent no X-Session-Update: for the middleware, it did not touch the session.</div>
      ) : (
        <>
          <dl className="facts" aria-label="X-Session-Update">
            {UPDATE_FLAGS.filter(([flag]) => u[flag] !== undefined).map(([flag, words]) => (
              <Flag key={flag} name={flag} on={Boolean(u[flag])} words={words} />
            ))}
            <dt>data</dt>
            <dd>{u.data ? 'replaced: the whole dict as the view left it (below)' : <span className="muted">not sent: the data is as it was</span>}</dd>
          </dl>
          {u.data && <Json value={u.data} label="X-Session-Update data" />}
        </>
      )}
    </div>
  )
}

function Flag({ name, on, words }: { name: string; on: boolean; words: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <span className="mono">{on ? 'true' : 'false'}</span>
        {on && <span className="muted"> — {words}</span>}
      </dd>
    </>
  )
}

function RejectedUpdate({ raw, error }: { raw: string; error?: string }) {
  const decoded = tryDecode(raw)
  return (
    <>
      <div className="inline-note inline-note-danger" role="status">
        {error ?? 'X-Session-Update refused'}. The session stayed as it was.
      </div>
      <div className="field-label">raw value</div>
      <code className="code-block">{raw === '' ? '(empty)' : raw}</code>
      <div className="field-label">decoded</div>
      {decoded.ok ? <Json value={decoded.value} label="Refused update, decoded" /> : <div className="muted small-text">cannot decode: {decoded.error}</div>}
    </>
  )
}
