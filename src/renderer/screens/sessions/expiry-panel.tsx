// A session's expiry as Django computes it, and set_expiry() presets to change it.
import { Fragment, useState, type FormEvent, type ReactNode } from 'react'
import type { SessionInfo } from '../../../shared/api'
import { parseIsoDate } from '../../../shared/expiry'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { EngineTime } from '../../components/engine-time'
import { errorMessage } from '../../components/toast'
import { parseDurationInput } from '../../lib/duration-input'
import { formatDuration } from '../../lib/format'

export const EXPIRY_PRESETS: { label: string; value: number | null; title: string }[] = [
  { label: 'Browser close (0)', value: 0, title: 'set_expiry(0): the cookie ends when the browser closes' },
  { label: '5 min', value: 300, title: 'set_expiry(300)' },
  { label: '10 min', value: 600, title: 'set_expiry(600)' },
  { label: '1 h', value: 3600, title: 'set_expiry(3600)' },
  { label: '1 day', value: 86_400, title: 'set_expiry(86400)' },
  { label: 'Global policy (None)', value: null, title: 'set_expiry(None): back to SESSION_COOKIE_AGE and SESSION_EXPIRE_AT_BROWSER_CLOSE' }
]

/** A Django name that may break after its underscores (and only there) when the pane is narrow. */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split('_')
  return (
    <span className="django-name">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              _<wbr />
            </>
          )}
        </Fragment>
      ))}
    </span>
  )
}

function describeCustom(value: SessionInfo['customExpiry']): ReactNode {
  if (value === null) {
    return (
      <>
        not set: the global policy applies (<BreakableName name="SESSION_COOKIE_AGE" />,{' '}
        <BreakableName name="SESSION_EXPIRE_AT_BROWSER_CLOSE" />)
      </>
    )
  }
  if (value === 0) return '0: expires when the browser closes'
  if (typeof value === 'number') return `${value}: expires after ${formatDuration(value)} without modification`
  return `${JSON.stringify(value)}: expires at that moment`
}

/** Reads the custom set_expiry value: seconds ("600", "10m") or an ISO date-time. */
export function parseExpiryInput(text: string): { ok: true; value: number | string } | { ok: false; error: string } {
  const trimmed = text.trim()
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    return parseIsoDate(trimmed) ? { ok: true, value: trimmed } : { ok: false, error: `"${trimmed}" is not an ISO-8601 date-time such as 2026-12-06T10:00:00Z` }
  }
  const parsed = parseDurationInput(trimmed)
  if (!parsed.ok) return { ok: false, error: `${parsed.error}, or an ISO date-time (2026-12-06T10:00:00Z)` }
  return { ok: true, value: Math.round(parsed.seconds) }
}

export function ExpiryPanel({ session, onUpdated }: { session: SessionInfo; onUpdated(session: SessionInfo): void }) {
  const client = useClient()
  const [custom, setCustom] = useState('')
  const [error, setError] = useState<string | null>(null)

  const setExpiry = async (value: number | string | null) => {
    setError(null)
    onUpdated(await client.setSessionExpiry({ key: session.key, value }))
  }

  const submitCustom = async (event: FormEvent) => {
    event.preventDefault()
    const parsed = parseExpiryInput(custom)
    if (!parsed.ok) return setError(parsed.error)
    try {
      await setExpiry(parsed.value)
      setCustom('')
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <div className="expiry-panel">
      <dl className="facts">
        <dt>get_expiry_age()</dt>
        <dd className="mono">
          {session.expiryAge} <span className="muted">({formatDuration(session.expiryAge)})</span>
        </dd>
        <dt>get_expiry_date()</dt>
        <dd>
          <EngineTime iso={session.expireDate} empty="unknown to this store" />
        </dd>
        <dt>get_expire_at_browser_close()</dt>
        <dd className="mono">{session.expireAtBrowserClose ? 'True' : 'False'}</dd>
        <dt>_session_expiry</dt>
        <dd>{describeCustom(session.customExpiry)}</dd>
      </dl>
      {session.engine === 'signed_cookies' && (
        <div className="inline-note inline-note-warn">
          signed_cookies ignores set_expiry() on the server side (Django ticket #19201): only SESSION_COOKIE_AGE decides
          when the signed value stops loading.
        </div>
      )}
      <div className="field-label">set_expiry()</div>
      <div className="preset-row" role="group" aria-label="set_expiry presets">
        {EXPIRY_PRESETS.map((p) => (
          <AsyncButton key={p.label} size="small" title={p.title} onClick={() => setExpiry(p.value)} onError={(e) => setError(errorMessage(e))}>
            {p.label}
          </AsyncButton>
        ))}
      </div>
      <form className="inline-form" onSubmit={submitCustom}>
        <input
          className={`input input-small${error ? ' input-invalid' : ''}`}
          value={custom}
          onChange={(e) => {
            setCustom(e.target.value)
            setError(null)
          }}
          placeholder="e.g. 90s, 2h, 2026-12-06T10:00:00Z"
          aria-label="Custom set_expiry value"
          aria-invalid={error ? true : undefined}
        />
        <button type="submit" className="button button-small">
          Set expiry
        </button>
      </form>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      <div className="field-help">Setting the expiry saves the session: its expiry counts from now on the engine clock.</div>
    </div>
  )
}
