// One reliability scenario: run at a scale, it returns its figures, each with the bound it
// must hold. The test suite (test/reliability/*.test.ts) runs every scenario at 'test' scale and
// asserts each figure; `npm run bench:faults` runs them at 'bench' scale and prints the report
// that the README's Reliability section quotes.

export type Scale = 'test' | 'bench'

export interface Figure {
  /** What was counted or measured, e.g. "crashes", "RSS growth". */
  name: string
  value: number
  unit?: string
  /** The bound it must hold, in words, e.g. "= 0", "<= 64 MiB". */
  bound: string
  ok: boolean
}

export interface ScenarioResult {
  /** How much was run, in words: "12,000 generated requests in 41 s". */
  ran: string
  figures: Figure[]
  /** Anything worth a line in the report (a seed, a failing case shrunk by fast-check). */
  notes?: string[]
}

export interface ScenarioOptions {
  scale: Scale
  /** Progress lines for long runs. */
  log?: (line: string) => void
  /** fast-check seed, for replaying a failure. */
  seed?: number
}

export interface Scenario {
  /** Short id used on the command line: `npm run bench:faults -- --only proxy-input`. */
  id: string
  title: string
  run(options: ScenarioOptions): Promise<ScenarioResult>
}

/** A figure that must be zero. */
export function zero(name: string, value: number): Figure {
  return { name, value, bound: '= 0', ok: value === 0 }
}

/** A figure that must be at most `max`. */
export function atMost(name: string, value: number, max: number, unit?: string): Figure {
  return { name, value, unit, bound: `<= ${max}${unit ? ` ${unit}` : ''}`, ok: value <= max }
}

/** A figure that must be at least `min`. */
export function atLeast(name: string, value: number, min: number, unit?: string): Figure {
  return { name, value, unit, bound: `>= ${min}${unit ? ` ${unit}` : ''}`, ok: value >= min }
}
