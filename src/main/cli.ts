// The headless entry (docs/control-api.md): parse the command line, start the inspector and the
// control server, print the two URLs, run until SIGINT/SIGTERM, then close cleanly.
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { DEFAULT_DJANGO_VERSION, DJANGO_VERSIONS } from '../shared/django-versions'
import { DEFAULT_SETTINGS, ENGINES, validateSettingsPatch } from '../shared/settings'
import { CI_FLAGS, CI_HELP, EXIT, parseCiFlags, removeReadyFile, watchStdin, writeReadyFile, type CiOptions } from './cli-ci'
import { OBSERVE_FLAGS, OBSERVE_HELP, parseObserveFlags, resolveObserve, type ObserveRequest } from './cli-observe'
import { loadOrCreateToken, readTokenFile, startControlServer, TOKEN_ENV } from './control'
import { Inspector, VERSION } from './inspector'
import { appDataDir, DEFAULT_CONTROL, DEFAULT_LISTEN, defaultDataDir } from './inspector-options'
import { parseUpstream } from './proxy/upstream'
import { djangoBannerLine, settingsBannerLines } from './settings-banner'
import { RESTORE_HELP, runRestore } from './cli-restore'

const HELP = `session-inspector ${VERSION}: a reverse proxy with Django's session engine, a clock you control, and a live inspector.

Usage: session-inspector [options]
       session-inspector restore [--data-dir DIR] [observe options]   (observe mode: give the app's sessions their time back)

  --upstream URL|demo   app to proxy (default: demo, the built-in demo app)
  --listen HOST:PORT    proxy address (default ${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port})
  --control HOST:PORT   control API + web UI address (default ${DEFAULT_CONTROL.host}:${DEFAULT_CONTROL.port})
  --data-dir DIR        where the SQLite database, settings, secret and token live (default: a
                        folder per app under ${defaultDataDir()}; the demo's is that folder itself)
  --database FILE|URL   the db engine's SQLite file (default DATA_DIR/sessions.sqlite3); observing,
                        the app's database: its db.sqlite3, postgresql://… or mysql://…
  --token-file FILE     read the control API token from FILE (default: SESSION_INSPECTOR_TOKEN, else
                        random, kept in DATA_DIR/token)
  --token TOKEN         the token itself: other users of this machine can read it in the process list
  --engine NAME         SESSION_ENGINE for this run (${ENGINES.join(', ')})
  --django X.Y          the Django whose session behaviour to follow this run: ${DJANGO_VERSIONS.join(', ')}
                        (default ${DEFAULT_DJANGO_VERSION}; a drop-in app's middleware reports its own)
  --set NAME=VALUE      any setting for this run (repeatable; not saved), e.g. --set SESSION_COOKIE_AGE=20;
                        VALUE is read as JSON when it parses (20, true, null, "x"), else as text
${OBSERVE_HELP}${CI_HELP}  --open                open the web UI in the default browser
  --help, --version
`

/** A usage error: one line, exit code 2. */
class UsageError extends Error {}

export interface CliOptions extends CiOptions {
  upstream: string
  listen: { host: string; port: number }
  control: { host: string; port: number }
  dataDir: string
  /** Where dataDir came from: --data-dir, the app's own folder, or the default one (the demo's). */
  dataDirFrom: 'option' | 'app' | 'default'
  database?: string
  token?: string
  tokenFile?: string
  settings: Record<string, unknown>
  observeDjango: boolean
  /** observe-django: where the app's sessions are (flags, or the project to read them from). */
  observe?: ObserveRequest
  open: boolean
}

/** HOST:PORT, [IPv6]:PORT, :PORT or PORT. */
export function parseAddress(text: string, option: string, defaultHost: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d{1,5})$/.exec(text.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || !(port >= 0 && port <= 65535)) throw new UsageError(`${option}: expected HOST:PORT, e.g. 127.0.0.1:8080, got ${JSON.stringify(text)}`)
  return { host: m[1] ?? (m[2] || defaultHost), port }
}

/** NAME=VALUE, VALUE as JSON when it parses, else text. */
export function parseSet(text: string): [string, unknown] {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new UsageError(`--set: expected NAME=VALUE, got ${JSON.stringify(text)}`)
  const raw = text.slice(eq + 1)
  let value: unknown = raw
  try {
    value = JSON.parse(raw)
  } catch {
    value = raw
  }
  return [text.slice(0, eq), value]
}

export function parseCli(argv: string[]): CliOptions | 'help' | 'version' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        upstream: { type: 'string' },
        listen: { type: 'string' },
        control: { type: 'string' },
        'data-dir': { type: 'string' },
        database: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        engine: { type: 'string' },
        django: { type: 'string' },
        set: { type: 'string', multiple: true },
        ...OBSERVE_FLAGS,
        ...CI_FLAGS,
        open: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      }
    })
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see --help)`)
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (v.version) return 'version'
  const upstream = v.upstream ?? 'demo'
  if (upstream !== 'demo') {
    try {
      parseUpstream(upstream)
    } catch (e) {
      throw new UsageError(`--upstream: ${(e as Error).message}`)
    }
  }
  const settings: Record<string, unknown> = {}
  if (v.engine !== undefined) settings.SESSION_ENGINE = v.engine
  if (v.django !== undefined) {
    const r = validateSettingsPatch({ ...DEFAULT_SETTINGS, SECRET_KEY: '-' }, { DJANGO_VERSION: v.django })
    if (!r.ok) throw new UsageError(`--django: ${r.errors[0]!.message.replace(/^DJANGO_VERSION: /, '')}`)
    settings.DJANGO_VERSION = r.settings.DJANGO_VERSION
  }
  for (const item of v.set ?? []) {
    const [name, value] = parseSet(item)
    settings[name] = value
  }
  let observe: ObserveRequest | null
  let ci: CiOptions
  try {
    observe = parseObserveFlags(v, settings)
    ci = parseCiFlags(v)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  if (v.token !== undefined && v['token-file'] !== undefined) throw new UsageError('--token and --token-file: give one of them')
  const appDir = appDataDir(defaultDataDir(), { upstream, ...(observe?.project ? { project: observe.project.dir } : {}) })
  return {
    upstream,
    listen: parseAddress(v.listen ?? `${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port}`, '--listen', DEFAULT_LISTEN.host),
    control: parseAddress(v.control ?? `${DEFAULT_CONTROL.host}:${DEFAULT_CONTROL.port}`, '--control', DEFAULT_CONTROL.host),
    dataDir: v['data-dir'] ?? appDir,
    dataDirFrom: v['data-dir'] !== undefined ? 'option' : appDir === defaultDataDir() ? 'default' : 'app',
    ...(v.database ? { database: v.database } : {}),
    ...(v.token ? { token: v.token } : {}),
    ...(v['token-file'] ? { tokenFile: v['token-file'] } : {}),
    settings,
    observeDjango: observe !== null,
    ...(observe ? { observe } : {}),
    open: Boolean(v.open),
    ...ci
  }
}

/** The banner's settings lines (settings-banner.ts): what differs from Django's defaults, and why. */
async function settingsLines(inspector: Inspector, o: CliOptions): Promise<string[]> {
  const settings = await inspector.api.getSettings({})
  const saved = inspector.dataDir.savedSettingNames()
  const status = await inspector.api.getStatus({})
  return [
    djangoBannerLine(status),
    ...settingsBannerLines(settings, { commandLine: Object.keys(o.settings), saved, settingsFile: inspector.dataDir.file('settings.json'), bySetting: status.settingSources })
  ]
}

const DATA_DIR_NOTE: Record<CliOptions['dataDirFrom'], string> = {
  option: '',
  app: "  (this app's own folder; --data-dir picks another)",
  default: '  (the demo\'s; another --upstream or --django-project gets a folder of its own)'
}

function tokenOfFile(file: string): string {
  const token = readTokenFile(file, 'write the token on its first line')
  if (token === null) throw new Error(`--token-file ${file}: no such file`)
  return token
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open'
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url]
  const child = spawn(command, args, { stdio: 'ignore', detached: true })
  child.on('error', () => console.error(`could not open a browser (${command}); open the URL above yourself`))
  child.unref()
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'restore') return restore(argv.slice(1))
  let options: ReturnType<typeof parseCli>
  try {
    options = parseCli(argv)
  } catch (e) {
    console.error(`session-inspector: ${(e as Error).message}`)
    return EXIT.usage
  }
  if (options === 'help') {
    process.stdout.write(HELP)
    return 0
  }
  if (options === 'version') {
    console.log(VERSION)
    return 0
  }
  const o = options
  let inspector: Inspector | null = null
  let control: Awaited<ReturnType<typeof startControlServer>> | null = null
  const log = (line: string) => console.error(`session-inspector: ${line}`)
  // Listening before anything starts: a signal that comes while starting, or the moment
  // "Press Ctrl+C" is out (a script may send it as soon as it reads that line), still closes
  // everything cleanly instead of killing the process with Node's default action.
  let signalled: ((signal: string) => void) | null = null
  let early: string | null = null
  const onSignal = (signal: string) => (signalled ? signalled(signal) : (early ??= signal))
  const onInt = () => onSignal('SIGINT')
  const onTerm = () => onSignal('SIGTERM')
  // The terminal closed: the same clean close (observe mode gives the app's sessions their time back).
  const onHup = () => onSignal('SIGHUP')
  process.once('SIGINT', onInt)
  process.once('SIGTERM', onTerm)
  process.once('SIGHUP', onHup)
  if (o.readyJson) removeReadyFile(o.readyJson)
  if (o.token !== undefined) log(`--token is visible to every user of this machine in the process list: prefer ${TOKEN_ENV}=… or --token-file FILE`)
  try {
    const observed = o.observe ? await resolveObserve(o.observe, o.settings) : null
    if (observed) console.log(observed.banner.join('\n'))
    inspector = await Inspector.start({
      dataDir: o.dataDir,
      upstream: o.upstream,
      listen: o.listen,
      settings: observed?.settings ?? o.settings,
      observeDjango: o.observeDjango,
      ...(observed
        ? { observe: observed.observe, secretKeyFallbacks: observed.secretKeyFallbacks, projectSettings: observed.projectSettings, ...(observed.djangoRelease ? { djangoRelease: observed.djangoRelease } : {}) }
        : o.database ? { databasePath: o.database } : {}),
      log
    })
    // Read under the data folder's lock (Inspector.start took it): never two starts making two tokens.
    const token = o.tokenFile !== undefined ? tokenOfFile(o.tokenFile) : loadOrCreateToken(o.dataDir, { explicit: o.token })
    try {
      control = await startControlServer({ api: inspector.api, events: inspector, token, host: o.control.host, port: o.control.port, version: VERSION, log })
    } catch (e) {
      throw new Error(/EADDRINUSE|in use/.test((e as Error).message) ? `the control port ${o.control.host}:${o.control.port} is already in use` : (e as Error).message)
    }
    inspector.setControlUrl(control.url)
    const uiUrl = `${control.url}/#token=${encodeURIComponent(token)}`
    const upstream = inspector.status().demoUrl ? `the demo app (${inspector.status().demoUrl})` : o.upstream
    console.log(`Session Inspector ${VERSION}`)
    console.log(`  proxy:   ${inspector.proxyUrl}  ->  ${upstream}`)
    console.log(`  web UI:  ${uiUrl}`)
    console.log(`  data:    ${o.dataDir}${DATA_DIR_NOTE[o.dataDirFrom]}`)
    for (const line of await settingsLines(inspector, o)) console.log(line)
    if (o.readyJson) {
      const { proxyUrl, controlUrl, upstream: target, mode } = inspector.status()
      writeReadyFile(o.readyJson, { version: VERSION, pid: process.pid, proxyUrl, controlUrl, uiUrl, token, dataDir: o.dataDir, upstream: target, mode })
    }
    console.log('Press Ctrl+C to stop.')
    if (o.open) openInBrowser(uiUrl)
  } catch (e) {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
    process.off('SIGHUP', onHup)
    console.error(`session-inspector: ${(e as Error).message}`)
    await control?.close().catch(() => undefined)
    await inspector?.close().catch(() => undefined)
    return EXIT.startFailed
  }
  const running = { inspector, control }
  return new Promise<number>((resolve) => {
    let stopping = false
    signalled = (signal: string) => {
      if (stopping) return
      stopping = true
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      process.off('SIGHUP', onHup)
      // A second signal while closing (give-back retrying on a locked store) is not fatal.
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => console.error(`session-inspector: ${s}: still closing (giving the app's sessions their time back)`))
      console.error(`session-inspector: ${signal}: closing`)
      void Promise.allSettled([running.control?.close(), running.inspector?.close()]).then(() => {
        if (o.readyJson) removeReadyFile(o.readyJson)
        resolve(EXIT.stopped)
      })
    }
    if (early) signalled(early)
    if (o.stopOnStdinClose) watchStdin(() => signalled?.('standard input closed'))
  })
}

/** `session-inspector restore [options]`: the observe options say where the app's sessions are. */
async function restore(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(RESTORE_HELP)
    return 0
  }
  let options: ReturnType<typeof parseCli>
  try {
    options = parseCli(argv.includes('--observe-django') || argv.includes('--django-project') ? argv : ['--observe-django', ...argv])
  } catch (e) {
    console.error(`session-inspector restore: ${(e as Error).message}`)
    return EXIT.usage
  }
  if (typeof options === 'string' || !options.observe) {
    process.stdout.write(RESTORE_HELP)
    return EXIT.usage
  }
  return runRestore(options.observe, options.settings, options.dataDir)
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code))
}
