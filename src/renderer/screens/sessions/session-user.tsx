// Whose session it is (issue 20): the user and the backend that logged them in, a warning when
// Django will drop the session on its next request, and the user's view: every session of
// theirs with its browser, last request and expiry, with log out everywhere and log out the
// others (each confirmed, each saying what it did).
import { useCallback, useEffect, useState } from 'react'
import type { SessionInfo, SessionUser, UserSessions } from '../../../shared/api'
import { describeUser } from '../../../shared/auth'
import { useEngineNow } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { useConfirm } from '../../components/confirm'
import { EngineTime } from '../../components/engine-time'
import { IconAlert } from '../../components/icons'
import { errorMessage, useToast } from '../../components/toast'
import { plural } from '../../lib/format'
import { Countdown } from './session-cells'

/** "ModelBackend" for django.contrib.auth.backends.ModelBackend. */
export const backendName = (backend: string | null) => (backend ? (backend.split('.').at(-1) ?? backend) : 'an unknown backend')

/** The User column's text: the username, else the id. */
export function userLabel(user: SessionUser | null | undefined): string | null {
  return user ? (user.username ?? `user ${user.id}`) : null
}

const SOURCE: Record<string, string> = {
  'user-table': "from the app's user table",
  middleware: 'named by the app (X-Session-User)'
}

export function SessionUserPanel({ session, onDeleted }: { session: SessionInfo; onDeleted(): void }) {
  const user = session.user
  if (!user) return <p className="muted">Anonymous: no <code>_auth_user_id</code> in this session.</p>
  return (
    <div className="session-user">
      <p data-testid="session-user">
        Logged in as <strong>{describeUser(user.id, user.username)}</strong> with <code title={user.backend ?? undefined}>{backendName(user.backend)}</code>
        {user.source ? <span className="muted"> · username {SOURCE[user.source]}</span> : <span className="muted"> · only the id is known</span>}
      </p>
      {user.stale && (
        <div className="inline-note inline-note-warn" role="status" data-testid="session-user-stale">
          <IconAlert /> {user.stale}
        </div>
      )}
      <UserSessionsView user={user} current={session.key} onDeleted={onDeleted} />
    </div>
  )
}

function UserSessionsView({ user, current, onDeleted }: { user: SessionUser; current: string; onDeleted(): void }) {
  const client = useClient()
  const confirm = useConfirm()
  const toast = useToast()
  const { engineMs } = useEngineNow()
  const [view, setView] = useState<UserSessions | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    client.getUser({ id: user.id }).then(
      (v) => {
        setView(v)
        setError(null)
      },
      (e: unknown) => setError(errorMessage(e))
    )
  }, [client, user.id])
  useEffect(load, [load])
  const who = describeUser(user.id, user.username)
  const others = view ? view.sessions.filter((s) => s.key !== current).length : 0

  const logout = async (except: string | undefined) => {
    const count = view ? (except ? others : view.sessions.length) : 0
    const ok = await confirm({
      title: except ? `Log ${who} out of the other sessions?` : `Log ${who} out everywhere?`,
      message: except
        ? `${plural(count, 'other session')} of ${who} are deleted from the store the app uses; this one stays. Those browsers are anonymous on their next request.`
        : `Every session of ${who} (${plural(count, 'session')}, this one included) is deleted from the store the app uses. Each browser is anonymous on its next request.`,
      confirmLabel: except ? 'Log out the others' : 'Log out everywhere',
      danger: true
    })
    if (!ok) return
    const { deleted } = await client.logoutUser(except ? { id: user.id, except } : { id: user.id })
    toast.show('success', `${who}: ${plural(deleted, 'session')} deleted${except ? ', this one kept' : ''}`)
    if (except) load()
    else onDeleted()
  }

  return (
    <div className="user-sessions">
      <div className="action-row" role="group" aria-label={`Sessions of ${who}`}>
        <AsyncButton size="small" variant="danger" onClick={() => logout(undefined)} disabled={!view}>
          Log out everywhere
        </AsyncButton>
        <AsyncButton size="small" onClick={() => logout(current)} disabled={!view || others === 0} title={others === 0 ? 'This is their only session' : undefined}>
          Log out the others
        </AsyncButton>
      </div>
      {error && <div className="inline-note inline-note-danger">Cannot list the sessions of {who}: {error}</div>}
      {view && (
        <table className="user-sessions-table" aria-label={`Every session of ${who}`}>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Browser</th>
              <th scope="col">Last request</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {view.sessions.map((s) => (
              <tr key={s.key} className={s.key === current ? 'user-session-current' : undefined}>
                <td className="mono">
                  {s.key === current ? (
                    <span title={s.key}>this one</span>
                  ) : (
                    <a className="key-link" href={`#/sessions/${encodeURIComponent(s.key)}`} title={s.key}>
                      {s.key.slice(0, 8)}…
                    </a>
                  )}
                </td>
                <td title={s.browser?.userAgent}>{s.browser ? s.browser.displayName : <span className="faint">not seen</span>}</td>
                <td>{s.lastRequest ? <EngineTime iso={s.lastRequest} show="relative" /> : <span className="faint">—</span>}</td>
                <td>
                  <Countdown session={s} nowMs={engineMs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
