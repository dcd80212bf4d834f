// Engine.updateSettings: the shared validator plus the machine's own checks; a refused patch changes nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings'

const current: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'k'.repeat(50) }

describe('Engine.updateSettings', () => {
  it('one bad value in a patch refuses the whole patch: the engine keeps every old value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-settings-'))
    const engine = new Engine({ settings: current, databasePath: join(dir, 'sessions.sqlite3') })
    try {
      const r = engine.updateSettings({ SESSION_COOKIE_AGE: 60, SESSION_ENGINE: 'file', SESSION_COOKIE_SAMESITE: 'sometimes' })
      expect(r.ok).toBe(false)
      expect(engine.settings()).toEqual(current)
      expect(engine.updateSettings({ SESSION_COOKIE_AGE: 60, SESSION_ENGINE: 'django.contrib.sessions.backends.file' }).ok).toBe(true)
      expect(engine.settings()).toMatchObject({ SESSION_COOKIE_AGE: 60, SESSION_ENGINE: 'file' })
    } finally {
      await engine.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
