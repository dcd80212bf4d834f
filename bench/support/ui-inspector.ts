// For the UI benchmark: a data dir pre-seeded with N db sessions (written by the engine
// itself, under the data dir's own SECRET_KEY), and the built CLI started on it.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Engine } from '../../src/main/engine/engine'
import { DataDir } from '../../src/main/service/data-dir'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { randomKeys, sessionData } from './sessions'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'bin/session-inspector.js')

export interface RunningInspector {
  proxyUrl: string
  controlUrl: string
  token: string
  /** The web UI address the CLI prints, token included. */
  uiUrl: string
  stop(): Promise<void>
}

/** Fails clearly when the build the CLI serves is missing. */
export function assertBuilt(): void {
  const missing = ['out/main/cli.js', 'out/renderer/index.html'].filter((f) => !existsSync(join(ROOT, f)))
  if (missing.length) throw new Error(`the build is missing (${missing.join(', ')}): run \`npm run build\` first`)
}

/**
 * Writes `count` sessions into DATA_DIR/sessions.sqlite3 in one transaction, as the db
 * engine stores them. One in ten has already expired; the others expire over two weeks.
 */
export async function seedSessions(dataDir: string, count: number): Promise<void> {
  const secret = new DataDir(dataDir).secretKey()
  const engine = new Engine({ settings: { ...DEFAULT_SETTINGS, SECRET_KEY: secret }, databasePath: join(dataDir, 'sessions.sqlite3') })
  try {
    const store = engine.open()
    const db = engine.db()
    const now = engine.clock.nowMs()
    const age = DEFAULT_SETTINGS.SESSION_COOKIE_AGE * 1000
    const keys = randomKeys(count)
    db.transaction(() =>
      keys.forEach((key, i) => {
        const expires = i % 10 === 9 ? now - ((i % 97) + 1) * 60_000 : now + age - ((i * 7919) % age)
        db.insert(key, store.encode(sessionData(i)), new Date(expires))
      })
    )
  } finally {
    await engine.close()
  }
}

/** Starts `node bin/session-inspector.js` on loopback port 0 and waits for its URLs. */
export function startInspector(dataDir: string, extraArgs: string[] = []): Promise<RunningInspector> {
  const args = [CLI, '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', ...extraArgs]
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SESSION_INSPECTOR_TOKEN: '' } })
  let stdout = ''
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the inspector did not start within 30 s:\n${stdout}${stderr}`)), 30_000)
    child.once('exit', (code) => fail(new Error(`the inspector exited with code ${code}:\n${stderr}`)))
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      const proxy = /proxy:\s+(http:\/\/\S+)/.exec(stdout)?.[1]
      const ui = /web UI:\s+((http:\/\/[^/\s]+)\/#token=(\S+))/.exec(stdout)
      if (!proxy || !ui || !stdout.includes('Press Ctrl+C')) return
      clearTimeout(timer)
      ready({
        proxyUrl: proxy,
        uiUrl: ui[1] as string,
        controlUrl: ui[2] as string,
        token: decodeURIComponent(ui[3] as string),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
          await exited
          clearTimeout(killer)
        }
      })
    })
  })
}
