// Screenshots of every screen in the left rail, light and dark (docs/screenshots/ via `npm run screenshots`).
// Screens still showing their "coming soon" placeholder are skipped, so a screen is
// captured as soon as it lands; a detail view is one entry in DETAIL_VIEWS.
import { mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { rail, settle } from './ui'

export const SCHEMES = ['light', 'dark'] as const
export type Scheme = (typeof SCHEMES)[number]

/** A view inside a screen worth its own picture: how to open it and how to leave it. */
export interface DetailView {
  /** File name stem: `${name}-${scheme}.png`. */
  name: string
  open(page: Page): Promise<void>
  close(page: Page): Promise<void>
}

export interface CaptureResult {
  written: { file: string; bytes: number }[]
  /** Screen ids whose placeholder was showing. */
  skipped: string[]
}

async function isPlaceholder(page: Page): Promise<boolean> {
  return page.locator('.app-main .empty-state').filter({ hasText: /is coming soon/ }).isVisible()
}

async function shoot(page: Page, dir: string, stem: string, result: CaptureResult): Promise<void> {
  await settle(page)
  // Keep the pointer off the content: no hover highlight in the picture.
  await page.mouse.move(0, page.viewportSize()?.height ?? 0)
  const file = join(dir, `${stem}.png`)
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' })
  result.written.push({ file, bytes: statSync(file).size })
}

/**
 * Walks the rail in each colour scheme: one viewport-sized picture per real screen
 * (`${id}-${scheme}.png`), plus its detail views. Leaves the page on the first screen.
 */
export async function captureScreens(page: Page, dir: string, details: Record<string, DetailView[]> = {}): Promise<CaptureResult> {
  mkdirSync(dir, { recursive: true })
  const result: CaptureResult = { written: [], skipped: [] }
  const links = rail(page).getByRole('link')
  const screens: { id: string; label: string }[] = []
  for (const link of await links.all()) {
    const href = (await link.getAttribute('href')) ?? ''
    const id = /^#\/([\w-]+)/.exec(href)?.[1]
    if (id) screens.push({ id, label: (await link.innerText()).trim() })
  }
  if (screens.length === 0) throw new Error('the rail lists no screens')
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
    for (const screen of screens) {
      await rail(page).getByRole('link', { name: screen.label, exact: true }).click()
      await page.waitForURL((url) => url.hash.startsWith(`#/${screen.id}`))
      await settle(page)
      if (await isPlaceholder(page)) {
        if (!result.skipped.includes(screen.id)) result.skipped.push(screen.id)
        continue
      }
      await shoot(page, dir, `${screen.id}-${scheme}`, result)
      for (const view of details[screen.id] ?? []) {
        await view.open(page)
        await shoot(page, dir, `${view.name}-${scheme}`, result)
        await view.close(page)
      }
    }
  }
  const first = screens[0]
  if (first) await rail(page).getByRole('link', { name: first.label, exact: true }).click()
  return result
}
