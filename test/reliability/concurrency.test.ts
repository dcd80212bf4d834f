// The concurrency scenario (200 connections writing their sessions) at 'test' scale (issue 13).
import { defineScenarioTests } from './scenario-tests'
import { scenarios } from './scenarios/concurrency'

defineScenarioTests(scenarios, 60_000)
