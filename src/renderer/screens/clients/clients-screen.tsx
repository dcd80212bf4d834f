// Clients: the browser profiles talking through the proxy (recognised by its si_client
// cookie), live, with their mirrored cookies, a name, and a browser close for each (#/clients/ID).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { ClientInfo } from '../../../shared/api'
import { useAppState, useEngineNow } from '../../app/app-state'
import { EmptyState } from '../../components/empty-state'
import { EngineTime } from '../../components/engine-time'
import { GridHead } from '../../components/grid-head'
import { IconClients, IconRefresh } from '../../components/icons'
import { Spinner } from '../../components/spinner'
import { plural } from '../../lib/format'
import { gridMove, pageOf } from '../../lib/grid-keys'
import { summariseUserAgent } from '../../../shared/client-name'
import type { ScreenDefinition, ScreenProps } from '../screen'
import { cookieStateAt } from './client-cookies'
import { ClientDetail } from './client-detail'
import { useClients } from './use-clients'

/** The clients grid's row height (clients.css): for page keys. */
const CLIENT_ROW_HEIGHT = 30

const COLUMNS = ['Name', 'Browser', 'Session', 'Cookies', 'Requests', 'Last seen', 'First seen'] as const

function cookieSummary(c: ClientInfo, engineMs: number): string {
  let live = 0
  let gone = 0
  for (const k of c.cookies) {
    if (cookieStateAt(k, engineMs) === 'live') live++
    else gone++
  }
  return gone ? `${live} live · ${gone} gone` : `${live} live`
}

function ClientsScreen({ param }: ScreenProps) {
  const { status } = useAppState()
  const { engineMs } = useEngineNow()
  const data = useClients()
  const [selectedId, setSelectedId] = useState<string | null>(param)
  const gridRef = useRef<HTMLDivElement>(null)
  const openId = param
  const opened = openId === null ? null : (data.byId.get(openId) ?? null)

  useEffect(() => {
    if (param) setSelectedId(param)
  }, [param])

  const open = (id: string) => {
    setSelectedId(id)
    window.location.hash = `#/clients/${encodeURIComponent(id)}`
  }
  const close = () => {
    window.location.hash = '#/clients'
    gridRef.current?.focus()
  }
  const selectedIndex = selectedId === null ? -1 : data.clients.findIndex((c) => c.id === selectedId)
  const onGridKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const to = gridMove(event.key, selectedIndex, data.clients.length, pageOf(gridRef.current?.clientHeight, CLIENT_ROW_HEIGHT))
    if (to !== null) {
      event.preventDefault()
      const c = data.clients[to] as ClientInfo
      setSelectedId(c.id)
      document.getElementById(`client-row-${c.id}`)?.scrollIntoView?.({ block: 'nearest' })
    } else if (event.key === 'Enter' && selectedId !== null && selectedIndex !== -1) {
      event.preventDefault()
      open(selectedId)
    }
  }
  const onKeyDown = (event: KeyboardEvent) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target as HTMLElement).tagName)
    if (event.key === 'Escape' && openId !== null && !typing) {
      event.preventDefault()
      close()
    }
  }

  return (
    <section className="screen clients-screen" aria-labelledby="clients-title" onKeyDown={onKeyDown}>
      <div className="screen-toolbar">
        <h1 id="clients-title" className="screen-title">Clients</h1>
        <span className="toolbar-count" aria-live="polite">
          {data.loading ? <Spinner label="Loading clients" /> : plural(data.clients.length, 'browser')}
        </span>
        <div className="header-spacer" />
        <button type="button" className="icon-button" aria-label="Reload the client list" title="Reload" onClick={data.reload}>
          <IconRefresh />
        </button>
      </div>
      {data.error && (
        <div className="inline-note inline-note-danger" role="alert">
          Cannot list clients: {data.error}
        </div>
      )}
      <div className={`split${openId !== null ? ' split-open' : ''}`}>
        <div className="split-main">
          {!data.loading && data.clients.length === 0 ? (
            <EmptyState title="No browser has come through the proxy yet">
              Open <span className="mono">{status?.proxyUrl ?? 'the proxy URL'}</span>: each browser profile is recognised by a cookie of the proxy's own
              and listed here with the cookies it holds.
            </EmptyState>
          ) : (
            <div
              ref={gridRef}
              className="sessions-grid clients-grid"
              role="grid"
              aria-label="Clients"
              aria-rowcount={data.clients.length + 1}
              aria-activedescendant={selectedId && selectedIndex !== -1 ? `client-row-${selectedId}` : undefined}
              tabIndex={0}
              onKeyDown={onGridKey}
            >
              <GridHead columns={COLUMNS} />
              {data.clients.map((c, i) => (
                <div
                  key={c.id}
                  id={`client-row-${c.id}`}
                  role="row"
                  aria-rowindex={i + 2}
                  aria-selected={c.id === selectedId}
                  className={`grid-row${c.id === selectedId ? ' grid-row-selected' : ''}`}
                  onClick={() => open(c.id)}
                >
                  <div role="gridcell" className="grid-cell" title={c.name.trim() ? undefined : `Unnamed: named after its User-Agent and id ${c.id}`}>
                    {c.displayName}
                  </div>
                  <div role="gridcell" className="grid-cell" title={c.userAgent}>
                    {summariseUserAgent(c.userAgent)}
                  </div>
                  <div role="gridcell" className="grid-cell mono" title={c.sessionKey ?? undefined}>
                    {c.sessionKey ? c.sessionKey.slice(0, 12) : <span className="faint">—</span>}
                  </div>
                  <div role="gridcell" className="grid-cell">
                    {cookieSummary(c, engineMs)}
                  </div>
                  <div role="gridcell" className="grid-cell cell-time">
                    {c.requestCount.toLocaleString('en-US')}
                  </div>
                  <div role="gridcell" className="grid-cell cell-time">
                    <EngineTime iso={c.lastSeen} show="relative" />
                  </div>
                  <div role="gridcell" className="grid-cell cell-time">
                    <EngineTime iso={c.firstSeen} show="relative" />
                  </div>
                </div>
              ))}
            </div>
          )}
        </div>
        {openId !== null &&
          (opened ? (
            <ClientDetail key={opened.id} client={opened} onRenamed={data.applyLocal} onClosed={data.reload} onClose={close} />
          ) : (
            !data.loading && (
              <aside className="detail" aria-label="Browser not found">
                <div className="detail-body">
                  <div className="inline-note">No browser with the id {openId} is known to the proxy.</div>
                </div>
              </aside>
            )
          ))}
      </div>
    </section>
  )
}

export const clientsScreen: ScreenDefinition = {
  id: 'clients',
  label: 'Clients',
  icon: IconClients,
  component: ClientsScreen
}
