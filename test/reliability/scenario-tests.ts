// The test of a scenario module (test/reliability/*.test.ts): each scenario at 'test' scale,
// every figure within its bound, its report printed. bench/faults.ts runs the same at 'bench'
// scale for the README's figures. The scenarios use the built CLI (npm run build).
import { describe, expect, it } from 'vitest'
import { formatResult } from './report'
import type { Scenario } from './scenarios/types'

export function defineScenarioTests(scenarios: Scenario[], timeoutMs: number): void {
  describe.each(scenarios)('$title', (scenario) => {
    it('holds every figure at test scale', { timeout: timeoutMs }, async () => {
      const started = performance.now()
      const result = await scenario.run({ scale: 'test' })
      const report = formatResult(scenario, result, (performance.now() - started) / 1000)
      console.log(report)
      expect(result.figures.length, 'a scenario that counts nothing proves nothing').toBeGreaterThan(0)
      expect(result.figures.filter((f) => !f.ok).map((f) => `${f.name} = ${f.value} (${f.bound})`), report).toEqual([])
    })
  })
}
