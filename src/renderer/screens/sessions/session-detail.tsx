// The selected session: its actions first (always in view), its expiry facts and presets, its
// data (editable) and its history.
import type { SessionInfo } from '../../../shared/api'
import type { SessionData } from '../../../shared/json'
import { useEngineNow } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { CopyButton } from '../../components/copy-button'
import { EngineTime } from '../../components/engine-time'
import { IconAlert, IconClose } from '../../components/icons'
import { JsonEditor } from '../../components/json-editor/json-editor'
import { ExpiryPanel } from './expiry-panel'
import { SessionActions } from './session-actions'
import { SessionUserPanel } from './session-user'
import { SessionHistory } from '../traffic/session-history'
import { SAVED_AHEAD_HELP, secondsSavedAhead } from '../../lib/session-state'
import { Countdown, SavedAt, StateBadge } from './session-cells'

export interface SessionDetailProps {
  sessionKey: string
  /** null once the session is gone (deleted here or elsewhere). */
  session: SessionInfo | null
  clientName: string | null
  onUpdated(session: SessionInfo): void
  onDeleted(): void
  onClose(): void
}

export function SessionDetail({ sessionKey, session, clientName, onUpdated, onDeleted, onClose }: SessionDetailProps) {
  const client = useClient()
  const { engineMs } = useEngineNow()
  const save = async (data: SessionData) => {
    const saved = await client.updateSessionData({ key: sessionKey, data })
    onUpdated(saved)
    return saved.data
  }
  return (
    <aside className="detail session-detail" aria-label={`Session ${sessionKey}`}>
      <div className="detail-head">
        <div className="detail-title">
          <span className="detail-kicker">Session</span>
          <span className="mono detail-key" title={sessionKey}>
            {sessionKey}
          </span>
          <CopyButton text={sessionKey} label="Copy the session key" />
        </div>
        <button type="button" className="icon-button" aria-label="Close the session detail (Escape)" title="Close (Escape)" onClick={onClose}>
          <IconClose />
        </button>
      </div>
      {!session ? (
        <div className="detail-body">
          <div className="inline-note">This session no longer exists: it was deleted.</div>
        </div>
      ) : (
        <div className="detail-body">
          <div className="detail-summary">
            <StateBadge session={session} nowMs={engineMs} />
            <Countdown session={session} nowMs={engineMs} />
            <span className="muted">
              saved <SavedAt session={session} nowMs={engineMs} long />
            </span>
            {clientName && <span className="muted">client {clientName}</span>}
            <span className="muted">engine {session.engine}</span>
          </div>
          <div className="detail-actions">
            <SessionActions session={session} onUpdated={onUpdated} onDeleted={onDeleted} />
          </div>
          {secondsSavedAhead(session, engineMs) > 0 && (
            <div className="inline-note inline-note-warn" role="note" data-testid="saved-ahead-note">
              Last saved at <EngineTime iso={session.savedAt} show="absolute" />, after now. {SAVED_AHEAD_HELP}
            </div>
          )}
          {session.decodeError && (
            <div className="inline-note inline-note-danger" role="status">
              <IconAlert /> {session.decodeError}
            </div>
          )}
          {session.user && (
            <section className="detail-section" aria-labelledby="detail-user">
              <h2 id="detail-user" className="section-title">User</h2>
              <SessionUserPanel session={session} onDeleted={onDeleted} />
            </section>
          )}
          <section className="detail-section" aria-labelledby="detail-expiry">
            <h2 id="detail-expiry" className="section-title">Expiry</h2>
            <ExpiryPanel session={session} onUpdated={onUpdated} />
          </section>
          <section className="detail-section" aria-labelledby="detail-data">
            <h2 id="detail-data" className="section-title">Data</h2>
            <JsonEditor
              value={session.data}
              onSave={save}
              readOnly={Boolean(session.decodeError)}
              note="Saving counts as a modification: the expiry restarts from now on the engine clock."
            />
          </section>
          <section className="detail-section" aria-labelledby="detail-history">
            <h2 id="detail-history" className="section-title">History</h2>
            <SessionHistory sessionKey={sessionKey} />
          </section>
        </div>
      )}
    </aside>
  )
}
