// After a restart: every session in the ledger, read back over the control API. Missing: 404.
// Corrupt: not a whole value the app wrote for that user. Stale: older than the last write
// whose answer the client read (a step in flight at the kill may or may not have landed).
// A sample is also read through the proxy with its cookie, as the browser would after the restart.
import { isWholeValue } from './durability-app'
import type { Ledger } from './durability-load'

export interface LedgerCheck {
  missing: number
  corrupt: number
  stale: number
  /** Sampled sessions the proxy did not hand the app as stored, with their cookie. */
  unusable: number
  sampled: number
  examples: string[]
}

export async function verifyLedger(controlUrl: string, proxyUrl: string, token: string, ledger: Ledger, sample = 40, parallel = 8): Promise<LedgerCheck> {
  const result: LedgerCheck = { missing: 0, corrupt: 0, stale: 0, unusable: 0, sampled: 0, examples: [] }
  const entries = [...ledger]
  const note = (line: string): void => {
    if (result.examples.length < 5) result.examples.push(line)
  }
  let next = 0
  async function worker(): Promise<void> {
    while (next < entries.length) {
      const [key, entry] = entries[next++] as (typeof entries)[number]
      const res = await fetch(`${controlUrl}/api/sessions/${key}`, { headers: { Authorization: `Bearer ${token}` } })
      if (res.status === 404) {
        await res.body?.cancel()
        result.missing++
        note(`${key} (${entry.user}) missing`)
        continue
      }
      if (!res.ok) throw new Error(`GET /api/sessions/${key}: ${res.status} ${await res.text()}`)
      const { data } = (await res.json()) as { data: unknown }
      const highest = Math.max(entry.acked, entry.pending ?? 0)
      if (!isWholeValue(data) || data.user !== entry.user || data.n > highest) {
        result.corrupt++
        note(`${key} (${entry.user}, n ${entry.acked}) holds ${JSON.stringify(data).slice(0, 100)}`)
      } else if (data.n < entry.acked) {
        result.stale++
        note(`${key} (${entry.user}) holds n ${data.n}, the client had n ${entry.acked} answered`)
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, () => worker()))
  const step = Math.max(1, Math.floor(entries.length / sample))
  for (let i = 0; i < entries.length; i += step) {
    const [key, entry] = entries[i] as (typeof entries)[number]
    const res = await fetch(`${proxyUrl}/whoami`, { headers: { Cookie: `sessionid=${key}` } })
    const data = (await res.json()) as unknown
    result.sampled++
    if (!isWholeValue(data) || data.user !== entry.user || data.n < entry.acked) {
      result.unusable++
      note(`through the proxy ${key} (${entry.user}) gave the app ${JSON.stringify(data).slice(0, 100)}`)
    }
  }
  return result
}
