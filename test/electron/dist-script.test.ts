// scripts/dist.mjs with stand-ins for npx and npm on PATH: the steps in order, arguments to
// electron-builder, and better-sqlite3 rebuilt for Node again even when packaging fails.
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SCRIPT = new URL('../../scripts/dist.mjs', import.meta.url).pathname

// Logs "<tool> <args>" and exits with the code named in FAIL ("electron-builder=5"), else 0.
const FAKE = `#!/bin/sh
echo "$(basename "$0") $*" >> "$DIST_LOG"
for rule in $FAIL; do
  case "$rule" in "$1="*) exit "\${rule#*=}" ;; esac
done
exit 0
`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'si-dist-'))
  for (const tool of ['npx', 'npm']) {
    writeFileSync(join(dir, tool), FAKE)
    chmodSync(join(dir, tool), 0o755)
  }
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function dist(args: string[], fail = ''): Promise<{ code: number | null; steps: string[] }> {
  const log = join(dir, 'log')
  writeFileSync(log, '')
  const env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}`, DIST_LOG: log, FAIL: fail }
  const child = spawn(process.execPath, [SCRIPT, ...args], { env, stdio: 'ignore' })
  return new Promise((done) =>
    child.once('exit', (code) => done({ code, steps: readFileSync(log, 'utf8').split('\n').filter(Boolean) }))
  )
}

describe.skipIf(process.platform === 'win32')('npm run dist', () => {
  it('builds, packages with the given arguments, then rebuilds better-sqlite3 for Node', async () => {
    const { code, steps } = await dist(['--linux', 'AppImage'])
    expect(steps).toEqual(['npx electron-vite build', 'npx electron-builder --linux AppImage', 'npm rebuild better-sqlite3'])
    expect(code).toBe(0)
  })

  it('still rebuilds for Node when packaging fails, and ends with the packaging error', async () => {
    const { code, steps } = await dist([], 'electron-builder=5')
    expect(steps).toEqual(['npx electron-vite build', 'npx electron-builder', 'npm rebuild better-sqlite3'])
    expect(code).toBe(5)
  })

  it('stops after a failed build: nothing was rebuilt for Electron yet', async () => {
    const { code, steps } = await dist([], 'electron-vite=2')
    expect(steps).toEqual(['npx electron-vite build'])
    expect(code).toBe(2)
  })

  it('fails when better-sqlite3 cannot be rebuilt for Node', async () => {
    const { code } = await dist([], 'rebuild=1')
    expect(code).toBe(1)
  })
})
