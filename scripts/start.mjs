#!/usr/bin/env node
// `npm start` (after the build): the desktop app when Electron's binary is installed, else the
// headless mode (out/main/cli.js) with the same arguments. Exit codes and signals pass through.
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

/** Runs a child in the foreground: our signals go to it, its exit (code or signal) becomes ours. */
function run(command, argv, env) {
  const child = spawn(command, argv, { stdio: 'inherit', env })
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of SIGNALS) process.on(signal, forward)
  child.on('error', (error) => {
    console.error(`cannot start ${command}: ${error.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    for (const s of SIGNALS) process.off(s, forward)
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
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
  run(process.execPath, [cli, ...args], process.env)
}
