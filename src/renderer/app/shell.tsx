// The window's layout: header, navigation rail, the current screen, banners.
import { ApiError } from '../../shared/errors'
import { Header } from '../header/header'
import { DEFAULT_SCREEN, SCREENS } from '../screens/registry'
import { Spinner } from '../components/spinner'
import { useAppState } from './app-state'
import { ConnectHelp } from './connect-help'
import { ConnectionBanner } from './connection-banner'
import { routeHash, useRoute } from './use-route'

export function Shell() {
  const { status, loadError, reload } = useAppState()
  const [route] = useRoute(DEFAULT_SCREEN)
  if (loadError instanceof ApiError && loadError.code === 'unauthorized') return <ConnectHelp refused />
  const screen = SCREENS.find((s) => s.id === route.screen) ?? SCREENS.find((s) => s.id === DEFAULT_SCREEN)
  if (!screen) return null
  const Screen = screen.component
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      {loadError && !status && (
        <div className="banner banner-danger" role="alert">
          Cannot load the inspector's state: {loadError.message}
          <button type="button" className="button button-small" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      <div className="app-body">
        <nav className="rail" aria-label="Screens">
          {SCREENS.map((s) => {
            const Icon = s.icon
            const current = s.id === screen.id
            return (
              <a
                key={s.id}
                href={routeHash(s.id)}
                className={`rail-item${current ? ' rail-item-current' : ''}${s.footer ? ' rail-item-footer' : ''}`}
                aria-current={current ? 'page' : undefined}
              >
                <Icon />
                <span>{s.label}</span>
              </a>
            )
          })}
        </nav>
        <main className="app-main">
          {status ? <Screen param={route.param} /> : <div className="loading"><Spinner label="Loading" /> Loading…</div>}
        </main>
      </div>
    </div>
  )
}
