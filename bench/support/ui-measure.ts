// In-page measurements for the UI benchmark, in Chromium: time from navigation start to
// an element being painted, and frame times during a scroll driven by requestAnimationFrame.
// Figures only: nothing here asserts a speed.
import type { BrowserContext, Page } from 'playwright-core'
import { median } from './measure'

export interface FirstRender {
  /** performance.now() (0 = navigation start) when the element entered the DOM. */
  inDomMs: number
  /** The frame after that, once painted (rAF then a task). */
  paintedMs: number
  /** The API responses the page fetched: when each was sent, began to arrive and ended, and its size. */
  api: { path: string; sentMs: number; firstByteMs: number; endMs: number; bytes: number }[]
}

/**
 * Page-side code, kept as JavaScript text: the node project has no DOM types, and text is
 * sent to the page as written (no transpiler helpers inside). Installed before the page's
 * own scripts, it notes when `selector` first matches, and the frame after (rAF, then a task).
 */
const WATCH_FOR = `(selector) => {
  const state = { inDom: 0, painted: 0 }
  window.__siFirst = state
  window.__siPainted = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (state.inDom || !document.querySelector(selector)) return
      state.inDom = performance.now()
      observer.disconnect()
      requestAnimationFrame(() => setTimeout(() => resolve((state.painted = performance.now())), 0))
    })
    observer.observe(document, { childList: true, subtree: true })
  })
}`

const READ_TIMINGS = `(() => {
  const first = window.__siFirst || { inDom: 0, painted: 0 }
  const api = performance.getEntriesByType('resource')
    .map((e) => ({ e, path: new URL(e.name).pathname }))
    .filter(({ path }) => path.startsWith('/api/') && path !== '/api/events')
    .map(({ e, path }) => ({ path, sentMs: e.requestStart, firstByteMs: e.responseStart, endMs: e.responseEnd, bytes: e.encodedBodySize }))
  return { inDomMs: first.inDom, paintedMs: first.painted, api }
})()`

/** Opens `url` in a fresh page and measures navigation start → `selector` painted. */
export async function measureFirstRender(context: BrowserContext, url: string, selector: string, timeoutMs = 60_000): Promise<FirstRender> {
  const page = await context.newPage()
  try {
    await page.addInitScript({ content: `(${WATCH_FOR})(${JSON.stringify(selector)})` })
    await page.goto(url)
    // Awaits the page's own promise: a polled string predicate would need eval, which the UI's CSP forbids.
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`${selector} did not appear within ${timeoutMs} ms at ${url}`)), timeoutMs)))
    try {
      await Promise.race([page.evaluate('window.__siPainted'), late])
    } finally {
      clearTimeout(timer)
    }
    return (await page.evaluate(READ_TIMINGS)) as FirstRender
  } finally {
    await page.close()
  }
}

export interface FrameStats {
  frames: number
  seconds: number
  fps: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  /** Frames longer than 50 ms: a visible stutter. */
  longFrames: number
  /** Pixels scrolled. */
  distance: number
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/**
 * Page-side: moves scrollTop once per animation frame at a steady speed; returns frame-to-frame
 * times. With `follow`, the room is read again every frame (a list that loads more rows as its
 * end comes near), and the scroll stops at whatever end it has reached by then.
 */
const SCROLL = `async ({ selector, seconds, pxPerSecond, follow }) => {
  const el = document.querySelector(selector)
  el.scrollTop = 0
  const room = () => el.scrollHeight - el.clientHeight
  const planned = pxPerSecond ? pxPerSecond * seconds : room()
  const deltas = []
  await new Promise((done) => {
    let start = 0
    let last = 0
    const step = (now) => {
      if (start === 0) start = now
      else deltas.push(now - last)
      last = now
      const t = (now - start) / (seconds * 1000)
      const distance = follow ? planned : Math.min(room(), planned)
      el.scrollTop = Math.min(room(), Math.min(1, t) * distance)
      if (t >= 1) done()
      else requestAnimationFrame(step)
    }
    requestAnimationFrame(step)
  })
  return { deltas, distance: el.scrollTop }
}`

/**
 * Scrolls the element matching `selector` down at a steady speed for `seconds`, moving
 * scrollTop once per animation frame (what a smooth scroll does), and returns the
 * frame-to-frame times. Without `pxPerSecond` the scroll covers the whole element; `follow`
 * keeps going as the element grows (the Traffic grid loads older pages near its end).
 */
export async function measureScroll(page: Page, selector: string, seconds: number, pxPerSecond?: number, follow = false): Promise<FrameStats> {
  await page.locator(selector).first().waitFor()
  const args = JSON.stringify({ selector, seconds, pxPerSecond: pxPerSecond ?? 0, follow })
  const { deltas, distance } = (await page.evaluate(`(${SCROLL})(${args})`)) as { deltas: number[]; distance: number }
  return frameStats(deltas, distance)
}

/** Frame statistics of frame-to-frame times (ms), with how far the page scrolled meanwhile. */
export function frameStats(deltas: number[], distance = 0): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b)
  const total = deltas.reduce((a, b) => a + b, 0) / 1000
  return {
    frames: deltas.length,
    seconds: total,
    fps: deltas.length / total,
    p50Ms: median(deltas),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    longFrames: deltas.filter((d) => d > 50).length,
    distance
  }
}

const ROW_CSS = `
body { margin: 0; font: 13px system-ui, sans-serif; }
.list { height: 780px; overflow: auto; }
.row { display: grid; grid-template-columns: 160px 280px 140px 1fr 100px 150px; height: 30px; align-items: center; border-bottom: 1px solid #e5e7eb; }
.row > div { padding: 0 8px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.badge { border-radius: 9px; padding: 1px 6px; background: #dcfce7; }
`

/** A plain page with `rows` static rows shaped like the Sessions grid: no framework, no virtualisation. */
export function staticListHtml(rows: number, rowText: (i: number) => string[]): string {
  const body: string[] = []
  for (let i = 0; i < rows; i++) {
    const [state, key, client, data, saved, expires] = rowText(i).map((t) => t.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`))
    body.push(
      `<div class="row"><div><span class="badge">${state}</span></div><div class="mono">${key}</div><div>${client}</div><div class="mono">${data}</div><div>${saved}</div><div>${expires}</div></div>`
    )
  }
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${ROW_CSS}</style></head><body><div class="list">${body.join('')}</div></body></html>`
}

export interface Spread {
  median: number
  min: number
  max: number
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}
