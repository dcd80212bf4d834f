// Builds real engines for tests: a temp data dir with a real SQLite file, a real
// session-file directory, and the in-memory or a real Redis cache.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_SETTINGS, type EngineName, type Settings } from '../../src/shared/settings'
import { Engine, type Clock } from '../../src/main/engine'

export const TEST_SECRET = 'django-insecure-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz'

export interface EngineVariant {
  name: string
  engine: EngineName
  /** CACHES['default'] */
  cache?: 'locmem' | 'redis'
}

export const VARIANTS: EngineVariant[] = [
  { name: 'db', engine: 'db' },
  { name: 'file', engine: 'file' },
  { name: 'cache (locmem)', engine: 'cache', cache: 'locmem' },
  { name: 'cache (redis)', engine: 'cache', cache: 'redis' },
  { name: 'cached_db (locmem)', engine: 'cached_db', cache: 'locmem' },
  { name: 'cached_db (redis)', engine: 'cached_db', cache: 'redis' },
  { name: 'signed_cookies', engine: 'signed_cookies' }
]

export interface TestEngine {
  engine: Engine
  dir: string
  close(): Promise<void>
}

let redisDb = 0

/**
 * A fresh engine in a temp dir; Redis variants use their own logical database, flushed first.
 * `clock` replaces the engine's (e.g. one over a fake real time, so no test depends on wall time).
 */
export async function makeEngine(variant: EngineVariant, redisUrl: string, extra: Partial<Settings> = {}, clock?: Clock): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'si-engine-'))
  const sessionsDir = join(dir, 'files')
  const { mkdirSync } = await import('node:fs')
  mkdirSync(sessionsDir)
  let cacheUrl = 'locmem://?max_entries=100000'
  if (variant.cache === 'redis') {
    redisDb = (redisDb % 15) + 1
    cacheUrl = `${redisUrl}/${redisDb}`
    const { default: Redis } = await import('ioredis')
    const client = new Redis(cacheUrl)
    await client.flushdb()
    client.disconnect()
  }
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    SECRET_KEY: TEST_SECRET,
    SESSION_ENGINE: variant.engine,
    SESSION_FILE_PATH: sessionsDir,
    CACHES: { default: cacheUrl },
    ...extra
  }
  const engine = new Engine({ settings, databasePath: join(dir, 'sessions.sqlite3'), ...(clock ? { clock } : {}) })
  return {
    engine,
    dir,
    async close() {
      await engine.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Updates settings and fails the test if they were refused. */
export function set(engine: Engine, patch: Partial<Settings>): void {
  const r = engine.updateSettings(patch)
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '))
}
