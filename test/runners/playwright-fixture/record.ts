// What each test saw of its worker's Session Inspector, for the wrapper to check afterwards
// (one instance per worker, stopped and its folder removed at the end).
import { appendFileSync } from 'node:fs'
import type { InspectorServer } from 'session-inspector/playwright'

export function record(server: InspectorServer, workerIndex: number, test: string): void {
  const file = process.env.SI_FIXTURE_RECORD
  if (!file) return
  appendFileSync(file, `${JSON.stringify({ test, workerIndex, pid: server.pid, proxyUrl: server.proxyUrl, dataDir: server.dataDir })}\n`)
}
