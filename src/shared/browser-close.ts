// A simulated browser close in one sentence: which cookies went, for which clients, and,
// when none did, why (persistent cookies survive a close). Shared by the UI's toasts and the
// desktop menu's message.
import type { BrowserCloseClient, BrowserCloseResult } from './api'

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${n === 1 ? word : `${word}s`}`

const names = (list: string[]) => [...new Set(list)].join(', ')

function survivors(clients: BrowserCloseClient[]): string {
  const kept = clients.flatMap((c) => c.kept)
  return kept.length ? `; ${plural(kept.length, 'persistent cookie')} survive${kept.length === 1 ? 's' : ''} (${names(kept)})` : ''
}

/** For Close browser of every client (the header's button, the menu). */
export function describeCloseAll(result: BrowserCloseResult): string {
  if (result.clients.length === 0) return 'Browser closed: no browser has come through the proxy yet, so no cookies were discarded'
  if (result.closed === 0) return `Browser closed: no session-only cookies to discard${survivors(result.clients)}`
  const per = result.clients
    .filter((c) => c.discarded.length)
    .map((c) => `${c.displayName}: ${names(c.discarded)}`)
    .join('; ')
  return `Browser closed: ${plural(result.closed, 'cookie')} discarded (${per})`
}

/** For one client's Close this browser. */
export function describeCloseOne(result: BrowserCloseResult, fallbackName: string): string {
  const c = result.clients[0]
  const name = c?.displayName ?? fallbackName
  if (!c || c.discarded.length === 0) return `${name} closed: no session-only cookies to discard${c ? survivors([c]) : ''}`
  return `${name} closed: ${plural(c.discarded.length, 'session-only cookie')} discarded (${names(c.discarded)})`
}
