// Time-boxed rounds of one operation: a warm-up, then several rounds, reported as the
// median rate with its spread. Figures only: nothing here asserts a speed.
import { performance } from 'node:perf_hooks'

export interface MeasureOptions {
  warmupMs: number
  roundMs: number
  rounds: number
  /** Checked between rounds; true stops the measurement with an Interrupted error. */
  interrupted?: () => boolean
}

export class Interrupted extends Error {
  constructor() {
    super('interrupted')
    this.name = 'Interrupted'
  }
}

/**
 * Lets the event loop turn: a round of in-memory operations is all microtasks, and would
 * otherwise keep signal handlers (Ctrl-C) waiting until the whole run is over.
 */
export async function breathe(options: Pick<MeasureOptions, 'interrupted'> = {}): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  if (options.interrupted?.()) throw new Interrupted()
}

export interface Sample {
  /** Median operations per second over the rounds. */
  median: number
  min: number
  max: number
  /** (max - min) / median */
  spread: number
  /** Operations measured over all rounds. */
  ops: number
}

/** An operation; a sync one (returning nothing) is not awaited, so raw calls pay no microtask. */
export type Op = (i: number) => void | Promise<unknown>

const BATCH = 8

async function round(op: Op, ms: number, first: number): Promise<{ ops: number; rate: number }> {
  let i = first
  const start = performance.now()
  const end = start + ms
  let now = start
  while (now < end) {
    for (let k = 0; k < BATCH; k++) {
      const r = op(i++)
      if (r) await r
    }
    now = performance.now()
  }
  const ops = i - first
  return { ops, rate: (ops * 1000) / (now - start) }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function summarise(rates: number[], ops: number): Sample {
  const m = median(rates)
  const min = Math.min(...rates)
  const max = Math.max(...rates)
  return { median: m, min, max, spread: (max - min) / m, ops }
}

export interface Side {
  op: Op
  /** Runs after each of this side's rounds (and its warm-up), untimed: e.g. deletes what the round inserted. */
  afterRound?: () => void | Promise<void>
}

export interface PairedResult {
  subject: Sample
  baseline: Sample
  /** The baseline's rate of every round, for pooling with other pairs. */
  baselineRates: number[]
  /** Median of subject rate / baseline rate over the pairs of rounds. */
  ratio: number
}

/**
 * Measures an operation against a baseline in alternating rounds (baseline, subject,
 * subject, baseline, ...), so that both see the same machine: on a shared box a burst of
 * other work then lands on both sides of a pair instead of skewing one figure.
 */
export async function measurePaired(subject: Side, baseline: Side, options: MeasureOptions): Promise<PairedResult> {
  let i = 0
  let j = 0
  await breathe(options)
  if (options.warmupMs > 0) {
    j += (await round(baseline.op, options.warmupMs, j)).ops
    await baseline.afterRound?.()
    i += (await round(subject.op, options.warmupMs, i)).ops
    await subject.afterRound?.()
  }
  const subjectRates: number[] = []
  const baselineRates: number[] = []
  let subjectOps = 0
  let baselineOps = 0
  const runSubject = async () => {
    const r = await round(subject.op, options.roundMs, i)
    i += r.ops
    subjectOps += r.ops
    subjectRates.push(r.rate)
    await subject.afterRound?.()
  }
  const runBaseline = async () => {
    const r = await round(baseline.op, options.roundMs, j)
    j += r.ops
    baselineOps += r.ops
    baselineRates.push(r.rate)
    await baseline.afterRound?.()
  }
  for (let r = 0; r < options.rounds; r++) {
    await breathe(options)
    if (r % 2 === 0) {
      await runBaseline()
      await runSubject()
    } else {
      await runSubject()
      await runBaseline()
    }
  }
  return {
    subject: summarise(subjectRates, subjectOps),
    baseline: summarise(baselineRates, baselineOps),
    baselineRates,
    ratio: median(subjectRates.map((rate, k) => rate / baselineRates[k]!))
  }
}

/** Summarises pooled per-round rates (e.g. a baseline measured alongside several subjects). */
export function sampleOf(rates: number[]): Sample {
  return summarise(rates, 0)
}

/** A plain-text table: the first row is the header; columns after the first three are right-aligned. */
export function formatTable(rows: string[][], rightFrom = 3): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  const line = (r: string[]) => r.map((cell, c) => (c >= rightFrom ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n')
}

export function formatRate(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`
}
