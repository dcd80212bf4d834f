// One shared one-second tick for everything that shows live times (clock, countdowns).
import { useSyncExternalStore } from 'react'

const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setTimeout> | null = null

function tick(): void {
  now = Date.now()
  for (const listener of listeners) listener()
  // Re-aligned to the next whole second so that every countdown changes together.
  timer = setTimeout(tick, 1000 - (now % 1000) + 5)
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (timer === null) {
    now = Date.now()
    timer = setTimeout(tick, 1000 - (now % 1000) + 5)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer !== null) {
      clearTimeout(timer)
      timer = null
    }
  }
}

/** Real time in ms, updated every second while any component uses it. */
export function useRealNow(): number {
  return useSyncExternalStore(subscribe, () => now)
}
