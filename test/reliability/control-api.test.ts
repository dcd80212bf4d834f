// The control API scenario at 'test' scale (issue 13): every figure within its bound.
import { describe, expect, it } from 'vitest'
import { formatResult } from './report'
import { scenarios } from './scenarios/control-api'

describe.each(scenarios)('$title', (scenario) => {
  it('holds every figure at test scale', { timeout: 120_000 }, async () => {
    const started = performance.now()
    const result = await scenario.run({ scale: 'test' })
    const report = formatResult(scenario, result, (performance.now() - started) / 1000)
    console.log(report)
    expect(result.figures.filter((f) => !f.ok).map((f) => `${f.name} = ${f.value} (${f.bound})`), report).toEqual([])
  })
})
