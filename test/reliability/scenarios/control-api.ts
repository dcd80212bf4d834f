// Filled in by its own change; see types.ts.
import type { Scenario } from './types'

export const scenarios: Scenario[] = []
