// The window's size and place, kept in DATA_DIR/window-state.json: validated on load and put
// back on a display that still exists (monitors come and go between runs).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  /** Absent: let the system place the window. */
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_SIZE = { width: 1280, height: 800 }
export const MIN_SIZE = { width: 720, height: 480 }
const MAX_COORD = 100_000
/** How much of the saved window must be on a display to keep its place (a title bar's worth). */
const MIN_VISIBLE = { width: 120, height: 40 }

const isCoord = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_COORD
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_COORD

/** The state in a file's text, or null when it is not a valid state (never throws). */
export function parseWindowState(text: string): WindowState | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (!isSize(v.width) || !isSize(v.height)) return null
  const state: WindowState = { width: v.width, height: v.height, maximized: v.maximized === true }
  if (isCoord(v.x) && isCoord(v.y)) {
    state.x = v.x
    state.y = v.y
  }
  return state
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return { width: Math.max(0, width), height: Math.max(0, height) }
}

const clamp = (v: number, min: number, max: number): number => Math.min(Math.max(v, min), Math.max(min, max))

/**
 * Where to open the window: on the display showing most of the saved bounds if enough of them
 * is visible there, else centred on the primary display; always sized and moved to fit in
 * that display's work area.
 */
export function fitToDisplays(state: WindowState | null, workAreas: Rect[], primary: Rect): Rect & { maximized: boolean } {
  const width = state?.width ?? DEFAULT_SIZE.width
  const height = state?.height ?? DEFAULT_SIZE.height
  let area: Rect | null = null
  if (state?.x !== undefined && state.y !== undefined) {
    const saved = { x: state.x, y: state.y, width, height }
    let best = 0
    for (const candidate of workAreas) {
      const seen = overlap(saved, candidate)
      if (seen.width >= MIN_VISIBLE.width && seen.height >= MIN_VISIBLE.height && seen.width * seen.height > best) {
        best = seen.width * seen.height
        area = candidate
      }
    }
  }
  const target = area ?? primary
  const w = clamp(width, Math.min(MIN_SIZE.width, target.width), target.width)
  const h = clamp(height, Math.min(MIN_SIZE.height, target.height), target.height)
  const placed = area !== null && state?.x !== undefined && state.y !== undefined
  const x = placed ? clamp(state.x as number, target.x, target.x + target.width - w) : target.x + Math.round((target.width - w) / 2)
  const y = placed ? clamp(state.y as number, target.y, target.y + target.height - h) : target.y + Math.round((target.height - h) / 2)
  return { x, y, width: w, height: h, maximized: state?.maximized ?? false }
}

/** The saved state, or null when there is none or it is unreadable. */
export function loadWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

/** Saves atomically (write then rename), so a crash never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, file)
}
