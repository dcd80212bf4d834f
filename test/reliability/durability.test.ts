// The kill -9 scenario at 'test' scale (issue 13): one round per persisting store, every figure
// within its bound; and a control run showing the check does see loss, on a store that keeps
// nothing across a restart (the cache engine on locmem).
import { describe, expect, it } from 'vitest'
import { defineScenarioTests } from './scenario-tests'
import { startDurabilityApp } from './support/durability-app'
import { runStore, scenarios } from './scenarios/durability'

defineScenarioTests(scenarios, 180_000)

describe('the durability check', () => {
  it('counts the sessions a store that keeps nothing loses at kill -9 (cache on locmem)', { timeout: 60_000 }, async () => {
    const app = await startDurabilityApp()
    try {
      const t = await runStore('cache (locmem)', { rounds: 1, clients: 8, killAfterMs: [600, 900], leastSessions: 10 }, app.url, null, () => undefined)
      expect(t.received).toBeGreaterThan(0)
      expect(t.missing).toBe(t.received)
      expect(t.corrupt + t.stale).toBe(0)
    } finally {
      await app.close()
    }
  })
})
