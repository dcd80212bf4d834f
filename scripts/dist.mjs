#!/usr/bin/env node
// `npm run dist`: build, package with electron-builder, then rebuild better-sqlite3 for Node
// again. electron-builder (npmRebuild) rebuilds it for Electron in node_modules itself, in
// place, so without the last step the tests and the headless CLI would fail to load it after
// packaging. That step runs even when packaging fails. Extra arguments go to electron-builder
// (`npm run dist -- --linux AppImage`).
import { spawnSync } from 'node:child_process'

const windows = process.platform === 'win32'
const bin = (name) => (windows ? `${name}.cmd` : name)

/** Runs a command in the foreground; its exit code (1 when it could not start or was killed). */
function run(command, args) {
  console.log(`dist: ${command} ${args.join(' ')}`)
  // .cmd files need a shell on Windows (Node refuses to spawn them directly since 20.12).
  const result = spawnSync(bin(command), args, { stdio: 'inherit', shell: windows })
  if (result.error) console.error(`dist: cannot run ${command}: ${result.error.message}`)
  return result.status ?? 1
}

let code = run('npx', ['electron-vite', 'build'])
if (code === 0) {
  code = run('npx', ['electron-builder', ...process.argv.slice(2)])
  if (run('npm', ['rebuild', 'better-sqlite3']) !== 0) {
    console.error('dist: better-sqlite3 is still built for Electron: run `npm rebuild better-sqlite3` before the tests or the CLI')
    if (code === 0) code = 1
  }
}
process.exit(code)
