// Under a umask of 022 (files 0644 by default, readable by every local user), what the
// inspector writes is its owner's only: the data folder 0700, every file in it 0600
// (the SQLite files and their -wal/-shm included), the file engine's session files 0600;
// a Django project's existing database keeps the mode it has.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadOrCreateToken } from '../../src/main/control/token'
import { Inspector } from '../../src/main/inspector'
import { openSessionSqlite } from '../../src/main/engine/database'
import { Browser } from './support'

const mode = (path: string) => statSync(path).mode & 0o777
const modes = (dir: string) => Object.fromEntries(readdirSync(dir).map((name) => [name, mode(join(dir, name)).toString(8)]))

let root: string
let umask: number
beforeAll(() => {
  umask = process.umask(0o022)
  root = mkdtempSync(join(tmpdir(), 'si-file-modes-'))
})
afterAll(() => {
  process.umask(umask)
  rmSync(root, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('file modes under umask 022', () => {
  it('a new data folder is 0700 and every file in it 0600, while running and after', async () => {
    const dataDir = join(root, 'new', 'Session Inspector')
    loadOrCreateToken(dataDir, { env: {} })
    const inspector = await Inspector.start({ dataDir, upstream: 'demo', listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    try {
      const b = new Browser(inspector.proxyUrl)
      await b.get('/p1/set/')
      await inspector.api.updateSettings({ settings: { SESSION_COOKIE_AGE: 600 } })
      await inspector.api.listTraffic({})
      const files = modes(dataDir)
      expect(Object.keys(files)).toEqual(expect.arrayContaining(['sessions.sqlite3', 'sessions.sqlite3-wal', 'sessions.sqlite3-shm', 'inspector.sqlite3', 'inspector.sqlite3-wal', 'settings.json', 'secret_key', 'token']))
      expect(Object.values(files).every((m) => m === '600'), JSON.stringify(files)).toBe(true)
    } finally {
      await inspector.close()
    }
    expect(mode(dataDir).toString(8)).toBe('700')
    expect(Object.values(modes(dataDir)).every((m) => m === '600')).toBe(true)
  })

  it('a data folder an older version left open (0755, files 0644) is closed at start', async () => {
    const dataDir = join(root, 'old')
    const first = await Inspector.start({ dataDir, upstream: 'demo', listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    await first.close()
    chmodSync(dataDir, 0o755)
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644)
    const again = await Inspector.start({ dataDir, upstream: 'demo', listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    await again.close()
    expect(mode(dataDir).toString(8)).toBe('700')
    expect(Object.values(modes(dataDir)).every((m) => m === '600'), JSON.stringify(modes(dataDir))).toBe(true)
  })

  it('--database: a new file is created 0600; a Django project\'s existing one keeps its mode', async () => {
    const project = join(root, 'project')
    mkdirSync(project)
    const existing = join(project, 'db.sqlite3')
    openSessionSqlite(existing).close()
    chmodSync(existing, 0o644)
    const fresh = join(project, 'fresh.sqlite3')
    for (const [databasePath, expected] of [[existing, '644'], [fresh, '600']] as const) {
      const inspector = await Inspector.start({ dataDir: join(root, `data-${expected}`), databasePath, upstream: 'demo', listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
      try {
        await new Browser(inspector.proxyUrl).get('/p1/set/')
        expect(mode(databasePath).toString(8)).toBe(expected)
      } finally {
        await inspector.close()
      }
    }
  })

  it('the file engine writes session files 0600, as Django\'s mkstemp does (the temp dir is shared)', async () => {
    const store = join(root, 'file-store')
    mkdirSync(store)
    const inspector = await Inspector.start({ dataDir: join(root, 'data-file'), upstream: 'demo', settings: { SESSION_ENGINE: 'file', SESSION_FILE_PATH: store }, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
    try {
      await new Browser(inspector.proxyUrl).get('/p1/set/')
      const files = modes(store)
      expect(Object.keys(files)).toHaveLength(1)
      expect(Object.values(files)).toEqual(['600'])
    } finally {
      await inspector.close()
    }
  })
})

