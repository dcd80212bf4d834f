// How far the clock may go (issue 18): a clock value that would put a stored date outside what
// the store and Django can hold is refused, with the same sentence in the API and the UI.

/** The earliest and latest engine time the clock may take, each with the limit that sets it. */
export interface ClockBounds {
  /** ISO. */
  earliest: string
  /** One sentence naming the limit, e.g. "Django's datetime starts at year 1". */
  earliestLimit: string
  latest: string
  latestLimit: string
}

const show = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')

/** Why the clock cannot be at targetMs (one line), or null when it can. */
export function clockBoundError(bounds: ClockBounds | undefined, targetMs: number): string | null {
  if (!bounds) return null
  if (!Number.isFinite(targetMs)) return 'the clock needs a valid date'
  if (targetMs > Date.parse(bounds.latest)) return `the clock cannot go past ${show(bounds.latest)}: ${bounds.latestLimit} (nothing was written)`
  if (targetMs < Date.parse(bounds.earliest)) return `the clock cannot go before ${show(bounds.earliest)}: ${bounds.earliestLimit} (nothing was written)`
  return null
}
