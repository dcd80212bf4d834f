// Starts the demo app for a test file and visits its pages with a hand-built X-Session.
import { afterAll, beforeAll } from 'vitest'
import { startDemoApp, type DemoApp } from '../../src/main/demo'
import type { WireSession } from '../../src/shared/wire'
import { call, sessionHeader, type Reply } from '../adapters/support'

export { FAR_NOW, KEY } from '../adapters/support'

/** Starts one demo app for the file; returns a getter for it. */
export function useDemo(): () => DemoApp {
  let demo: DemoApp | null = null
  const warnings: string[] = []
  beforeAll(async () => {
    demo = await startDemoApp({ host: '127.0.0.1', port: 0, warn: (line) => warnings.push(line) })
  })
  afterAll(async () => {
    await demo?.close()
  })
  return () => {
    if (!demo) throw new Error('the demo app is not running')
    return demo
  }
}

/** GETs a demo page as the proxy would, with a session holding `header.data`. */
export function visit(demo: DemoApp, path: string, header: Partial<WireSession> = {}): Promise<Reply> {
  return call(`${demo.url}${path}`, { session: sessionHeader(header) })
}

/** The text of the elements with a class, tags removed and entities decoded. */
export function textOf(body: string, className: string): string[] {
  const found: string[] = []
  const re = new RegExp(`<(\\w+) class="${className}">([\\s\\S]*?)</\\1>`, 'g')
  for (const m of body.matchAll(re)) found.push(decode((m[2] ?? '').replace(/<[^>]*>/g, '')).trim())
  return found
}

export function decode(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&')
}

/** The `datetime` attributes of every <time> on the page, in order. */
export function times(body: string): string[] {
  return [...body.matchAll(/<time datetime="([^"]+)">/g)].map((m) => m[1] as string)
}
