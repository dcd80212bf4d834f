// The Electron entry: one instance; the control server and the inspector; the window, its IPC
// and the menu; and a quit that closes the listeners and the databases exactly once.
import { join } from 'node:path'
import { app, clipboard, dialog, ipcMain, Menu, protocol, session, shell, type BrowserWindow } from 'electron'
import { loadOrCreateToken, startControlServer, type ControlServer } from '../control'
import { Inspector } from '../inspector'
import { appDataDir } from '../inspector-options'
import type { ClockState } from '../../shared/api'
import { describeCloseAll } from '../../shared/browser-close'
import { APP_SCHEME_PRIVILEGES, serveAppFile } from './app-protocol'
import { forwardEvents, registerIpc } from './ipc'
import { buildMenuTemplate, type MenuActions } from './menu'
import { createRelay } from './relay'
import { APP_INDEX_URL, APP_SCHEME, hardenSession, isTrustedSender } from './security'
import { readShellOptions, type HostPort } from './shell-options'
import { createMainWindow } from './window'

const PRODUCT_NAME = 'Session Inspector'
const SHUTDOWN_TIMEOUT_MS = 5000
const log = (line: string): void => console.log(line)

// Must happen before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.setName(PRODUCT_NAME)

const options = readShellOptions(process.argv)
const devUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null
const appUrl = devUrl ?? APP_INDEX_URL
const relay = createRelay()
let dataDir = ''
let token = ''
let inspector: Inspector | null = null
let control: ControlServer | null = null
let win: BrowserWindow | null = null
let frozen = false
let disposeIpc: (() => void) | null = null

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', showWindow)
  app.whenReady().then(boot).catch((e: unknown) => fail('Session Inspector cannot start', e))
}

async function boot(): Promise<void> {
  for (const warning of options.warnings) log(`ignored: ${warning}`)
  // One folder per app (issue 21): the demo keeps userData itself, another --upstream gets its own.
  dataDir = options.dataDir ?? appDataDir(app.getPath('userData'), { upstream: options.upstream })
  token = loadOrCreateToken(dataDir)
  const uiDir = join(app.getAppPath(), 'out', 'renderer')
  protocol.handle(APP_SCHEME, (request) => serveAppFile(uiDir, request))
  hardenSession(session.defaultSession, appUrl, devUrl)

  control = await startControl(options.control, uiDir)
  inspector = await startInspector(options.listen)
  if (!inspector) {
    await control?.close()
    app.exit(1)
    return
  }
  relay.attach(inspector)
  if (control) log(`Control API and web UI: ${control.url}/#token=${token}`)

  disposeIpc = registerIpc(ipcMain, inspector.api, (event) => isTrustedSender(event, win ? { webContents: win.webContents, appUrl } : null), log)
  inspector.subscribe((event) => {
    if (event.type !== 'clock') return
    const clock = event.payload as ClockState
    if (clock.frozen !== frozen) {
      frozen = clock.frozen
      setMenu()
    }
  }, ['clock'])
  frozen = await inspector.api.getClock({}).then((c) => c.frozen).catch(() => false)
  setMenu()
  showWindow()

  app.on('activate', showWindow)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}

function showWindow(): void {
  if (!app.isReady() || !inspector) return
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
    return
  }
  const created = createMainWindow({
    appUrl,
    preload: join(app.getAppPath(), 'out', 'preload', 'index.cjs'),
    stateFile: join(dataDir, 'window-state.json'),
    title: PRODUCT_NAME,
    log
  })
  const stopEvents = forwardEvents(inspector, created.webContents)
  created.on('closed', () => {
    stopEvents()
    if (win === created) win = null
  })
  win = created
}

/** The control server on its address; when that is taken, the user picks another port or none. */
async function startControl(address: HostPort, uiDir: string): Promise<ControlServer | null> {
  try {
    const { host, port } = address
    return await startControlServer({ api: relay.api, events: relay.events, token, host, port, uiDir, version: app.getVersion(), log })
  } catch (e) {
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      title: PRODUCT_NAME,
      message: 'Scripts cannot reach the control API',
      detail: `${(e as Error).message}\n\nThe window works without it; scripts and the web UI need it.`,
      buttons: ['Use a Free Port', 'Continue Without It'],
      defaultId: 0,
      cancelId: 1
    })
    return response === 0 && address.port !== 0 ? startControl({ ...address, port: 0 }, uiDir) : null
  }
}

/** The inspector (proxy and stores); a taken proxy port can be swapped for a free one. */
async function startInspector(listen: HostPort): Promise<Inspector | null> {
  try {
    return await Inspector.start({ dataDir, upstream: options.upstream, listen, controlUrl: control?.url, log })
  } catch (e) {
    const error = e as NodeJS.ErrnoException
    if (error.code !== 'EADDRINUSE' || listen.port === 0) {
      dialog.showErrorBox('Session Inspector cannot start', error.message ?? String(e))
      return null
    }
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: PRODUCT_NAME,
      message: `The proxy cannot listen on ${listen.host}:${listen.port}`,
      detail: `${error.message}\n\nAnother program, or another Session Inspector, is using this port.`,
      buttons: ['Use a Free Port', 'Quit'],
      defaultId: 0,
      cancelId: 1
    })
    return response === 0 ? startInspector({ ...listen, port: 0 }) : null
  }
}

function setMenu(): void {
  const api = inspector?.api
  if (!api) return
  const run = (what: string, call: () => Promise<unknown>): void => {
    call().catch((e: unknown) => {
      dialog.showErrorBox(`${what} failed`, e instanceof Error ? e.message : String(e))
    })
  }
  const actions: MenuActions = {
    advanceClock: (seconds) => run('Advancing the clock', () => api.advanceClock({ seconds })),
    setFrozen: (value) => run('Freezing the clock', () => api.freezeClock({ frozen: value })),
    resetClock: () => run('Resetting the clock', () => api.resetClock({})),
    closeBrowser: () =>
      run('Closing the browser', async () => {
        const result = await api.closeBrowser({})
        // What was discarded, as the header's button says it in a toast.
        const box = { type: 'info' as const, title: 'Close Browser (Simulate)', message: describeCloseAll(result) }
        await (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box))
      }),
    openExternal: (url) => run('Opening the link', () => shell.openExternal(url)),
    showDataFolder: () =>
      run('Opening the data folder', async () => {
        const error = await shell.openPath(dataDir)
        if (error) throw new Error(error)
      }),
    ...(control && {
      openWebUi: () => run('Opening the web UI', () => shell.openExternal(`${control?.url}/#token=${token}`)),
      copyControlToken: () => clipboard.writeText(token)
    })
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(actions, { platform: process.platform, appName: PRODUCT_NAME, frozen })))
}

// ---------------------------------------------------------------- quitting

let quitState: 'running' | 'closing' | 'closed' = 'running'

app.on('before-quit', (event) => {
  if (quitState === 'closed') return
  event.preventDefault()
  if (quitState === 'closing') return
  quitState = 'closing'
  void shutdown().finally(() => {
    quitState = 'closed'
    app.quit()
  })
})

// SIGHUP too: the terminal that started it closed; a clean quit gives observe mode's aged sessions back.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit())

/** Control server first (it calls the inspector), then the inspector (proxy and databases). */
async function shutdown(): Promise<void> {
  disposeIpc?.()
  relay.detach()
  const steps = async (): Promise<void> => {
    await control?.close().catch((e: unknown) => log(`closing the control server: ${(e as Error).message}`))
    await inspector?.close().catch((e: unknown) => log(`closing the inspector: ${(e as Error).message}`))
  }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s; quitting anyway`)
      resolve()
    }, SHUTDOWN_TIMEOUT_MS)
  })
  await Promise.race([steps(), timeout])
  clearTimeout(timer)
}

function fail(title: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  log(`${title}: ${message}`)
  if (app.isReady()) dialog.showErrorBox(title, message)
  app.exit(1)
}
