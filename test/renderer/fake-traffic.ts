// The traffic log of the FakeApi: listTraffic's filters and paging exactly as the real log
// (src/main/proxy/traffic-log.ts) applies them, and a HAR 1.2 export shaped like
// src/main/service/har.ts's (the web project cannot import from src/main).
import type { ListTrafficInput, TrafficEntry, TrafficSummary } from '../../src/shared/api'

const pairs = (headers: [string, string][]) => headers.map(([name, value]) => ({ name, value }))

function buildHar(entries: TrafficEntry[], baseUrl: string, version: string): unknown {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Session Inspector', version },
      pages: [],
      entries: entries.map((e) => ({
        startedDateTime: e.realTime,
        time: e.durationMs,
        request: { method: e.method, url: new URL(e.url, baseUrl).href, httpVersion: 'HTTP/1.1', cookies: [], headers: pairs(e.requestHeaders), queryString: [], headersSize: -1, bodySize: -1 },
        response: { status: e.status ?? 0, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: pairs(e.responseHeaders), content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1 },
        cache: {},
        timings: { send: 0, wait: e.durationMs, receive: 0 },
        _session: { engineTime: e.time, effect: e.effect, reasonCode: e.reasonCode, reason: e.reason, before: e.sessionBefore, after: e.sessionAfter, setCookie: e.setCookie, decision: e.decision }
      }))
    }
  }
}

/** A listed request as the real log (format 2) lists it: the sessions' keys, no data. */
export function summaryOf(entry: TrafficEntry): TrafficSummary {
  const { requestHeaders: _q, responseHeaders: _r, xSession: _x, xSessionUpdate: _u, rejectedUpdate: _ru, decision: _d, droppedCookies: _c, ...summary } = entry
  const keyOnly = (s: TrafficEntry['sessionBefore']) => (s ? { key: s.key } : null)
  return { ...summary, sessionBefore: keyOnly(entry.sessionBefore), sessionAfter: keyOnly(entry.sessionAfter) }
}

function searchText(e: TrafficSummary): string {
  return [e.method, e.url, e.status ?? '', e.reason, e.error ?? '', e.sessionBefore?.key ?? '', e.sessionAfter?.key ?? '', e.effect].join(' ').toLowerCase()
}

export class FakeTraffic {
  /** Oldest first. */
  private entries: TrafficEntry[] = []
  private lastId = 0

  nextId(): number {
    return this.lastId + 1
  }

  add(entry: TrafficEntry): TrafficEntry {
    this.lastId = Math.max(this.lastId, entry.id)
    this.entries.push(entry)
    this.entries.sort((a, b) => a.id - b.id)
    return entry
  }

  list(input: ListTrafficInput): { entries: TrafficSummary[]; total: number } {
    const needle = input.search?.toLowerCase()
    const matching = this.entries.filter(
      (e) =>
        (!input.sessionKey || e.sessionBefore?.key === input.sessionKey || e.sessionAfter?.key === input.sessionKey) &&
        (!input.effect || e.effect === input.effect) &&
        (!needle || searchText(e).includes(needle))
    )
    const page = matching.filter((e) => !input.before || e.id < input.before).reverse().slice(0, input.limit ?? 1000)
    return { entries: page.map(summaryOf), total: matching.length }
  }

  get(id: number): TrafficEntry | undefined {
    return this.entries.find((e) => e.id === id)
  }

  clear(): number {
    const n = this.entries.length
    this.entries = []
    return n
  }

  har(ids: number[] | undefined, baseUrl: string, version: string): { har: unknown; count: number } {
    const chosen = ids ? this.entries.filter((e) => ids.includes(e.id)) : this.entries
    return { har: buildHar(chosen, baseUrl, version), count: chosen.length }
  }
}
