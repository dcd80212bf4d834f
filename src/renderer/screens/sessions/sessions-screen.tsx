// Sessions: the store's sessions, paged as the table scrolls, live, with a detail pane for the selected one.
import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { SessionInfo, SessionSearch } from '../../../shared/api'
import { useAppState, useEngineNow } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { EmptyState } from '../../components/empty-state'
import { IconRefresh, IconSessions } from '../../components/icons'
import { SearchBox } from '../../components/search-box'
import { Spinner } from '../../components/spinner'
import { useToast } from '../../components/toast'
import { clientNameFor } from '../../lib/client-names'
import { formatDuration, isoToMs, plural } from '../../lib/format'
import { sessionMatches } from '../../lib/session-state'
import type { ScreenDefinition, ScreenProps } from '../screen'
import { SessionDetail } from './session-detail'
import { SessionsTable } from './sessions-table'
import { useClientNames } from './use-client-names'
import { useStoreSearch } from './use-session-search'
import { useSessions, type SessionsData } from './use-sessions'
import { matchesUser, UserFilter, useUserSessions } from './user-filter'

function SessionsScreen({ param }: ScreenProps) {
  const client = useClient()
  const toast = useToast()
  const { status } = useAppState()
  const data = useSessions()
  const clientNames = useClientNames()
  const [search, setSearch] = useState('')
  const [user, setUser] = useState('')
  const needle = useDeferredValue(search.trim().toLowerCase())
  const [selectedKey, setSelectedKey] = useState<string | null>(null)
  const [detailOpen, setDetailOpen] = useState(false)
  const tableRef = useRef<HTMLDivElement>(null)
  // #/sessions/KEY (from Traffic, the timeline, Clients) opens that session's detail.
  useEffect(() => {
    if (param) {
      setSelectedKey(param)
      setDetailOpen(true)
    }
  }, [param])

  // The loaded pages are filtered at once; while the store holds more than them, the search
  // also runs over the whole store (key prefix through the API, data in the background).
  const complete = !data.loading && !data.hasMore
  const store = useStoreSearch(needle, !complete && !data.unsupported)
  const byUser = useUserSessions(user, !complete && !data.unsupported)
  const rows = useMemo(() => {
    if (!needle && !user) return data.rows
    const keep = (s: SessionInfo) => (!needle || sessionMatches(s, needle)) && matchesUser(s, user)
    const local = data.rows.filter(keep)
    const extra = [...(needle ? [...(store.byKey ?? []), ...(store.search?.matches ?? [])] : []), ...(byUser?.rows ?? [])].filter(keep)
    if (extra.length === 0) return local
    const seen = new Set(local.map((s) => s.key))
    return [...local, ...extra.filter((s) => !seen.has(s.key) && (seen.add(s.key), true))]
  }, [data.rows, needle, user, store.byKey, store.search, byUser])
  const selected = selectedKey === null ? null : (rows.find((s) => s.key === selectedKey) ?? data.rows.find((s) => s.key === selectedKey) ?? null)

  const open = (key: string) => {
    setSelectedKey(key)
    setDetailOpen(true)
  }
  const close = () => {
    setDetailOpen(false)
    tableRef.current?.querySelector<HTMLElement>('[role="grid"]')?.focus()
  }
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)
    if (event.key === 'Escape' && detailOpen && !typing) {
      event.preventDefault()
      close()
    }
  }
  const updated = (session: SessionInfo) => data.applyLocal({ key: session.key, change: session.expired ? 'expired' : 'saved', session })
  const clearExpired = async () => {
    const { removed } = await client.clearExpired({})
    toast.show('success', `clear_expired(): ${removed === 0 ? 'no sessions' : plural(removed, 'session')} removed`)
    data.reload()
  }

  return (
    <section className="screen sessions-screen" aria-labelledby="sessions-title" onKeyDown={onKeyDown}>
      <div className="screen-toolbar">
        <h1 id="sessions-title" className="screen-title">Sessions</h1>
        <SearchBox label="Filter sessions by key or data" placeholder="Filter by key or data" value={search} onChange={setSearch} />
        <UserFilter rows={data.rows} value={user} onChange={setUser} />
        <span className="toolbar-count" aria-live="polite">
          {data.loading ? <Spinner label="Loading sessions" /> : <CountLabel data={data} needle={needle} filtered={Boolean(needle || user)} shown={rows.length} complete={complete} search={store.search} />}
        </span>
        {needle && store.search && !store.search.done && (
          <button type="button" className="button button-small" onClick={store.cancel}>
            Cancel search
          </button>
        )}
        <div className="header-spacer" />
        <AsyncButton size="small" onClick={clearExpired} title="Delete expired sessions from the store, as Django's clearsessions does">
          Clear expired
        </AsyncButton>
        <button type="button" className="icon-button" aria-label="Reload the session list" title="Reload" onClick={data.reload}>
          <IconRefresh />
        </button>
      </div>
      {store.error && (
        <div className="inline-note inline-note-danger" role="alert">
          Cannot search the store: {store.error}
        </div>
      )}
      {data.error && (
        <div className="inline-note inline-note-danger" role="alert">
          Cannot list sessions: {data.error}
        </div>
      )}
      <SavedAheadNote rows={data.rows} />
      {data.note && (
        <div className="inline-note inline-note-info" role="note">
          {data.note}
        </div>
      )}
      <div className={`split${detailOpen && selectedKey ? ' split-open' : ''}`}>
        <div className="split-main" ref={tableRef}>
          {data.unsupported ? (
            <EmptyState title="This engine cannot list its sessions">{data.unsupported}</EmptyState>
          ) : !data.loading && data.rows.length === 0 ? (
            <EmptyState title="No sessions yet">
              Open <span className="mono">{status?.proxyUrl ?? 'the proxy URL'}</span> to start a session.
            </EmptyState>
          ) : !data.loading && rows.length === 0 && (complete || !needle || store.search?.done) ? (
            <EmptyState title="No session matches">{needle ? <>Nothing in a key or in the data contains “{search.trim()}”.</> : complete ? 'No session of this user.' : 'No session of this user in the pages loaded so far.'}</EmptyState>
          ) : (
            <SessionsTable
              rows={rows}
              selectedKey={selectedKey}
              clientNames={clientNames}
              complete={Boolean(needle) || !data.hasMore}
              onSelect={setSelectedKey}
              onOpen={open}
              onEndReached={data.loadMore}
            />
          )}
        </div>
        {detailOpen && selectedKey && !data.loading && (
          <SessionDetail
            key={selectedKey}
            sessionKey={selectedKey}
            session={selected}
            clientName={clientNameFor(selected?.clientId ?? null, clientNames)}
            onUpdated={updated}
            onDeleted={() => {
              data.applyLocal({ key: selectedKey, change: 'deleted', session: null })
              close()
            }}
            onClose={close}
          />
        )}
      </div>
    </section>
  )
}

/** How many sessions, as true as the store can say: the count, the matches, "so far" until a search is done. */
function CountLabel({ data, needle, filtered, shown, complete, search }: { data: SessionsData; needle: string; filtered: boolean; shown: number; complete: boolean; search: SessionSearch | null }) {
  const total = data.total === null ? null : `${data.totalExact ? '' : '~'}${data.total.toLocaleString('en-US')}`
  if (filtered && !needle) return <>{`${plural(shown, 'match', 'matches')} of ${data.rows.length.toLocaleString('en-US')}${complete ? '' : ' loaded so far'}`}</>
  if (!needle) {
    if (data.total === null) return <>{plural(data.rows.length, 'session')} loaded</>
    return <>{data.totalExact ? plural(data.total, 'session') : `~${plural(data.total, 'session')} (estimate)`}</>
  }
  if (complete) return <>{`${plural(shown, 'match', 'matches')} of ${data.rows.length.toLocaleString('en-US')}`}</>
  if (!search) return <>{`${plural(shown, 'match', 'matches')} so far (searching…)`}</>
  const read = `${search.scanned.toLocaleString('en-US')}${total ? ` of ${total}` : ''} read`
  if (!search.done) return <>{`${plural(search.matched, 'match', 'matches')} so far · ${read}`}</>
  if (search.cancelled) return <>{`${plural(search.matched, 'match', 'matches')} so far (cancelled after ${read})`}</>
  if (search.error) return <>{`${plural(search.matched, 'match', 'matches')} so far (stopped: ${search.error})`}</>
  const capped = search.matched > search.matches.length ? ` (showing the first ${search.matches.length.toLocaleString('en-US')})` : ''
  return <>{`${plural(search.matched, 'match', 'matches')} of ${plural(search.scanned, 'session')}${search.exact ? ' (exact)' : ' (so far)'}${capped}`}</>
}

/**
 * Says so when sessions were last saved after now on the engine clock (see secondsSavedAhead):
 * their save times come from a clock that has gone back since. Its own component, so that
 * only it follows the one-second tick.
 */
function SavedAheadNote({ rows }: { rows: SessionInfo[] }) {
  const { engineMs } = useEngineNow()
  const saves = useMemo(() => {
    const out: number[] = []
    for (const s of rows) {
      const at = isoToMs(s.savedAt)
      if (at !== null) out.push(at)
    }
    return out
  }, [rows])
  let count = 0
  let latest = -Infinity
  for (const at of saves) {
    if (at - engineMs >= 1000) {
      count++
      if (at > latest) latest = at
    }
  }
  if (count === 0) return null
  return (
    <div className="inline-note inline-note-warn" role="note" data-testid="saved-ahead-banner">
      {count === 1 ? '1 session was' : `${plural(count, 'session')} were`} saved on the advanced clock, up to{' '}
      {formatDuration(Math.round((latest - engineMs) / 1000), 1)} after now: the engine clock has gone back since (reset or set
      earlier). Their save times stay as they were and their expiry counts from then, so sessions that had expired on the
      advanced clock are active again on this one.
    </div>
  )
}

export const sessionsScreen: ScreenDefinition = {
  id: 'sessions',
  label: 'Sessions',
  icon: IconSessions,
  component: SessionsScreen
}
