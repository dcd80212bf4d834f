// Clients: the browser profiles talking through the proxy and their cookies (placeholder).
import { IconClients } from '../components/icons'
import { PlaceholderScreen } from './placeholder-screen'
import type { ScreenDefinition } from './screen'

export const clientsScreen: ScreenDefinition = {
  id: 'clients',
  label: 'Clients',
  icon: IconClients,
  component: () => (
    <PlaceholderScreen
      title="Clients"
      description="The browser profiles seen by the proxy, their mirrored cookies on the engine clock, and a browser close for each."
    />
  )
}
