// The window's web preferences and first-paint colour (window.ts passes these to BrowserWindow).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { WINDOW_BACKGROUND, webPreferences, windowBackground } from '../../src/main/electron/window-options'

describe('webPreferences', () => {
  it('isolates and sandboxes the page, with no Node anywhere and no webviews', () => {
    const prefs = webPreferences('/app/out/preload/index.cjs')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false
    })
  })
})

describe('windowBackground', () => {
  // The colour the window shows before the page paints must be the page's own --bg.
  const css = readFileSync(new URL('../../src/renderer/styles/theme.css', import.meta.url), 'utf8')
  const dark = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'))
  const bg = (text: string) => /--bg:\s*(#[0-9a-f]{6})/i.exec(text)?.[1]?.toLowerCase()

  it("is theme.css's --bg for the light and the dark theme", () => {
    expect(bg(css)).toBe(WINDOW_BACKGROUND.light)
    expect(bg(dark)).toBe(WINDOW_BACKGROUND.dark)
    expect(windowBackground(false)).toBe(WINDOW_BACKGROUND.light)
    expect(windowBackground(true)).toBe(WINDOW_BACKGROUND.dark)
  })
})
