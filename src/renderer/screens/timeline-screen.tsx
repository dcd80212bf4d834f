// Timeline: one session's history across requests (placeholder).
import { IconTimeline } from '../components/icons'
import { PlaceholderScreen } from './placeholder-screen'
import type { ScreenDefinition } from './screen'

export const timelineScreen: ScreenDefinition = {
  id: 'timeline',
  label: 'Timeline',
  icon: IconTimeline,
  component: () => (
    <PlaceholderScreen title="Timeline" description="A session's life on the engine clock: created, modified, cycled, expired, request by request." />
  )
}
