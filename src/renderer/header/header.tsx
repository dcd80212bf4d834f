// The header, always visible: the proxy route, the engine clock and the simulation controls.
import { useAppState } from '../app/app-state'
import { ClockControls } from './clock-controls'
import { ClockDisplay } from './clock-display'
import { CloseBrowserButton } from './close-browser-button'
import { DjangoVersion } from './django-version'
import { ProxyRoute } from './proxy-route'

export function Header() {
  const { status } = useAppState()
  return (
    <header className="app-header">
      <div className="header-row">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Session Inspector
        </div>
        {status ? <ProxyRoute status={status} /> : <span className="muted">Connecting…</span>}
        {status && <DjangoVersion status={status} />}
        <div className="header-spacer" />
        <CloseBrowserButton />
      </div>
      <div className="header-row header-clock">
        <ClockDisplay />
        <div className="header-spacer" />
        <ClockControls />
      </div>
    </header>
  )
}
