// Issue 23, items 2 to 4: the data folder's own files, damaged as a careless user or a crash
// leaves them, with the built CLI as a user runs it. Every file that holds something of the
// user's (the SECRET_KEY, saved settings, sessions, the token) stops the start with one line
// naming it, what is wrong and what to do, exit 1, no stack trace, and the file untouched; the
// traffic log (inspector.sqlite3, only a record of what was seen) is moved aside; a second
// instance on the same folder is refused at once, and a lock left by kill -9 is taken over.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, startCli, type CliResult, type RunningCli } from '../cli/support'

const dirs: string[] = []
const running: RunningCli[] = []
afterAll(() => {
  for (const r of running) r.kill()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'si-files-'))
  dirs.push(dir)
  return dir
}
const FREE = ['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0']
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** A refusal as the issue asks: exit 1, exactly one line, naming the file, no stack trace. */
function expectOneLine(r: CliResult, file: string, words: RegExp): string {
  expect(r.code, r.stderr).toBe(1)
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  const line = lines[0] as string
  expect(line.startsWith('session-inspector: ')).toBe(true)
  expect(line).toContain(file)
  expect(line).toMatch(words)
  expect(r.stderr).not.toMatch(/^\s+at |SqliteError|node:internal|^session-inspector: \w*Error:/m)
  return line
}

/** A db-store SQLite file with `n` sessions, written as the engine's schema is. */
function sessionsFile(path: string, n: number): void {
  const db = new Database(path)
  db.exec('CREATE TABLE django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data text NOT NULL, expire_date datetime NOT NULL)')
  const insert = db.prepare('INSERT INTO django_session VALUES (?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`key${String(i).padStart(36, '0')}`, 'x'.repeat(300), '2999-01-01 00:00:00')
  })()
  db.close()
}

const cases: { name: string; file: string; setup: (path: string) => void; words: RegExp }[] = [
  { name: 'an empty secret_key', file: 'secret_key', setup: (p) => writeFileSync(p, ''), words: /is empty: .*SECRET_KEY.*backup.*delete it.*--set SECRET_KEY/ },
  { name: 'a secret_key that is a folder', file: 'secret_key', setup: (p) => mkdirSync(p), words: /cannot be read \(it is a folder\).*--set SECRET_KEY/ },
  { name: 'settings.json holding null', file: 'settings.json', setup: (p) => writeFileSync(p, 'null\n'), words: /holds null, not an object of settings: fix it, or delete it/ },
  { name: 'settings.json holding garbage', file: 'settings.json', setup: (p) => writeFileSync(p, '{"SESSION_COOKIE_AGE": 20,'), words: /is not valid JSON \(.*\): fix it, or delete it/ },
  { name: 'a token that is a folder', file: 'token', setup: (p) => mkdirSync(p), words: /is a folder, not a file: .*delete it.*SESSION_INSPECTOR_TOKEN/ },
  { name: 'an empty token', file: 'token', setup: (p) => writeFileSync(p, '\n'), words: /holds no usable control API token \(it is empty\); delete it/ },
  { name: 'random bytes as sessions.sqlite3', file: 'sessions.sqlite3', setup: (p) => writeFileSync(p, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251))), words: /not a SQLite database.*sessions.*backup.*\.recover.*move it aside.*--database/ },
  {
    name: 'a truncated sessions.sqlite3',
    file: 'sessions.sqlite3',
    setup: (p) => {
      sessionsFile(p, 3000)
      truncateSync(p, 200_000)
    },
    words: /(damaged|cut short).*sessions.*\.recover.*--database/
  },
  {
    name: 'a sessions.sqlite3 with a page overwritten inside',
    file: 'sessions.sqlite3',
    setup: (p) => {
      sessionsFile(p, 3000)
      const bytes = readFileSync(p)
      bytes.fill(0xff, 4096 * 50, 4096 * 52)
      writeFileSync(p, bytes)
    },
    words: /it is damaged \(Tree \d+ page \d+.*\).*sessions.*\.recover.*--database/
  },
  {
    name: 'a SQLite file of another schema as sessions.sqlite3',
    file: 'sessions.sqlite3',
    setup: (p) => {
      const db = new Database(p)
      db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders VALUES (1, 9.5)')
      db.close()
    },
    words: /a SQLite database of something else \(tables: orders; no django_session\).*does not add its table.*--database/
  }
]

describe('a damaged file of the data folder stops the start with one line, and is left as it was', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tempDir()
      const path = join(dir, c.file)
      c.setup(path)
      const before = existsSync(path) && !readdirSafe(path) ? digest(path) : null
      const r = await runCli(['--data-dir', dir, ...FREE])
      expectOneLine(r, path, c.words)
      if (before) expect(digest(path)).toBe(before)
      if (c.file === 'sessions.sqlite3' && c.name.includes('another schema')) {
        const db = new Database(path, { readonly: true })
        expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'orders' }])
        db.close()
      }
      // Nothing else was made in its place, and no lock is left behind.
      expect(existsSync(join(dir, 'lock'))).toBe(false)
    })
  }

  it('an empty secret_key with --set SECRET_KEY: that run starts, and the file stays empty', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'secret_key'), '')
    const cli = await startCli(['--data-dir', dir, ...FREE, '--set', 'SECRET_KEY=for-this-run-only'])
    running.push(cli)
    expect((await cli.stop('SIGTERM')).code).toBe(0)
    expect(readFileSync(join(dir, 'secret_key'), 'utf8')).toBe('')
  })
})

function readdirSafe(path: string): boolean {
  try {
    readdirSync(path)
    return true
  } catch {
    return false
  }
}

describe('a damaged traffic log (inspector.sqlite3) is moved aside, said in one line, and started fresh', () => {
  const variants: { name: string; setup: (path: string) => void; words: RegExp }[] = [
    { name: 'random bytes', setup: (p) => writeFileSync(p, Buffer.alloc(4096, 0x5a)), words: /not a SQLite database/ },
    {
      name: 'a traffic table of another shape',
      setup: (p) => {
        const db = new Database(p)
        db.exec("CREATE TABLE traffic (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO traffic VALUES (1, 'x')")
        db.close()
      },
      words: /cannot be used \(.*(no such column|has no column)/
    }
  ]
  for (const v of variants) {
    it(v.name, async () => {
      const dir = tempDir()
      const path = join(dir, 'inspector.sqlite3')
      v.setup(path)
      const cli = await startCli(['--data-dir', dir, ...FREE])
      running.push(cli)
      const line = cli.stderr.split('\n').find((l) => l.includes(path)) ?? ''
      expect(line, cli.stderr).toMatch(v.words)
      expect(line).toMatch(/moved aside to .*inspector\.sqlite3\.damaged-.*the traffic log starts empty \(it is only a record of what the proxy saw\)/)
      const aside = readdirSync(dir).filter((f) => f.startsWith('inspector.sqlite3.damaged-') && !f.endsWith('-wal') && !f.endsWith('-shm'))
      expect(aside).toHaveLength(1)
      // The proxy serves and logs into the fresh file.
      expect((await fetch(`${cli.proxyUrl}/`)).status).toBe(200)
      expect((await cli.stop('SIGTERM')).code).toBe(0)
      const db = new Database(path, { readonly: true })
      expect((db.prepare('SELECT COUNT(*) AS n FROM traffic').get() as { n: number }).n).toBeGreaterThan(0)
      db.close()
    })
  }
})

describe('two instances on one data folder', () => {
  it('the second is refused at once naming the folder and the first process; after kill -9 the lock is taken over', async () => {
    const dir = tempDir()
    const ready = join(dir, 'ready.json')
    const first = await startCli(['--data-dir', dir, ...FREE, '--ready-json', ready])
    running.push(first)
    const { pid } = JSON.parse(readFileSync(ready, 'utf8')) as { pid: number }
    const second = await runCli(['--data-dir', dir, ...FREE])
    expectOneLine(second, dir, new RegExp(`is in use by another Session Inspector \\(pid ${pid}, started .*\\): stop it, or give this one another folder with --data-dir`))
    // The first is untouched: it still serves, and its lock still names it.
    expect((await fetch(`${first.proxyUrl}/`)).status).toBe(200)
    expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'))).toMatchObject({ pid })

    first.kill() // SIGKILL: its lock stays behind, stale
    await waitGone(pid)
    expect(existsSync(join(dir, 'lock'))).toBe(true)
    const third = await startCli(['--data-dir', dir, ...FREE])
    running.push(third)
    expect(third.stderr).toContain(`took over the data folder's lock from pid ${pid}, which no longer runs`)
    expect((await third.stop('SIGTERM')).code).toBe(0)
    expect(existsSync(join(dir, 'lock'))).toBe(false)
  })
})

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`pid ${pid} still runs`)
}

/** Root with mount(2) (a container or CI machine): a read-only tmpfs is the real EROFS. */
function mountReadOnly(): string | null {
  const dir = tempDir()
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'ignore' })
    return dir
  } catch {
    return null
  }
}
const readOnly = process.platform === 'linux' && process.getuid?.() === 0 ? mountReadOnly() : null
afterAll(() => {
  if (readOnly) execFileSync('umount', [readOnly])
})

describe.skipIf(!readOnly)('a data folder on a read-only file system (EROFS)', () => {
  it('an existing folder: one line saying it is read-only, not "unable to open database file"', async () => {
    const r = await runCli(['--data-dir', readOnly as string, ...FREE])
    expectOneLine(r, readOnly as string, /cannot be written \(.* is on a read-only file system \(EROFS\)\).*--data-dir/)
  })

  it('a folder to create inside it: EROFS named, not ENOENT … mkdir', async () => {
    const r = await runCli(['--data-dir', join(readOnly as string, 'a', 'b'), ...FREE])
    const line = expectOneLine(r, join(readOnly as string, 'a', 'b'), /cannot create the data folder .*: .* is on a read-only file system \(EROFS\); choose another with --data-dir/)
    expect(line).not.toContain('ENOENT')
  })
})
