// The application menu as data: clock and browser shortcuts plus the standard menus. main.ts
// passes the callbacks and builds it with Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  advanceClock(seconds: number): void
  /** Sets the clock's frozen state (the menu shows the current one as a check mark). */
  setFrozen(frozen: boolean): void
  resetClock(): void
  /** Simulated browser close for every client. */
  closeBrowser(): void
  openExternal(url: string): void
  /** Opens the web UI in the system browser (absent when the control server is not running). */
  openWebUi?: () => void
  copyControlToken?: () => void
  showDataFolder(): void
}

export interface MenuState {
  platform: NodeJS.Platform
  appName: string
  frozen: boolean
}

export const CLOCK_STEPS = [
  { label: 'Advance 1 Minute', seconds: 60, accelerator: 'CmdOrCtrl+1' },
  { label: 'Advance 1 Hour', seconds: 3600, accelerator: 'CmdOrCtrl+2' },
  { label: 'Advance 1 Day', seconds: 86_400, accelerator: 'CmdOrCtrl+3' },
  { label: 'Advance 2 Weeks', seconds: 1_209_600, accelerator: 'CmdOrCtrl+4' }
] as const

export const HELP_LINKS = [
  { label: 'Django Sessions Documentation', url: 'https://docs.djangoproject.com/en/stable/topics/http/sessions/' },
  { label: 'Django Session Settings', url: 'https://docs.djangoproject.com/en/stable/ref/settings/#sessions' }
] as const

export function buildMenuTemplate(actions: MenuActions, state: MenuState): MenuItemConstructorOptions[] {
  const isMac = state.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = []
  if (isMac) {
    template.push({
      label: state.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' }
      ]
    })
  }
  template.push({ label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] })
  template.push({ role: 'editMenu' })
  template.push({
    label: 'View',
    submenu: [
      { role: 'reload' },
      { role: 'forceReload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' }
    ]
  })
  template.push({
    label: 'Clock',
    submenu: [
      ...CLOCK_STEPS.map(
        (step): MenuItemConstructorOptions => ({ label: step.label, accelerator: step.accelerator, click: () => actions.advanceClock(step.seconds) })
      ),
      { type: 'separator' },
      {
        label: 'Freeze Clock',
        type: 'checkbox',
        checked: state.frozen,
        accelerator: 'CmdOrCtrl+Shift+F',
        click: () => actions.setFrozen(!state.frozen)
      },
      { label: 'Reset Clock', accelerator: 'CmdOrCtrl+Shift+0', click: () => actions.resetClock() }
    ]
  })
  template.push({
    label: 'Browser',
    submenu: [{ label: 'Close Browser (Simulate)', accelerator: 'CmdOrCtrl+Shift+B', click: () => actions.closeBrowser() }]
  })
  template.push({ role: 'windowMenu' })
  const extras: MenuItemConstructorOptions[] = []
  if (actions.openWebUi) extras.push({ label: 'Open Web UI in Browser', click: actions.openWebUi })
  if (actions.copyControlToken) extras.push({ label: 'Copy Control API Token', click: actions.copyControlToken })
  extras.push({ label: 'Show Data Folder', click: () => actions.showDataFolder() })
  template.push({
    role: 'help',
    submenu: [
      ...HELP_LINKS.map((link): MenuItemConstructorOptions => ({ label: link.label, click: () => actions.openExternal(link.url) })),
      { type: 'separator' },
      ...extras
    ]
  })
  return template
}
