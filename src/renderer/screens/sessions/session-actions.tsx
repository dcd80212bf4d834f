// What can be done to one session: jump the clock to its expiry, expire it now, delete it.
import type { SessionInfo } from '../../../shared/api'
import { clockBoundError } from '../../../shared/clock-bounds'
import { useAppState, useEngineNow } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { useConfirm } from '../../components/confirm'
import { IconTrash } from '../../components/icons'
import { formatDateTime, formatDuration, isoToMs } from '../../lib/format'

export function SessionActions({ session, onUpdated, onDeleted }: { session: SessionInfo; onUpdated(s: SessionInfo): void; onDeleted(): void }) {
  const client = useClient()
  const confirm = useConfirm()
  const { applyClock, clock } = useAppState()
  const { engineMs } = useEngineNow()
  const expireAt = isoToMs(session.expireDate)
  const remaining = expireAt === null ? null : (expireAt - engineMs) / 1000
  // One second past the expiry, so that every store agrees it is over (expiry is "not after now").
  const jump = async () => {
    if (expireAt === null) return
    const refused = clockBoundError(clock?.bounds, expireAt + 1000)
    if (refused) throw new Error(refused)
    applyClock(await client.setClock({ now: new Date(expireAt + 1000).toISOString() }))
  }
  const remove = async () => {
    const ok = await confirm({
      title: 'Delete this session?',
      message: (
        <>
          <code>{session.key}</code> is removed from the store. A browser still holding its cookie gets an empty session
          on its next request.
        </>
      ),
      confirmLabel: 'Delete session',
      danger: true
    })
    if (!ok) return
    await client.deleteSession({ key: session.key })
    onDeleted()
  }
  return (
    <div className="action-row" role="group" aria-label="Session actions">
      <AsyncButton
        size="small"
        disabled={remaining === null || remaining <= 0}
        onClick={jump}
        title={
          expireAt === null
            ? 'This store does not know the expiry date'
            : remaining !== null && remaining > 0
              ? `Set the engine clock to ${formatDateTime(expireAt + 1000)}: ${formatDuration(remaining + 1)} ahead`
              : 'The expiry is already past on the engine clock'
        }
      >
        Jump clock to expiry
      </AsyncButton>
      <AsyncButton size="small" onClick={async () => onUpdated(await client.expireSession({ key: session.key }))} title="Make it expired at the engine's now (the row stays until clear_expired)">
        Expire now
      </AsyncButton>
      <AsyncButton size="small" variant="danger" onClick={remove}>
        <IconTrash />
        Delete
      </AsyncButton>
    </div>
  )
}
