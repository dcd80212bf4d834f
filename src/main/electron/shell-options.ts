// The few options the desktop app takes on its command line (`electron . --upstream URL`);
// anything else (Chromium's own switches) is left alone.
import { DEFAULT_CONTROL, DEFAULT_LISTEN } from '../inspector-options'

export interface HostPort {
  host: string
  port: number
}

export interface ShellOptions {
  upstream?: string
  listen: HostPort
  control: HostPort
  dataDir?: string
  /** Why an option was ignored, to show once. */
  warnings: string[]
}

/** "HOST:PORT", "[::1]:PORT" or just "PORT" (on 127.0.0.1); null when malformed. */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort | null {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text.trim())
  if (!match) return null
  const port = Number(match[2])
  if (port > 65535) return null
  const host = match[1] ? match[1].replace(/^\[|\]$/g, '') : defaultHost
  return { host, port }
}

const FLAGS = ['--upstream', '--listen', '--control', '--data-dir'] as const
type Flag = (typeof FLAGS)[number]

export function readShellOptions(argv: readonly string[]): ShellOptions {
  const options: ShellOptions = { listen: { ...DEFAULT_LISTEN }, control: { ...DEFAULT_CONTROL }, warnings: [] }
  const values = new Map<Flag, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const eq = arg.indexOf('=')
    const name = (eq >= 0 ? arg.slice(0, eq) : arg) as Flag
    if (!FLAGS.includes(name)) continue
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined || value === '') options.warnings.push(`${name} needs a value`)
    else values.set(name, value)
  }
  const upstream = values.get('--upstream')
  if (upstream !== undefined) {
    if (upstream === 'demo' || /^https?:\/\/[^/]/i.test(upstream)) options.upstream = upstream
    else options.warnings.push(`--upstream must be an http(s) URL or "demo", got ${JSON.stringify(upstream)}`)
  }
  for (const [flag, key] of [['--listen', 'listen'], ['--control', 'control']] as const) {
    const text = values.get(flag)
    if (text === undefined) continue
    const parsed = parseHostPort(text)
    if (parsed) options[key] = parsed
    else options.warnings.push(`${flag} must be HOST:PORT, got ${JSON.stringify(text)}`)
  }
  const dataDir = values.get('--data-dir')
  if (dataDir !== undefined) options.dataDir = dataDir
  return options
}
