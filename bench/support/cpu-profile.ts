// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per
// function, and per area (our proxy code, the engine, SQLite, http-proxy, Node's HTTP, GC).
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  hitCount?: number
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface ProfileLine {
  name: string
  where: string
  ms: number
  share: number
}

export interface ProfileSummary {
  totalMs: number
  idleMs: number
  functions: ProfileLine[]
  areas: ProfileLine[]
  /** Inclusive time of named functions (their own time and everything they call). */
  inclusive: ProfileLine[]
}

/** The area a frame belongs to, by where its code lives. */
function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC'
  if (name === '(program)' || name === '(idle)' || name === '(root)') return name
  if (!url) return 'native / builtins'
  if (/better-sqlite3/.test(url)) return 'better-sqlite3'
  if (/http-proxy/.test(url)) return 'http-proxy (node_modules)'
  if (/node_modules/.test(url)) return 'other node_modules'
  if (/^node:(_http|http|net|stream|internal\/(http|streams|stream_base|net))/.test(url)) return 'Node http / net / streams'
  if (/^node:/.test(url)) return 'Node (other internals)'
  return 'Session Inspector (out/main bundle)'
}

const short = (url: string) => url.replace(/^file:\/\/.*\/(out|src|node_modules)\//, '$1/')

export function summarizeProfile(file: string, options: { top?: number; inclusiveOf?: string[] } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  // Self time per node from the samples and their time deltas (µs).
  const selfUs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  for (let i = 0; i < samples.length; i++) {
    const next = deltas[i + 1] ?? 0
    selfUs.set(samples[i] as number, (selfUs.get(samples[i] as number) ?? 0) + Math.max(0, next))
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1
  const idleUs = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((sum, n) => sum + (selfUs.get(n.id) ?? 0), 0)
  const busyUs = Math.max(1, totalUs - idleUs)

  const functions = new Map<string, ProfileLine>()
  const areas = new Map<string, ProfileLine>()
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0
    if (!us || node.callFrame.functionName === '(idle)') continue
    const { functionName, url, lineNumber } = node.callFrame
    const name = functionName || '(anonymous)'
    const where = url ? `${short(url)}:${lineNumber + 1}` : ''
    const key = `${name}@${where}`
    const f = functions.get(key) ?? { name, where, ms: 0, share: 0 }
    f.ms += us / 1000
    functions.set(key, f)
    const area = areaOf(url, functionName)
    const a = areas.get(area) ?? { name: area, where: '', ms: 0, share: 0 }
    a.ms += us / 1000
    areas.set(area, a)
  }

  // Inclusive time of each named function, per place it is defined (two `begin`s are two
  // lines): its self time plus its subtree's, counted once per sample however deep it recurs.
  const parents = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id)
  const wanted = new Set(options.inclusiveOf ?? [])
  const inclusiveBy = new Map<string, ProfileLine>()
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) {
      const frame = byId.get(cur)?.callFrame
      if (!frame || !wanted.has(frame.functionName) || !/out\/main|src\//.test(frame.url)) continue
      const where = `${short(frame.url)}:${frame.lineNumber + 1}`
      const key = `${frame.functionName}@${where}`
      if (seen.has(key)) continue
      seen.add(key)
      const line = inclusiveBy.get(key) ?? { name: frame.functionName, where, ms: 0, share: 0 }
      line.ms += us / 1000
      inclusiveBy.set(key, line)
    }
  }
  const inclusive = [...inclusiveBy.values()].map((l) => ({ ...l, share: (l.ms * 1000) / busyUs }))

  const finish = (m: Map<string, ProfileLine>, top: number) =>
    [...m.values()]
      .map((l) => ({ ...l, share: (l.ms * 1000) / busyUs }))
      .sort((x, y) => y.ms - x.ms)
      .slice(0, top)
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    functions: finish(functions, options.top ?? 25),
    areas: finish(areas, 20),
    inclusive: inclusive.sort((x, y) => y.ms - x.ms)
  }
}
