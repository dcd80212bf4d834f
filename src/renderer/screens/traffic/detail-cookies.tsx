// A request's cookies in tables: the request's Cookie header, each Set-Cookie of the
// response with its attributes and its lifetime on the engine's clock, and the mirrored
// cookies the proxy removed from the request (expired on the engine clock or discarded).
import type { MirroredCookie, TrafficEntry } from '../../../shared/api'
import { cookieExpiresAt, parseCookieHeader, parseSetCookie, type SetCookie } from '../../../shared/cookies'
import { CLIENT_COOKIE_NAME } from '../../../shared/settings'
import { useAppState } from '../../app/app-state'
import { Badge } from '../../components/badge'
import { EngineTime } from '../../components/engine-time'
import { formatDuration, isoToMs } from '../../lib/format'

const headerValues = (headers: [string, string][], name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v)

type Lifetime = { kind: 'delete' } | { kind: 'session-only' } | { kind: 'expires'; at: number; seconds: number }

/** The cookie's lifetime as a browser reads it, set at the request's engine time. */
export function cookieLifetime(cookie: SetCookie, engineMs: number, responseDate?: Date): Lifetime {
  const at = cookieExpiresAt(cookie, new Date(engineMs), responseDate)
  if (at === null) return { kind: 'session-only' }
  const seconds = (at.getTime() - engineMs) / 1000
  return seconds <= 0 ? { kind: 'delete' } : { kind: 'expires', at: at.getTime(), seconds }
}

function LifetimeText({ life }: { life: Lifetime }) {
  if (life.kind === 'delete') return <span>deletion: the browser drops this cookie at once</span>
  if (life.kind === 'session-only') return <span>session-only: no Max-Age or Expires, it ends when the browser closes</span>
  return (
    <span>
      expires at <EngineTime iso={new Date(life.at).toISOString()} />{' '}
      <span className="muted">({formatDuration(Math.round(life.seconds))} after this response)</span>
    </span>
  )
}

function origin(name: string, sessionCookieName: string, dropped: readonly string[], life: Lifetime): string {
  if (name === sessionCookieName) return 'the session middleware'
  if (name === CLIENT_COOKIE_NAME) return 'the proxy: its client id cookie (the app never sees it)'
  if (life.kind === 'delete' && dropped.includes(name)) return 'the proxy: tells the browser to forget a cookie it removed'
  return 'the app'
}

function SetCookieCard({ header, engineMs, responseDate, sessionCookieName, dropped }: { header: string; engineMs: number; responseDate?: Date; sessionCookieName: string; dropped: readonly string[] }) {
  const cookie = parseSetCookie(header)
  if (!cookie) {
    return (
      <div className="cookie-card">
        <div className="inline-note inline-note-warn">Unreadable Set-Cookie (no name=value):</div>
        <code className="code-block">{header}</code>
      </div>
    )
  }
  const life = cookieLifetime(cookie, engineMs, responseDate)
  return (
    <section className="cookie-card" aria-label={`Set-Cookie ${cookie.name}`}>
      <div className="cookie-card-head">
        <span className="mono cookie-name">{cookie.name}</span>
        {cookie.name === sessionCookieName && <Badge tone="info" title="SESSION_COOKIE_NAME: this cookie carries the session key">session key</Badge>}
        <Badge tone={life.kind === 'delete' ? 'warn' : life.kind === 'session-only' ? 'neutral' : 'ok'}>
          {life.kind === 'delete' ? 'deletion' : life.kind === 'session-only' ? 'session-only' : 'persistent'}
        </Badge>
        <span className="muted cookie-origin">from {origin(cookie.name, sessionCookieName, dropped, life)}</span>
      </div>
      <div className="cookie-value mono" title={cookie.value}>
        {cookie.value === '' ? <span className="faint">(empty)</span> : cookie.value}
      </div>
      <div className="cookie-lifetime">
        <LifetimeText life={life} />
      </div>
      {cookie.attributes.length > 0 && (
        <table className="data-table attr-table" aria-label={`Attributes of ${cookie.name}`}>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {cookie.attributes.map(([name, value], i) => (
              <tr key={`${name}-${i}`}>
                <th scope="row" className="mono">
                  {name}
                </th>
                <td className="mono">{value === true ? <span className="muted">(flag)</span> : value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function DetailCookies({ entry, mirror }: { entry: TrafficEntry; mirror: MirroredCookie[] | null }) {
  const { settings } = useAppState()
  const sessionCookieName = settings?.SESSION_COOKIE_NAME ?? 'sessionid'
  const requestCookies = parseCookieHeader(headerValues(entry.requestHeaders, 'cookie'))
  const setCookies = headerValues(entry.responseHeaders, 'set-cookie')
  const engineMs = isoToMs(entry.time) ?? Date.now()
  const dateHeader = headerValues(entry.responseHeaders, 'date')[0]
  const responseDate = dateHeader && !Number.isNaN(Date.parse(dateHeader)) ? new Date(dateHeader) : undefined
  const dropped = entry.droppedCookies
  return (
    <div className="cookies-tab">
      <h3 className="subsection-title">Request Cookie header</h3>
      {requestCookies.length === 0 ? (
        <div className="inline-note">The request carried no cookies.</div>
      ) : (
        <table className="data-table" aria-label="Request cookies">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {requestCookies.map((c, i) => (
              <tr key={`${c.name}-${i}`} className={dropped.includes(c.name) ? 'cookie-dropped' : undefined}>
                <th scope="row" className="mono">
                  {c.name}
                </th>
                <td className="mono cell-wrap">{c.value}</td>
                <td className="muted">
                  {dropped.includes(c.name)
                    ? 'removed by the proxy before the app saw it'
                    : c.name === sessionCookieName
                      ? 'the session cookie'
                      : c.name === CLIENT_COOKIE_NAME
                        ? "the proxy's client id (removed before the app)"
                        : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3 className="subsection-title">Set-Cookie on the response</h3>
      {setCookies.length === 0 ? (
        <div className="inline-note">The response set no cookies.</div>
      ) : (
        setCookies.map((h, i) => (
          <SetCookieCard key={i} header={h} engineMs={engineMs} responseDate={responseDate} sessionCookieName={sessionCookieName} dropped={dropped} />
        ))
      )}

      {dropped.length > 0 && (
        <>
          <h3 className="subsection-title">Removed by the proxy</h3>
          <p className="muted small-text">
            The browser still sent these, but on the engine's clock they are gone: the proxy removed them from the request
            and told the browser to forget them.
          </p>
          <ul className="dropped-list" aria-label="Cookies removed by the proxy">
            {dropped.map((name) => {
              const known = mirror?.find((c) => c.name === name)
              const why =
                known?.state === 'discarded'
                  ? 'discarded by a simulated browser close'
                  : known?.state === 'expired'
                    ? 'expired on the engine clock'
                    : 'expired on the engine clock, or discarded by a simulated browser close'
              return (
                <li key={name}>
                  <span className="mono">{name}</span> <span className="muted">— {why}</span>
                </li>
              )
            })}
          </ul>
        </>
      )}
    </div>
  )
}
