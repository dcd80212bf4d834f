// Traffic: every request through the proxy, live, with what happened to its session and
// why; filters, pause, clear, HAR export, and a detail pane (#/traffic/42). A session's
// history is the same list filtered by its key (#/traffic/session/KEY).
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { SESSION_EFFECTS, type SessionEffect } from '../../../shared/api'
import { useAppState } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { useConfirm } from '../../components/confirm'
import { EmptyState } from '../../components/empty-state'
import { IconClose, IconPlay, IconTraffic, IconTrash } from '../../components/icons'
import { SearchBox } from '../../components/search-box'
import { Spinner } from '../../components/spinner'
import { useToast } from '../../components/toast'
import { plural } from '../../lib/format'
import {
  EFFECT_LABEL, isFiltered, matchesLocal, NO_FILTER, parseTrafficParam, serverInput, STATUS_CLASSES, trafficHash, type StatusClass, type TrafficFilter
} from '../../lib/traffic'
import { useClients } from '../clients/use-clients'
import type { ScreenDefinition, ScreenProps } from '../screen'
import { buildHarExport, collectIds, downloadJson, harFileName } from './har-export'
import { TrafficDetail } from './traffic-detail'
import { TrafficTable } from './traffic-table'
import { useTraffic } from './use-traffic'

const SEARCH_DELAY_MS = 250
/** Pages are fetched by themselves while a local filter shows fewer rows than this. */
const AUTO_FILL = 40
/** …but not beyond this many loaded rows: then the person asks for more. */
const AUTO_FILL_LIMIT = 10_000

function TrafficScreen({ param }: ScreenProps) {
  const api = useClient()
  const toast = useToast()
  const confirm = useConfirm()
  const { status } = useAppState()
  const route = parseTrafficParam(param)
  const [searchText, setSearchText] = useState('')
  const [search, setSearch] = useState('')
  const [statusClass, setStatusClass] = useState<StatusClass | ''>('')
  const [effect, setEffect] = useState<SessionEffect | ''>('')
  const [onlyChanges, setOnlyChanges] = useState(false)
  const [selectedId, setSelectedId] = useState<number | null>(route.openId)
  const tableRef = useRef<HTMLDivElement>(null)
  const clients = useClients()
  const names = useMemo(() => new Map(clients.clients.map((c) => [c.id, c.displayName])), [clients.clients])

  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim()), SEARCH_DELAY_MS)
    return () => clearTimeout(t)
  }, [searchText])
  useEffect(() => {
    if (route.openId !== null) setSelectedId(route.openId)
  }, [route.openId])

  const filter: TrafficFilter = { search, status: statusClass, effect, onlyChanges, sessionKey: route.sessionKey }
  const data = useTraffic(serverInput(filter))
  const rows = useMemo(() => {
    const local = { ...NO_FILTER, status: statusClass, onlyChanges }
    return statusClass || onlyChanges ? data.rows.filter((e) => matchesLocal(e, local)) : data.rows
  }, [data.rows, statusClass, onlyChanges])
  const localFilter = Boolean(statusClass || onlyChanges)
  const { hasMore, loading, loadingMore, loadMore } = data
  useEffect(() => {
    if (localFilter && !loading && !loadingMore && hasMore && rows.length < AUTO_FILL && data.rows.length < AUTO_FILL_LIMIT) loadMore()
  }, [localFilter, loading, loadingMore, hasMore, rows.length, data.rows.length, loadMore])

  const navigate = (openId: number | null) => {
    window.location.hash = trafficHash({ sessionKey: route.sessionKey, openId })
  }
  const open = (id: number) => {
    setSelectedId(id)
    navigate(id)
  }
  const close = () => {
    navigate(null)
    tableRef.current?.querySelector<HTMLElement>('[role="grid"]')?.focus()
  }
  const onKeyDown = (event: KeyboardEvent) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target as HTMLElement).tagName)
    if (event.key === 'Escape' && route.openId !== null && !typing) {
      event.preventDefault()
      close()
    }
  }
  const onEndReached = useCallback(() => {
    if (data.rows.length < AUTO_FILL_LIMIT || !localFilter) loadMore()
  }, [data.rows.length, localFilter, loadMore])

  const clear = async () => {
    const ok = await confirm({
      title: 'Clear all traffic?',
      message: 'Every recorded request is removed from the traffic log, whatever the filter shows. Sessions are not touched.',
      confirmLabel: 'Clear traffic',
      danger: true
    })
    if (!ok) return
    const { cleared } = await api.clearTraffic({})
    data.clearLocal()
    if (route.openId !== null) navigate(null)
    toast.show('success', `Traffic cleared: ${plural(cleared, 'request')} removed`)
  }

  const [keepSecrets, setKeepSecrets] = useState(false)
  const exportHar = async () => {
    const filtered = isFiltered(filter)
    const ids = filtered ? await collectIds(api, filter) : undefined
    if (ids?.length === 0) return toast.show('info', 'Nothing to export: no request matches the filter')
    const { har, count } = await buildHarExport(api, ids, !keepSecrets)
    if (count === 0) return toast.show('info', 'Nothing to export: the traffic log is empty')
    const name = harFileName()
    downloadJson(name, har)
    toast.show('success', `Exported ${plural(count, 'request')} to ${name}${keepSecrets ? ' with session cookies and _auth_user_hash unmasked' : ' (session cookies, _auth_user_hash and X-Session* masked)'}`)
  }

  const selected = route.openId === null ? null : (data.rows.find((r) => r.id === route.openId) ?? null)
  const filtered = isFiltered(filter)

  return (
    <section className="screen traffic-screen" aria-labelledby="traffic-title" onKeyDown={onKeyDown}>
      <div className="screen-toolbar">
        <h1 id="traffic-title" className="screen-title">Traffic</h1>
        <SearchBox label="Search requests" placeholder="Search method, path, status, reason, key" value={searchText} onChange={setSearchText} />
        <select className="input input-small" aria-label="Status class" value={statusClass} onChange={(e) => setStatusClass(e.target.value as StatusClass | '')}>
          <option value="">Any status</option>
          {STATUS_CLASSES.map((c) => (
            <option key={c} value={c}>
              {c === 'error' ? 'error (no answer)' : c}
            </option>
          ))}
        </select>
        <select className="input input-small" aria-label="Session effect" value={effect} onChange={(e) => setEffect(e.target.value as SessionEffect | '')}>
          <option value="">Any session effect</option>
          {SESSION_EFFECTS.map((x) => (
            <option key={x} value={x}>
              {EFFECT_LABEL[x]}
            </option>
          ))}
        </select>
        <label className="checkbox">
          <input type="checkbox" checked={onlyChanges} onChange={(e) => setOnlyChanges(e.target.checked)} />
          Only session changes
        </label>
        {route.sessionKey && (
          <span className="filter-chip" title={route.sessionKey}>
            session <span className="mono">{route.sessionKey.slice(0, 12)}{route.sessionKey.length > 12 ? '…' : ''}</span>
            <a className="icon-button" href={trafficHash({ sessionKey: null, openId: null })} aria-label="Show every session's requests" title="Remove the session filter">
              <IconClose />
            </a>
          </span>
        )}
        <span className="toolbar-count" aria-live="polite">
          {data.loading ? (
            <Spinner label="Loading requests" />
          ) : localFilter ? (
            `${plural(rows.length, 'match', 'matches')} in the ${data.hasMore ? `${data.rows.length.toLocaleString('en-US')} newest` : plural(data.rows.length, 'request')}`
          ) : (
            plural(data.total, 'request')
          )}
          {data.loadingMore && <Spinner label="Loading older requests" />}
        </span>
        <div className="header-spacer" />
        {data.paused ? (
          <button type="button" className="button button-small button-primary" aria-pressed="true" onClick={() => data.setPaused(false)} title="Apply the requests that arrived while paused">
            <IconPlay />
            {data.pending > 0 ? `${plural(data.pending, 'new request')} — resume` : 'Resume'}
          </button>
        ) : (
          <button type="button" className="button button-small" aria-pressed="false" onClick={() => data.setPaused(true)} title="Stop applying live requests (they are counted and kept)">
            Pause
          </button>
        )}
        <label className="har-secrets" title="Unchecked, the HAR masks session cookie values, _auth_user_hash and X-Session* payloads: a session cookie logs in as its user">
          <input type="checkbox" checked={keepSecrets} onChange={(e) => setKeepSecrets(e.target.checked)} /> Unmasked
        </label>
        <AsyncButton size="small" onClick={exportHar} title={filtered ? 'Export the requests this filter selects as a HAR file' : 'Export every request as a HAR file'}>
          {filtered ? 'Export filtered HAR' : 'Export HAR'}
        </AsyncButton>
        <AsyncButton size="small" variant="danger" onClick={clear} aria-label="Clear traffic" title="Remove every recorded request">
          <IconTrash />
          Clear
        </AsyncButton>
      </div>
      {data.error && (
        <div className="inline-note inline-note-danger" role="alert">
          Cannot list requests: {data.error}
        </div>
      )}
      <div className={`split${route.openId !== null ? ' split-open split-wide' : ''}`}>
        <div className="split-main" ref={tableRef}>
          {!data.loading && rows.length === 0 ? (
            <TrafficEmpty filtered={filtered} proxyUrl={status?.proxyUrl ?? null} hasMore={data.hasMore} loadingMore={data.loadingMore} onMore={data.loadMore} />
          ) : (
            <TrafficTable
              rows={rows}
              selectedId={selectedId}
              clientNames={names}
              complete={!data.hasMore}
              onSelect={setSelectedId}
              onOpen={open}
              onEndReached={onEndReached}
            />
          )}
        </div>
        {route.openId !== null && <TrafficDetail id={route.openId} summary={selected} clients={clients.byId} onClose={close} />}
      </div>
    </section>
  )
}

function TrafficEmpty({ filtered, proxyUrl, hasMore, loadingMore, onMore }: { filtered: boolean; proxyUrl: string | null; hasMore: boolean; loadingMore: boolean; onMore(): void }) {
  if (!filtered) {
    return (
      <EmptyState title="No requests yet">
        Open <span className="mono">{proxyUrl ?? 'the proxy URL'}</span> in a browser: every request through the proxy appears here
        as it happens.
      </EmptyState>
    )
  }
  return (
    <EmptyState title="No request matches">
      {hasMore ? (
        <>
          None of the requests loaded so far matches.{' '}
          <button type="button" className="link-button" onClick={onMore} disabled={loadingMore}>
            Search older requests
          </button>
        </>
      ) : (
        'No recorded request matches these filters.'
      )}
    </EmptyState>
  )
}

export const trafficScreen: ScreenDefinition = {
  id: 'traffic',
  label: 'Traffic',
  icon: IconTraffic,
  component: TrafficScreen
}
