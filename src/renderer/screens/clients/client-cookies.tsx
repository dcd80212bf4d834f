// One browser's mirrored cookies: name, value, path, lifetime on the engine's clock and
// state (live, expired on the engine clock, discarded by a simulated browser close).
import type { MirroredCookie } from '../../../shared/api'
import { Badge, type BadgeTone } from '../../components/badge'
import { EngineTime } from '../../components/engine-time'
import { isoToMs } from '../../lib/format'

type CookieState = MirroredCookie['state']

const STATE_TONE: Record<CookieState, BadgeTone> = { live: 'ok', expired: 'danger', discarded: 'warn' }
const STATE_WORDS: Record<CookieState, string> = { live: 'live', expired: 'expired', discarded: 'discarded' }
const STATE_TITLE: Record<CookieState, string> = {
  live: 'The browser still sends it, and the proxy passes it on',
  expired: 'Expired on the engine clock: the proxy removes it from requests and tells the browser to forget it',
  discarded: 'Discarded by a simulated browser close: the proxy removes it from requests'
}

/** The state now: the list's state was right when it was read, and the engine clock has moved on since. */
export function cookieStateAt(cookie: MirroredCookie, engineMs: number): CookieState {
  if (cookie.state !== 'live') return cookie.state
  const at = isoToMs(cookie.expiresAt)
  return at !== null && at <= engineMs ? 'expired' : 'live'
}

export function ClientCookies({ cookies, engineMs }: { cookies: MirroredCookie[]; engineMs: number }) {
  if (cookies.length === 0) return <div className="inline-note">No cookie was set for this browser through the proxy yet.</div>
  const sorted = cookies.slice().sort((a, b) => Number(b.isSessionCookie) - Number(a.isSessionCookie) || a.name.localeCompare(b.name) || a.path.localeCompare(b.path))
  return (
    <table className="data-table cookie-table" aria-label="Mirrored cookies">
      <thead>
        <tr>
          <th scope="col" className="col-name">
            Name <span className="muted">· path</span>
          </th>
          <th scope="col" className="col-value">
            Value
          </th>
          <th scope="col">Lifetime (engine clock)</th>
          <th scope="col" className="col-state">
            State
          </th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((c) => {
          const state = cookieStateAt(c, engineMs)
          return (
            <tr key={`${c.name}\u0000${c.path}\u0000${c.domain ?? ''}`} className={state === 'live' ? undefined : 'cookie-gone'}>
              <th scope="row" className="mono">
                {c.name}
                {c.isSessionCookie && (
                  <>
                    {' '}
                    <Badge tone="info" title="SESSION_COOKIE_NAME: this cookie carries the session key">session key</Badge>
                  </>
                )}
                <span className="cookie-path small-text">
                  {c.path}
                  {c.domain && ` · ${c.domain}`}
                </span>
              </th>
              <td className="mono cookie-value-cell" title={c.value}>
                {c.value === '' ? <span className="faint">(empty)</span> : c.value}
              </td>
              <td>
                {c.sessionOnly ? (
                  <span>session-only: until the browser closes</span>
                ) : (
                  <span>
                    expires <EngineTime iso={c.expiresAt} />
                  </span>
                )}
                <div className="muted small-text">
                  set <EngineTime iso={c.setAt} show="relative" />
                </div>
              </td>
              <td>
                <Badge tone={STATE_TONE[state]} title={STATE_TITLE[state]}>
                  {STATE_WORDS[state]}
                </Badge>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
