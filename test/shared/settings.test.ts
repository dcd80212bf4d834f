import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SETTINGS, dropMaskedSecrets, isDefaultSetting, maskSettings, pythonLiteral, SETTING_NAMES, SETTINGS_INFO, settingsDifferingFromDefaults, validateSettingsPatch, type SettingName, type Settings
} from '../../src/shared/settings'

const current: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'k'.repeat(50) }

describe('the settings validator', () => {
  it('accepts Django dotted names and normalises them', () => {
    const r = validateSettingsPatch(current, {
      SESSION_ENGINE: 'django.contrib.sessions.backends.signed_cookies',
      SESSION_SERIALIZER: 'django.contrib.sessions.serializers.JSONSerializer',
      SESSION_COOKIE_SAMESITE: false
    })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.settings.SESSION_ENGINE).toBe('signed_cookies')
    expect(r.settings.SESSION_SERIALIZER).toBe('json')
    expect(r.settings.SESSION_COOKIE_SAMESITE).toBeNull()
    expect(r.changed.sort()).toEqual(['SESSION_COOKIE_SAMESITE', 'SESSION_ENGINE'])
  })

  it('refuses a bad value naming the setting and the allowed values, and changes nothing', () => {
    const r = validateSettingsPatch(current, { SESSION_COOKIE_AGE: -5, SESSION_COOKIE_NAME: 'ok' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]!.setting).toBe('SESSION_COOKIE_AGE')
    expect(r.errors[0]!.message).toContain('SESSION_COOKIE_AGE')
    expect(r.errors[0]!.message).toContain('allowed: a whole number of seconds, 0 or more')
  })

  it('refuses unknown settings, pickle, a relative file path and a cache alias that names no cache', () => {
    const cases: [string, unknown, string][] = [
      ['SESSION_COOKIE_AGEE', 1, 'unknown setting'],
      ['SESSION_SERIALIZER', 'django.contrib.sessions.serializers.PickleSerializer', 'not supported'],
      ['SESSION_FILE_PATH', 'relative/dir', 'absolute'],
      ['SESSION_CACHE_ALIAS', 'other', 'the name of a cache in CACHES'],
      ['SESSION_COOKIE_SAMESITE', 'sometimes', '"Strict", "Lax", "None"'],
      ['SESSION_COOKIE_NAME', 'si_client', "proxy's own client cookie"],
      ['CACHES', { default: 'memcached://x' }, 'unknown URL']
    ]
    for (const [name, value, words] of cases) {
      const r = validateSettingsPatch(current, { [name]: value })
      expect(r.ok, name).toBe(false)
      if (!r.ok) expect(r.errors[0]!.message, name).toContain(words)
    }
  })

  it('accepts a redis cache and an alias naming it', () => {
    const r = validateSettingsPatch(current, { CACHES: { default: 'locmem://', sessions: 'redis://127.0.0.1:6379/0' }, SESSION_CACHE_ALIAS: 'sessions' })
    expect(r.ok).toBe(true)
  })
})

describe('every setting refuses a bad value by name, with its allowed values', () => {
  const BAD: Record<SettingName, unknown> = {
    SESSION_CACHE_ALIAS: '',
    SESSION_COOKIE_AGE: 1.5,
    SESSION_COOKIE_DOMAIN: 'not a domain!',
    SESSION_COOKIE_HTTPONLY: 'yes',
    SESSION_COOKIE_NAME: 'session id',
    SESSION_COOKIE_PATH: 'no-leading-slash',
    SESSION_COOKIE_SAMESITE: 'sometimes',
    SESSION_COOKIE_SECURE: 1,
    SESSION_ENGINE: 'django.contrib.sessions.backends.memcached',
    SESSION_EXPIRE_AT_BROWSER_CLOSE: null,
    SESSION_FILE_PATH: 42,
    SESSION_SAVE_EVERY_REQUEST: 'true',
    SESSION_SERIALIZER: 'django.core.serializers.yaml',
    SECRET_KEY: '',
    SECRET_KEY_FALLBACKS: ['ok', ''],
    DJANGO_VERSION: '2.2',
    CACHES: {}
  }

  for (const name of SETTING_NAMES) {
    it(name, () => {
      const r = validateSettingsPatch(current, { [name]: BAD[name] })
      expect(r.ok).toBe(false)
      if (r.ok) return
      expect(r.errors).toEqual([{ setting: name, message: expect.stringContaining(`${name}: `) }])
      expect(r.errors[0]!.message).toContain(`allowed: ${SETTINGS_INFO[name].allowed}`)
    })
  }
})

describe('what differs from Django’s defaults', () => {
  const defaults: Settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'k' }

  it('lists the settings whose value is not the default, in display order, never SECRET_KEY', () => {
    expect(settingsDifferingFromDefaults(defaults)).toEqual([])
    const changed = { ...defaults, SESSION_COOKIE_AGE: 20, SESSION_ENGINE: 'file' as const, CACHES: { default: 'locmem://?max_entries=10' } }
    expect(settingsDifferingFromDefaults(changed)).toEqual(['SESSION_ENGINE', 'SESSION_COOKIE_AGE', 'CACHES'])
    expect(isDefaultSetting('SECRET_KEY', 'anything')).toBe(false)
    expect(isDefaultSetting('SESSION_COOKIE_SAMESITE', 'Lax')).toBe(true)
    expect(isDefaultSetting('SESSION_COOKIE_DOMAIN', null)).toBe(true)
  })

  it('writes values as settings.py does', () => {
    expect([20, true, false, null, 'Lax', "it's"].map(pythonLiteral)).toEqual(['20', 'True', 'False', 'None', "'Lax'", "'it\\'s'"])
    expect(pythonLiteral({ default: 'locmem://' })).toBe("{'default': 'locmem://'}")
  })
})

describe('DJANGO_VERSION and SECRET_KEY_FALLBACKS', () => {
  const current = { ...DEFAULT_SETTINGS, SECRET_KEY: 'k' }
  it('defaults to the current LTS and no fallbacks', () => {
    expect(DEFAULT_SETTINGS.DJANGO_VERSION).toBe('5.2')
    expect(DEFAULT_SETTINGS.SECRET_KEY_FALLBACKS).toEqual([])
  })
  it('reads a version as the LTS of its series', () => {
    for (const [given, series] of [['3.2', '3.2'], ['4.2', '4.2'], ['5.2', '5.2'], ['5.2.17', '5.2'], ['4.1.8', '4.2'], ['3.2.25', '3.2'], [5.2, '5.2'], ['6.0', '5.2']] as const) {
      const r = validateSettingsPatch(current, { DJANGO_VERSION: given })
      expect(r.ok && r.settings.DJANGO_VERSION, String(given)).toBe(series)
    }
    const old = validateSettingsPatch(current, { DJANGO_VERSION: '2.2' })
    expect(old.ok).toBe(false)
    if (!old.ok) expect(old.errors[0]!.message).toMatch(/^DJANGO_VERSION: Django 3.2 or later; got "2.2", allowed: "3.2", "4.2" or "5.2"/)
  })
  it('masks every fallback and takes a masked round trip as unchanged', () => {
    const settings = { ...current, SECRET_KEY: 'a-new-secret-key-0123456789', SECRET_KEY_FALLBACKS: ['an-old-secret-key-abcdefgh', 'short'] }
    const masked = maskSettings(settings)
    expect(masked.SECRET_KEY_FALLBACKS).toEqual(['********efgh', '********'])
    expect(JSON.stringify(masked)).not.toContain('an-old-secret')
    expect(dropMaskedSecrets({ ...masked }, settings)).not.toHaveProperty('SECRET_KEY_FALLBACKS')
    expect(dropMaskedSecrets({ SECRET_KEY_FALLBACKS: ['x'] }, settings)).toEqual({ SECRET_KEY_FALLBACKS: ['x'] })
    expect(settingsDifferingFromDefaults(settings)).not.toContain('SECRET_KEY_FALLBACKS')
  })
})
