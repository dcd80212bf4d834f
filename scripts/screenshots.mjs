#!/usr/bin/env node
// `npm run screenshots` (after the build): refreshes the README's pictures in docs/screenshots/
// by running the end-to-end test that takes them, with SI_SCREENSHOTS_DIR pointing there.
// `npm test` runs the same test but writes to test-results/screenshots/ (ignored by git), so a
// test run never changes tracked files. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const windows = process.platform === 'win32'
const dir = join(root, 'docs', 'screenshots')
const args = ['vitest', 'run', 'test/e2e/inspector.e2e.test.ts', '--testNamePattern', 'screenshots of every screen|the upstream is down', ...process.argv.slice(2)]

console.log(`screenshots: writing ${dir}`)
// .cmd files need a shell on Windows (Node refuses to spawn them directly since 20.12).
const result = spawnSync(windows ? 'npx.cmd' : 'npx', args, { cwd: root, stdio: 'inherit', shell: windows, env: { ...process.env, SI_SCREENSHOTS_DIR: dir } })
if (result.error) console.error(`screenshots: cannot run npx: ${result.error.message}`)
process.exit(result.status ?? 1)
