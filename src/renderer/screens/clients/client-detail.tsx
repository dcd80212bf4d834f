// One browser profile: rename it, see its facts and its mirrored cookies, and simulate it
// closing (its session-only cookies are discarded; server-side sessions stay, as in Django).
import { useState, type FormEvent } from 'react'
import type { ClientInfo } from '../../../shared/api'
import { useEngineNow } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { CopyButton } from '../../components/copy-button'
import { EngineTime } from '../../components/engine-time'
import { IconClose, IconPower } from '../../components/icons'
import { errorMessage, useToast } from '../../components/toast'
import { plural } from '../../lib/format'
import { trafficHash } from '../../lib/traffic'
import { summariseUserAgent, userAgentFamily, shortClientId } from '../../../shared/client-name'
import { describeCloseOne } from '../../../shared/browser-close'
import { ClientCookies, cookieStateAt } from './client-cookies'


function RenameForm({ client, onRenamed }: { client: ClientInfo; onRenamed(c: ClientInfo): void }) {
  const api = useClient()
  const [name, setName] = useState(client.name)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const dirty = name.trim() !== client.name
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!dirty) return
    setBusy(true)
    setError(null)
    try {
      onRenamed(await api.renameClient({ id: client.id, name: name.trim() }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="inline-form rename-form" onSubmit={submit}>
      <input
        className={`input input-small${error ? ' input-invalid' : ''}`}
        value={name}
        maxLength={100}
        placeholder={`${userAgentFamily(client.userAgent)} · ${shortClientId(client.id)}`}
        aria-label="Browser name"
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setName(e.target.value)
          setError(null)
        }}
      />
      <button type="submit" className="button button-small" disabled={!dirty || busy}>
        Rename
      </button>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </form>
  )
}

export function ClientDetail({ client, onRenamed, onClosed, onClose }: { client: ClientInfo; onRenamed(c: ClientInfo): void; onClosed(): void; onClose(): void }) {
  const api = useClient()
  const toast = useToast()
  const { engineMs } = useEngineNow()
  const sessionOnly = client.cookies.filter((c) => c.sessionOnly && cookieStateAt(c, engineMs) === 'live').length
  const closeBrowser = async () => {
    toast.show('success', describeCloseOne(await api.closeBrowser({ client: client.id }), client.displayName))
    onClosed()
  }
  return (
    <aside className="detail client-detail" aria-label={`Browser ${client.displayName}`}>
      <div className="detail-head">
        <div className="detail-title">
          <span className="detail-kicker">Browser</span>
          <span className="detail-key">{client.displayName}</span>
        </div>
        <button type="button" className="icon-button" aria-label="Close the browser detail (Escape)" title="Close (Escape)" onClick={onClose}>
          <IconClose />
        </button>
      </div>
      <div className="detail-body">
        <section className="detail-section detail-section-first" aria-labelledby="client-name">
          <h2 id="client-name" className="section-title">Name</h2>
          {/* Keyed by id and name: a rename from elsewhere resets the field. */}
          <RenameForm key={`${client.id}:${client.name}`} client={client} onRenamed={onRenamed} />
        </section>
        <section className="detail-section" aria-labelledby="client-facts">
          <h2 id="client-facts" className="section-title">Facts</h2>
          <dl className="facts">
            <dt>id</dt>
            <dd className="mono">
              {client.id} <CopyButton text={client.id} label="Copy the client id" />
            </dd>
            <dt>browser</dt>
            <dd title={client.userAgent}>
              {summariseUserAgent(client.userAgent)}
              <div className="muted small-text cell-wrap">{client.userAgent || '(no User-Agent header)'}</div>
            </dd>
            <dt>first seen</dt>
            <dd>
              <EngineTime iso={client.firstSeen} />
            </dd>
            <dt>last seen</dt>
            <dd>
              <EngineTime iso={client.lastSeen} />
            </dd>
            <dt>requests</dt>
            <dd>{client.requestCount.toLocaleString('en-US')}</dd>
            <dt>session</dt>
            <dd>
              {client.sessionKey ? (
                <>
                  <a className="mono key-link" href={`#/sessions/${encodeURIComponent(client.sessionKey)}`}>
                    {client.sessionKey}
                  </a>{' '}
                  · <a href={trafficHash({ sessionKey: client.sessionKey, openId: null })}>history</a>
                </>
              ) : (
                <span className="faint">none</span>
              )}
            </dd>
          </dl>
        </section>
        <section className="detail-section" aria-labelledby="client-close">
          <h2 id="client-close" className="section-title">Browser close</h2>
          <p className="muted small-text">
            Discards this browser's session-only cookies, as quitting it would{sessionOnly ? ` (${plural(sessionOnly, 'live one')} now)` : ''}. Persistent cookies
            survive; the server-side session rows stay until clear_expired.
          </p>
          <AsyncButton size="small" onClick={closeBrowser} aria-label="Close this browser">
            <IconPower />
            Close this browser
          </AsyncButton>
        </section>
        <section className="detail-section" aria-labelledby="client-cookies">
          <h2 id="client-cookies" className="section-title">Mirrored cookies</h2>
          <ClientCookies cookies={client.cookies} engineMs={engineMs} />
        </section>
      </div>
    </aside>
  )
}
