// Every screen of the inspector, in navigation order. A new screen is one module in this
// folder exporting a ScreenDefinition, plus one line here.
import { clientsScreen } from './clients/clients-screen'
import type { ScreenDefinition } from './screen'
import { sessionsScreen } from './sessions/sessions-screen'
import { settingsScreen } from './settings/settings-screen'
import { timelineScreen } from './timeline/timeline-screen'
import { trafficScreen } from './traffic/traffic-screen'

export const SCREENS: readonly ScreenDefinition[] = [sessionsScreen, trafficScreen, timelineScreen, clientsScreen, settingsScreen]

export const DEFAULT_SCREEN = sessionsScreen.id
