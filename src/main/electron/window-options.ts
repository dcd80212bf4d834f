// The main window's locked-down web preferences and its colour before the page paints, as
// plain data (window.ts hands them to BrowserWindow), so they are checked under plain Node.
import type { WebPreferences } from 'electron'

/** The page gets the preload's bridge and nothing else: no Node, a sandbox, an isolated world. */
export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false
  }
}

/** theme.css's --bg in each theme, so a dark system gets no white flash while the UI loads. */
export const WINDOW_BACKGROUND = { light: '#ffffff', dark: '#17191d' } as const

export function windowBackground(dark: boolean): string {
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light
}
