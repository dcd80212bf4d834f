// Observe mode's kill -9 scenario at 'test' scale (issue 18): a few rounds per observed store
// (SQLite, PostgreSQL, MariaDB, Redis in both formats, memcached, files); `npm run bench:faults`
// runs 20 rounds per store for the README's figures.
import { defineScenarioTests } from './scenario-tests'
import { scenarios } from './scenarios/observe-durability'

defineScenarioTests(scenarios, 600_000)
