// settings.json keeps what was changed through the API and differs from Django's defaults:
// a value set back to its default leaves it, and this run's --set is never written by it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDir } from '../../src/main/service/data-dir'
import { validateSettingsPatch } from '../../src/shared/settings'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const saved = () => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>

describe('DataDir settings', () => {
  it('saves only the changed settings that differ from the defaults, and forgets one set back', () => {
    dir = mkdtempSync(join(tmpdir(), 'si-datadir-'))
    const data = new DataDir(dir)
    let settings = data.loadSettings(() => undefined)
    expect(data.savedSettingNames()).toEqual([])
    // A --set of this run: applied, not saved.
    settings = { ...settings, SESSION_COOKIE_AGE: 20 }
    const change = validateSettingsPatch(settings, { SESSION_EXPIRE_AT_BROWSER_CLOSE: true })
    if (!change.ok) throw new Error('refused')
    data.saveChangedSettings(change.settings, change.changed)
    expect(saved()).toEqual({ SESSION_EXPIRE_AT_BROWSER_CLOSE: true })
    const back = validateSettingsPatch(change.settings, { SESSION_EXPIRE_AT_BROWSER_CLOSE: false })
    if (!back.ok) throw new Error('refused')
    data.saveChangedSettings(back.settings, back.changed)
    expect(saved()).toEqual({})
  })

  it('reads an old full settings.json, and names only what differs from the defaults as saved', () => {
    dir = mkdtempSync(join(tmpdir(), 'si-datadir-'))
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ SESSION_COOKIE_AGE: 1209600, SESSION_COOKIE_NAME: 'shop', SESSION_ENGINE: 'db' }))
    const data = new DataDir(dir)
    expect(data.loadSettings(() => undefined).SESSION_COOKIE_NAME).toBe('shop')
    expect(data.savedSettingNames()).toEqual(['SESSION_COOKIE_NAME'])
  })
})
