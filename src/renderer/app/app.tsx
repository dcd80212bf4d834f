// The inspector UI for one API client: providers around the shell.
import type { ApiClient } from '../api/api-client'
import { ConfirmProvider } from '../components/confirm'
import { ToastProvider } from '../components/toast'
import { AppStateProvider } from './app-state'
import { ClientProvider } from './client-context'
import { Shell } from './shell'

export function App({ client }: { client: ApiClient }) {
  return (
    <ClientProvider client={client}>
      <ToastProvider>
        <ConfirmProvider>
          <AppStateProvider>
            <Shell />
          </AppStateProvider>
        </ConfirmProvider>
      </ToastProvider>
    </ClientProvider>
  )
}
