// Entry of the inspector window: picks the host (Electron bridge or control server) and renders.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { resolveClient } from './api/client'
import { App } from './app/app'
import { ConnectHelp } from './app/connect-help'
import './styles/theme.css'
import './styles/base.css'
import './styles/layout.css'
import './styles/components.css'
import './styles/sessions.css'
import './styles/settings.css'
import './styles/traffic.css'
import './styles/timeline.css'
import './styles/clients.css'

const container = document.getElementById('root')
if (container) {
  const resolved = resolveClient(window)
  createRoot(container).render(
    <StrictMode>{resolved.kind === 'client' ? <App client={resolved.client} /> : <ConnectHelp />}</StrictMode>
  )
}
