// Upstream faults at 'test' scale (issue 13).
import { defineScenarioTests } from './scenario-tests'
import { scenarios } from './scenarios/upstream-faults'

defineScenarioTests(scenarios, 90_000)
