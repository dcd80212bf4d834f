// The main window: locked-down webPreferences, its saved place on screen, the app's page only.
import { BrowserWindow, nativeTheme, screen, shell } from 'electron'
import { hardenWebContents } from './security'
import { webPreferences, windowBackground } from './window-options'
import { fitToDisplays, loadWindowState, MIN_SIZE, saveWindowState, type WindowState } from './window-state'

export interface MainWindowOptions {
  appUrl: string
  preload: string
  stateFile: string
  title: string
  log: (line: string) => void
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const displays = screen.getAllDisplays().map((d) => d.workArea)
  const bounds = fitToDisplays(loadWindowState(options.stateFile), displays, screen.getPrimaryDisplay().workArea)
  const win = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: options.title,
    show: false,
    backgroundColor: windowBackground(nativeTheme.shouldUseDarkColors),
    webPreferences: webPreferences(options.preload)
  })
  hardenWebContents(win.webContents, options.appUrl, (url) => {
    shell.openExternal(url).catch((e: unknown) => options.log(`cannot open ${url}: ${(e as Error).message}`))
  })
  win.once('ready-to-show', () => {
    if (bounds.maximized) win.maximize()
    win.show()
  })
  keepWindowState(win, options.stateFile, options.log)
  win.loadURL(options.appUrl).catch((e: unknown) => options.log(`cannot load the UI from ${options.appUrl}: ${(e as Error).message}`))
  return win
}

/** Saves the normal (unmaximised) bounds after moves and resizes settle, and on close. */
function keepWindowState(win: BrowserWindow, file: string, log: (line: string) => void): void {
  let timer: NodeJS.Timeout | undefined
  const save = (): void => {
    clearTimeout(timer)
    if (win.isDestroyed() || win.isMinimized()) return
    const b = win.getNormalBounds()
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() }
    try {
      saveWindowState(file, state)
    } catch (e) {
      log(`cannot save the window state: ${(e as Error).message}`)
    }
  }
  const later = (): void => {
    clearTimeout(timer)
    timer = setTimeout(save, 500)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', later)
  win.on('unmaximize', later)
  win.on('close', save)
}
