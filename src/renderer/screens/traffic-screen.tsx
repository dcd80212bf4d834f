// Traffic: every request through the proxy and what happened to its session (placeholder).
import { IconTraffic } from '../components/icons'
import { PlaceholderScreen } from './placeholder-screen'
import type { ScreenDefinition } from './screen'

export const trafficScreen: ScreenDefinition = {
  id: 'traffic',
  label: 'Traffic',
  icon: IconTraffic,
  component: () => (
    <PlaceholderScreen
      title="Traffic"
      description="Every request through the proxy, with the session before and after, the Set-Cookie sent and why."
    />
  )
}
