// The reliability report (npm run bench:faults): runs every scenario of test/reliability at
// 'bench' scale (bad input through the proxy and the control API, upstream faults, kill -9 on
// every persisting store, 200 connections of load) and prints each figure with its bound.
// Exits 1 when a figure misses its bound.
//   node --import tsx bench/faults.ts [--only id[,id…]] [--scale test|bench] [--seed N]
import { parseArgs } from 'node:util'
import { formatResult } from '../test/reliability/report'
import { allScenarios } from '../test/reliability/scenarios'
import type { Scale } from '../test/reliability/scenarios/types'

const { values } = parseArgs({
  options: { only: { type: 'string' }, scale: { type: 'string', default: 'bench' }, seed: { type: 'string' } }
})
const scale = values.scale as Scale
if (scale !== 'test' && scale !== 'bench') throw new Error(`--scale must be test or bench, not ${values.scale}`)
const only = values.only?.split(',').map((s) => s.trim())
const unknown = only?.filter((id) => !allScenarios.some((s) => s.id === id)) ?? []
if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${allScenarios.map((s) => s.id).join(', ')}`)
const chosen = allScenarios.filter((s) => !only || only.includes(s.id))

async function main(): Promise<void> {
  let failed = 0
  for (const scenario of chosen) {
    const started = performance.now()
    const result = await scenario.run({
      scale,
      seed: values.seed === undefined ? undefined : Number(values.seed),
      log: (line) => process.stderr.write(`  [${scenario.id}] ${line}\n`)
    })
    failed += result.figures.filter((f) => !f.ok).length
    console.log(formatResult(scenario, result, (performance.now() - started) / 1000) + '\n')
  }
  console.log(failed ? `${failed} figure(s) missed their bound` : `every figure within its bound (${chosen.length} scenarios)`)
  process.exit(failed ? 1 : 0)
}

main().catch((e: unknown) => {
  console.error(`bench:faults: ${e instanceof Error ? e.stack : String(e)}`)
  process.exit(1)
})
