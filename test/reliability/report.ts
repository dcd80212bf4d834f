// Prints scenario results as the table the README's Reliability section quotes.
import type { Scenario, ScenarioResult } from './scenarios/types'

export function formatResult(scenario: Scenario, result: ScenarioResult, seconds: number): string {
  const lines = [`${scenario.title} (${scenario.id}): ${result.ran}, ${seconds.toFixed(1)} s`]
  const width = Math.max(...result.figures.map((f) => f.name.length), 10)
  for (const f of result.figures) {
    const value = `${Number.isInteger(f.value) ? f.value.toLocaleString('en-US') : f.value.toFixed(2)}${f.unit ? ` ${f.unit}` : ''}`
    lines.push(`  ${f.ok ? 'ok  ' : 'FAIL'} ${f.name.padEnd(width)}  ${value.padStart(14)}   (${f.bound})`)
  }
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`)
  return lines.join('\n')
}
