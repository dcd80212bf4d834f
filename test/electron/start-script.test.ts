// scripts/start.mjs, run for real in a scratch copy of the project: Electron when its binary
// is installed, else one line and the headless CLI, whose banner comes last, framed;
// arguments, exit codes and signals pass through.
import { spawn } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SCRIPT = new URL('../../scripts/start.mjs', import.meta.url)
const HEADLESS_LINE = 'Electron is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD); starting the headless mode instead.'

// A stand-in program: prints who it is and its arguments, then exits with code 7, or
// waits to be signalled when asked to and reports the signal.
const FAKE = `
const [who, ...args] = process.argv.slice(1)
console.log(JSON.stringify({ who: require('node:path').basename(who), args }))
if (args.includes('--banner')) {
  // The CLI's banner, a line at a time, then a line once it runs.
  for (const line of ['Session Inspector 9.9.9', '  proxy:   http://127.0.0.1:8080  ->  the demo app', '  web UI:  http://127.0.0.1:8081/#token=abc', '  data:    /tmp/x', 'Press Ctrl+C to stop.']) console.log(line)
  setTimeout(() => { console.log('after the banner'); process.exit(0) }, 100)
} else if (args.includes('--wait')) {
  process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(3) })
  console.log('ready')
  setInterval(() => {}, 1000)
} else {
  process.exit(7)
}
`

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'si-start-'))
  mkdirSync(join(root, 'scripts'))
  copyFileSync(SCRIPT, join(root, 'scripts', 'start.mjs'))
  writeFileSync(join(root, 'package.json'), '{"name":"scratch","private":true}')
  mkdirSync(join(root, 'out', 'main'), { recursive: true })
  writeFileSync(join(root, 'out', 'main', 'cli.js'), FAKE)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function installFakeElectron(): void {
  const dir = join(root, 'node_modules', 'electron')
  mkdirSync(join(dir, 'dist'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{"name":"electron","version":"0.0.0","main":"index.js"}')
  writeFileSync(join(dir, 'index.js'), 'throw new Error("start.mjs must not require electron (it downloads)")')
  writeFileSync(join(dir, 'path.txt'), 'electron')
  writeFileSync(join(dir, 'dist', 'electron'), `#!${process.execPath}\n${FAKE}`)
  chmodSync(join(dir, 'dist', 'electron'), 0o755)
}

function start(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
  const env = { ...process.env }
  delete env.ELECTRON_OVERRIDE_DIST_PATH
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], { cwd: root, env })
  const lines: string[] = []
  let buffer = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let i: number
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      lines.push(line)
      onLine?.(line, child)
    }
  })
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, lines }))
  })
}

describe('scripts/start.mjs', () => {
  it('without Electron: says so in one line and runs the headless CLI with the same arguments', async () => {
    const { code, lines } = await start(['--upstream', 'http://localhost:8000', '--set', 'A=1'])
    expect(lines[0]).toBe(HEADLESS_LINE)
    expect(JSON.parse(lines[1] as string)).toEqual({ who: 'cli.js', args: ['--upstream', 'http://localhost:8000', '--set', 'A=1'] })
    expect(lines).toHaveLength(2)
    expect(code).toBe(7)
  })

  it('without Electron: prints the CLI\'s banner last, framed, with the addresses, then passes the rest through', async () => {
    const { code, lines } = await start(['--banner'])
    expect(code).toBe(0)
    expect(lines[0]).toBe(HEADLESS_LINE)
    // What the CLI prints before its banner passes straight through.
    expect(lines[1]).toBe('{"who":"cli.js","args":["--banner"]}')
    const rule = '='.repeat(78)
    const top = lines.indexOf(rule)
    const bottom = lines.lastIndexOf(rule)
    expect(top).toBeGreaterThan(0)
    expect(lines.slice(top, bottom + 1)).toEqual([
      rule,
      '  Headless mode (Electron is not installed here): open the web UI address in a browser.',
      '',
      '  Session Inspector 9.9.9',
      '    proxy:   http://127.0.0.1:8080  ->  the demo app',
      '    web UI:  http://127.0.0.1:8081/#token=abc',
      '    data:    /tmp/x',
      '  Press Ctrl+C to stop.',
      rule
    ])
    // Nothing of the banner outside the frame; what comes later passes through.
    expect(lines.filter((l) => l.includes('web UI:'))).toHaveLength(1)
    expect(lines.at(-1)).toBe('after the banner')
  })

  it('with Electron installed: runs it on the project, without requiring the electron module', async () => {
    installFakeElectron()
    const { code, lines } = await start(['--upstream=demo'])
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ who: 'electron', args: [root, '--upstream=demo'] }])
    expect(code).toBe(7)
  })

  it('forwards SIGTERM to the child and ends with its exit code', async () => {
    const { code, lines } = await start(['--wait'], (line, child) => {
      if (line === 'ready') child.kill('SIGTERM')
    })
    expect(lines).toContain('got SIGTERM')
    expect(code).toBe(3)
  })

  it('says to build first when the CLI is missing', async () => {
    rmSync(join(root, 'out'), { recursive: true })
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root })
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const code = await new Promise((r) => child.on('close', r))
    expect(code).toBe(1)
    expect(err).toContain('npm run build')
  })
})
