// The command line's options for test runners and CI (issue 24), kept apart from cli.ts: a
// machine-readable file written once the proxy and the control API listen (so a runner can
// ask for free ports with --listen 127.0.0.1:0 and read back which it got), and a way to stop
// when the process that started it goes away without a signal (a killed test worker).
import { renameSync, rmSync, writeFileSync } from 'node:fs'

/** parseArgs definitions of the CI flags (merged into cli.ts's). */
export const CI_FLAGS = {
  'ready-json': { type: 'string' },
  'stop-on-stdin-close': { type: 'boolean' }
} as const

export const CI_HELP = `  --ready-json FILE     once listening, write {proxyUrl, controlUrl, uiUrl, token, ...} to FILE
                        (mode 0600: it holds the token); removed again when it stops
  --stop-on-stdin-close stop cleanly when standard input closes (the parent process ended)
`

/** The exit codes a runner can act on (README "Headless mode and the command line"). */
export const EXIT = {
  /** Stopped cleanly: SIGINT, SIGTERM, or stdin closed with --stop-on-stdin-close. */
  stopped: 0,
  /** Could not start: a port in use, an unreadable project or store, an unwritable file. */
  startFailed: 1,
  /** The command line is wrong: an unknown option, a bad value. Running it again will not help. */
  usage: 2
} as const

export interface CiOptions {
  readyJson?: string
  stopOnStdinClose?: true
}

type Values = { 'ready-json'?: string; 'stop-on-stdin-close'?: boolean }

export function parseCiFlags(v: Values): CiOptions {
  if (v['ready-json'] !== undefined && v['ready-json'].trim() === '') throw new Error('--ready-json: expected a file name')
  return {
    ...(v['ready-json'] ? { readyJson: v['ready-json'] } : {}),
    ...(v['stop-on-stdin-close'] ? { stopOnStdinClose: true as const } : {})
  }
}

/** What --ready-json writes: everything a script needs to drive this instance. */
export interface ReadyInfo {
  version: string
  pid: number
  proxyUrl: string
  controlUrl: string
  /** The web UI with the token in its fragment. */
  uiUrl: string
  token: string
  dataDir: string
  /** The upstream URL, or "demo". */
  upstream: string
  mode: 'middleware' | 'observe-django'
}

/**
 * Writes the ready file whole or not at all (a temporary file renamed into place), so a
 * runner polling for it never reads half of it. 0600: the token is in it.
 */
export function writeReadyFile(path: string, info: ReadyInfo): void {
  const partial = `${path}.${process.pid}.partial`
  try {
    writeFileSync(partial, `${JSON.stringify(info)}\n`, { mode: 0o600 })
    renameSync(partial, path)
  } catch (e) {
    rmSync(partial, { force: true })
    throw new Error(`--ready-json: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
}

/** A ready file left by an earlier run must not be taken for this one's. */
export function removeReadyFile(path: string): void {
  try {
    rmSync(path, { force: true })
  } catch {
    // a folder in its place, say: writing it later says so
  }
}

/** Calls `onClose` once standard input ends or fails (the parent that held its other end is gone). */
export function watchStdin(onClose: () => void): void {
  let done = false
  const close = () => {
    if (done) return
    done = true
    onClose()
  }
  process.stdin.on('end', close)
  process.stdin.on('close', close)
  process.stdin.on('error', close)
  // Reading is what lets 'end' come; the bytes themselves mean nothing.
  process.stdin.on('data', () => undefined)
  process.stdin.resume()
}
