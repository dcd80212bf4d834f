// Bad input through the proxy at 'test' scale (issue 13).
import { defineScenarioTests } from './scenario-tests'
import { scenarios } from './scenarios/proxy-input'

defineScenarioTests(scenarios, 120_000)
