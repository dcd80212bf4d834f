// The upstream-faults reliability scenario at 'test' scale (bench/faults.ts runs it at 'bench' scale for
// the README's figures): every figure must hold its bound. Uses the built CLI (npm run build).
import { expect, it } from 'vitest'
import { formatResult } from './report'
import { scenarios } from './scenarios/upstream-faults'

for (const scenario of scenarios) {
  it(`${scenario.title}: every figure within its bound`, { timeout: 90000 }, async () => {
    const started = performance.now()
    const result = await scenario.run({ scale: 'test' })
    console.log(formatResult(scenario, result, (performance.now() - started) / 1000))
    expect(result.figures.filter((f) => !f.ok).map((f) => `${f.name}: ${f.value} (${f.bound})`)).toEqual([])
    expect(result.figures.length).toBeGreaterThan(0)
  })
}
