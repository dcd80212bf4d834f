// HAR export: all requests, or exactly those a filter selects (every page of it, not only
// the rows loaded), fetched in chunks so the id list never makes an over-long URL, and
// saved as a .har file that Chrome DevTools imports (each entry keeps its `_session`).
import type { Api, TrafficSummary } from '../../../shared/api'
import { matchesLocal, serverInput, type TrafficFilter } from '../../lib/traffic'

/** Ids per exportHar call: a GET carries them in its query string. */
export const HAR_CHUNK = 400
const LIST_PAGE = 5000

interface HarLog {
  log: { entries: unknown[]; [field: string]: unknown }
}

function isHarLog(value: unknown): value is HarLog {
  const log = (value as HarLog | null)?.log
  return typeof log === 'object' && log !== null && Array.isArray(log.entries)
}

/** Every id the filter selects, oldest first. */
export async function collectIds(api: Pick<Api, 'listTraffic'>, filter: TrafficFilter): Promise<number[]> {
  const input = serverInput(filter)
  const ids: number[] = []
  let before: number | undefined
  for (;;) {
    const page = await api.listTraffic({ ...input, limit: LIST_PAGE, ...(before ? { before } : {}) })
    for (const e of page.entries) if (matchesLocal(e as TrafficSummary, filter)) ids.push(e.id)
    if (page.entries.length < LIST_PAGE) break
    before = (page.entries[page.entries.length - 1] as TrafficSummary).id
  }
  return ids.reverse()
}

/**
 * One HAR for these ids (all requests when undefined), merged from chunked calls. `redact`
 * false keeps session cookie values, _auth_user_hash and X-Session* (the server masks them by default).
 */
export async function buildHarExport(api: Pick<Api, 'exportHar'>, ids: number[] | undefined, redact = true): Promise<{ har: unknown; count: number }> {
  const keep = redact ? {} : { redact: false }
  if (ids === undefined) return api.exportHar(keep)
  const chunks: number[][] = []
  for (let i = 0; i < ids.length; i += HAR_CHUNK) chunks.push(ids.slice(i, i + HAR_CHUNK))
  // An empty id list would reach the server as no list at all, i.e. "everything".
  if (chunks.length === 0) throw new Error('no requests to export')
  let merged: HarLog | null = null
  let count = 0
  for (const chunk of chunks) {
    const part = await api.exportHar({ ids: chunk, ...keep })
    if (!isHarLog(part.har)) throw new Error('the inspector answered a HAR without log.entries')
    count += part.count
    if (merged === null) merged = { ...part.har, log: { ...part.har.log, entries: [...part.har.log.entries] } }
    else merged.log.entries.push(...part.har.log.entries)
  }
  return { har: merged, count }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** session-inspector-2026-03-01-120005.har (local time of the export). */
export function harFileName(at = new Date()): string {
  return `session-inspector-${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}.har`
}

/** Saves JSON as a file: a Blob behind a temporary link (works in browsers and in Electron). */
export function downloadJson(fileName: string, value: unknown, doc: Document = document): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const link = doc.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  link.hidden = true
  doc.body.appendChild(link)
  link.click()
  link.remove()
  // Revoked a little later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
