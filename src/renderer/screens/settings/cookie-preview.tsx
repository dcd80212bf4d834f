// The exact Set-Cookie headers the next save (and a deletion) would send under the current
// settings and the engine clock.
import { useEffect, useState } from 'react'
import type { CookiePreview as Preview } from '../../../shared/api'
import { parseSetCookie } from '../../../shared/cookies'
import type { Settings } from '../../../shared/settings'
import { useAppState, useHoldReady } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { Spinner } from '../../components/spinner'
import { errorMessage } from '../../components/toast'

export function CookiePreview({ settings }: { settings: Settings }) {
  const client = useClient()
  // expires= is engine now + the cookie age: a moved, frozen or reset clock changes it.
  const { clock } = useAppState()
  const [preview, setPreview] = useState<Preview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  useHoldReady(loading)
  useEffect(() => {
    let cancelled = false
    setLoading(true)
    client.previewCookie({}).then(
      (p) => {
        if (cancelled) return
        setPreview(p)
        setError(null)
        setLoading(false)
      },
      (e: unknown) => {
        if (cancelled) return
        setError(errorMessage(e))
        setLoading(false)
      }
    )
    return () => {
      cancelled = true
    }
  }, [client, settings, clock?.offsetSeconds, clock?.frozen])

  return (
    <section className="card cookie-preview" aria-labelledby="preview-title" aria-busy={loading}>
      <h2 id="preview-title" className="section-title">
        Next Set-Cookie {loading && <Spinner label="Refreshing the preview" />}
      </h2>
      {error && (
        <div className="field-error" role="alert">
          Cannot preview the cookie: {error}
        </div>
      )}
      {preview && (
        <>
          <HeaderLine label="When the session is saved" header={preview.setCookie} testId="preview-set-cookie" />
          <HeaderLine label="When the session is deleted" header={preview.deleteCookie} testId="preview-delete-cookie" />
          {preview.notes.length > 0 && (
            <ul className="preview-notes">
              {preview.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}

function HeaderLine({ label, header, testId }: { label: string; header: string; testId: string }) {
  const cookie = parseSetCookie(header)
  return (
    <div className="preview-line">
      <div className="field-label">{label}</div>
      <code className="code-block preview-header" data-testid={testId}>
        <span className="faint">Set-Cookie: </span>
        {header}
      </code>
      {cookie && (
        <div className="chips">
          {cookie.attributes.map(([name, value]) => (
            <span key={name} className="chip">
              <span className="chip-name">{name}</span>
              {value !== true && <span className="chip-value">{value}</span>}
            </span>
          ))}
        </div>
      )}
    </div>
  )
}
