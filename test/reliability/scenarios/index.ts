// Every reliability scenario, in the order the report prints them. Each module exports
// `scenarios: Scenario[]`.
import type { Scenario } from './types'
import { scenarios as proxyInput } from './proxy-input'
import { scenarios as upstreamFaults } from './upstream-faults'
import { scenarios as concurrency } from './concurrency'
import { scenarios as controlApi } from './control-api'
import { scenarios as durability } from './durability'
import { scenarios as observeDurability } from './observe-durability'

export const allScenarios: Scenario[] = [...proxyInput, ...upstreamFaults, ...controlApi, ...durability, ...observeDurability, ...concurrency]
