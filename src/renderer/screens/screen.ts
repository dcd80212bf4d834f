// What a screen module provides to the shell: its place in the navigation and its component.
import type { ComponentType } from 'react'

export interface ScreenProps {
  /** The part of the route after the screen id (#/traffic/42 → "42"), or null. */
  param: string | null
}

export interface ScreenDefinition {
  /** The route: #/<id>. */
  id: string
  label: string
  icon: ComponentType
  component: ComponentType<ScreenProps>
  /** Drawn at the bottom of the rail (Settings). */
  footer?: boolean
}
