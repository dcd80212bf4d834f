// What the control-API scenario attacks: a real inspector (demo app upstream, its own data
// folder) behind a real control server serving a copy of the built web UI, every log line of
// both captured, sessions seeded through the proxy, and a snapshot of everything an API call
// could change (settings with the secret, sessions with their data, clock, clients).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startControlServer, type ControlServer } from '../../../src/main/control'
import { Inspector, VERSION } from '../../../src/main/inspector'
import { Browser } from '../../api/browser'

/** Text planted outside the UI folder and in hidden files: it must never be served. */
export const SENTINEL = 'SENTINEL-outside-the-ui-7f3a9c'

export interface ApiTarget {
  port: number
  token: string
  inspector: Inspector
  /** Every line the inspector and the control server logged. */
  logs: string[]
  /** Keys of the seeded sessions (32 characters a-z0-9). */
  keys: string[]
  /** Client ids of the seeded browsers. */
  clients: string[]
  /** Whether the built web UI was there to copy (npm run build). */
  uiBuilt: boolean
  /** The copy of the UI the control server serves. */
  uiDir: string
  /** The files next to the session files that a traversal through `:key` would reach. */
  victims: string[]
  snapshot(): Promise<string>
  /** Switches the engine (and reseeds sessions in it). */
  useEngine(engine: 'db' | 'file'): Promise<void>
  close(): Promise<void>
}

const BUILT_UI = resolve(__dirname, '../../../out/renderer')

export async function startApiTarget(): Promise<ApiTarget> {
  const root = mkdtempSync(join(tmpdir(), 'si-rel-api-'))
  const dataDir = join(root, 'data')
  const uiDir = join(root, 'ui')
  const sessionFiles = join(root, 'files', 'sessions')
  mkdirSync(sessionFiles, { recursive: true })
  const uiBuilt = existsSync(join(BUILT_UI, 'index.html'))
  if (uiBuilt) cpSync(BUILT_UI, uiDir, { recursive: true })
  else mkdirSync(uiDir, { recursive: true })
  // Bait a traversal would reach: beside the UI, hidden in it, and beside the session files.
  writeFileSync(join(root, 'secret.txt'), SENTINEL)
  writeFileSync(join(uiDir, '.env'), SENTINEL)
  writeFileSync(join(root, 'files', 'victim'), SENTINEL)
  writeFileSync(join(root, 'victim'), SENTINEL)
  const victims = [join(root, 'files', 'victim'), join(root, 'victim'), join(root, 'secret.txt')]

  const logs: string[] = []
  const token = `rel-token-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
  const inspector = await Inspector.start({ dataDir, listen: { host: '127.0.0.1', port: 0 }, upstream: 'demo', log: (line) => logs.push(line) })
  let control: ControlServer
  try {
    control = await startControlServer({ api: inspector.api, events: inspector, token, host: '127.0.0.1', port: 0, uiDir, version: VERSION, log: (line) => logs.push(line) })
  } catch (e) {
    await inspector.close()
    throw e
  }
  inspector.setControlUrl(control.url)
  const api = inspector.api
  await api.freezeClock({ frozen: true })
  await api.setClock({ now: '2030-06-01T12:00:00Z' })

  const keys: string[] = []
  const clients: string[] = []
  async function seed(): Promise<void> {
    keys.length = 0
    for (let i = 0; i < 4; i++) {
      const browser = new Browser(inspector.proxyUrl, `reliability-browser-${i}`)
      await browser.get('/p1/set/')
      const key = browser.cookies.get('sessionid')
      if (!key) throw new Error('the demo app set no session cookie')
      keys.push(key)
      await api.updateSessionData({ key, data: { user: `user${i}`, cart: [i, i + 1], nested: { n: i } } })
    }
    clients.splice(0, clients.length, ...(await api.listClients({})).clients.map((c) => c.id))
  }
  await seed()

  return {
    port: control.port,
    token,
    inspector,
    logs,
    keys,
    clients,
    uiBuilt,
    uiDir,
    victims,
    async snapshot() {
      const victimsState = victims.map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : 'missing'))
      return JSON.stringify([
        await api.getSettings({}),
        await api.revealSecretKey({}),
        await api.listSessions({ limit: 1000 }),
        // The engine's time (frozen) and whether it is frozen; realNow and the offset follow the wall clock.
        (({ now, frozen }) => ({ now, frozen }))(await api.getClock({})),
        await api.listClients({}),
        victimsState
      ])
    },
    async useEngine(engine) {
      await api.updateSettings({ settings: engine === 'file' ? { SESSION_ENGINE: 'file', SESSION_FILE_PATH: sessionFiles } : { SESSION_ENGINE: 'db' } })
      await seed()
    },
    async close() {
      await control.close()
      await inspector.close()
      rmSync(root, { recursive: true, force: true })
    }
  }
}
