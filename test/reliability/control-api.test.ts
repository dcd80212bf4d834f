// The control API scenario (hostile requests, every way around the token) at 'test' scale (issue 13).
import { defineScenarioTests } from './scenario-tests'
import { scenarios } from './scenarios/control-api'

defineScenarioTests(scenarios, 120_000)
