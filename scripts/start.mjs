#!/usr/bin/env node
// `npm start` (after the build): the desktop app when Electron's binary is installed, else the
// headless mode (out/main/cli.js) with the same arguments. Exit codes and signals pass through.
// Headless, the CLI's banner (the addresses) comes after the build's thirty-odd lines, so it
// is printed again once the CLI is ready, last, framed: a block nobody scrolls past.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * The Electron executable, or null when it is not installed. This is what require('electron')
 * answers, read without calling it: when the binary is missing that require starts a download.
 */
function electronBinary() {
  let dir
  try {
    dir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
  } catch {
    return null
  }
  let relative
  try {
    relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim()
  } catch {
    return null
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const binary = override ? join(override, relative || 'electron') : join(dir, 'dist', relative)
  return relative && existsSync(binary) ? binary : null
}

/** The line the CLI prints when it is ready; its banner is everything before it. */
const READY_LINE = 'Press Ctrl+C to stop.'
const RULE = '='.repeat(78)

/** The CLI's banner in a frame, with what the headless mode means. */
function framedBanner(bannerLines) {
  const tty = process.stdout.isTTY && !process.env.NO_COLOR
  const bold = (text) => (tty ? `\x1b[1m${text}\x1b[22m` : text)
  return [
    '',
    RULE,
    bold('  Headless mode (Electron is not installed here): open the web UI address in a browser.'),
    '',
    ...bannerLines.map((line) => (/^\s*(web UI|proxy):/.test(line) ? bold(`  ${line}`) : `  ${line}`)),
    RULE,
    ''
  ].join('\n')
}

/** The banner's first line ("Session Inspector 0.1.0"): from there on, lines are held. */
const BANNER_START = /^Session Inspector \S+$/
/** A banner that never finishes is let out after this long. */
const HOLD_MS = 10_000

/**
 * Passes the CLI's stdout through line by line, except its banner: from its first line to
 * the ready line it is held, then printed framed. If the CLI ends, or the ready line does
 * not come in time, what was held comes out as it was.
 */
function reframe(stream) {
  let partial = ''
  let held = null
  let timer = null
  const out = (text) => process.stdout.write(text)
  const release = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (held) out(held.map((l) => `${l}\n`).join(''))
    held = null
  }
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    partial += chunk
    const lines = partial.split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (held) {
        held.push(line)
        if (line === READY_LINE) {
          clearTimeout(timer)
          timer = null
          out(`${framedBanner(held)}\n`)
          held = null
        }
      } else if (BANNER_START.test(line)) {
        held = [line]
        timer = setTimeout(release, HOLD_MS)
      } else {
        out(`${line}\n`)
      }
    }
  })
  return () => {
    release()
    if (partial) out(partial)
    partial = ''
  }
}

/** Runs a child in the foreground: our signals go to it, its exit (code or signal) becomes ours. */
function run(command, argv, env, { frame = false } = {}) {
  const child = spawn(command, argv, { stdio: ['inherit', frame ? 'pipe' : 'inherit', 'inherit'], env })
  const flush = frame ? reframe(child.stdout) : () => undefined
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of SIGNALS) process.on(signal, forward)
  child.on('error', (error) => {
    console.error(`cannot start ${command}: ${error.message}`)
    process.exit(1)
  })
  // 'close', not 'exit': the piped stdout has been read to its end by then.
  child.on('close', (code, signal) => {
    flush()
    for (const s of SIGNALS) process.off(s, forward)
    // Once what we wrote has reached the terminal or pipe.
    process.stdout.write('', () => {
      if (signal) process.kill(process.pid, signal)
      else process.exit(code ?? 1)
    })
  })
}

const electron = electronBinary()
if (electron) {
  const env = { ...process.env }
  // Set by some tools (and inherited from them), it would make Electron behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE
  run(electron, [root, ...args], env)
} else {
  const cli = join(root, 'out', 'main', 'cli.js')
  if (!existsSync(cli)) {
    console.error('session-inspector: not built yet; run `npm run build` first')
    process.exit(1)
  }
  console.log('Electron is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD); starting the headless mode instead.')
  run(process.execPath, [cli, ...args], process.env, { frame: true })
}
