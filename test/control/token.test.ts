// The control token: explicit, from the environment, or generated once and kept in the data dir.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateToken, loadOrCreateToken, TOKEN_ENV } from '../../src/main/control'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'si-token-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('loadOrCreateToken', () => {
  it('generates a token once, stores it readable by the owner only, and reuses it', () => {
    const first = loadOrCreateToken(join(dir, 'data'), { env: {} })
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const file = join(dir, 'data', 'token')
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadOrCreateToken(join(dir, 'data'), { env: {} })).toBe(first)
  })

  it('prefers the explicit token, then the environment, without writing either', () => {
    expect(loadOrCreateToken(dir, { explicit: 'given-token', env: { [TOKEN_ENV]: 'env-token' } })).toBe('given-token')
    expect(loadOrCreateToken(dir, { env: { [TOKEN_ENV]: 'env-token' } })).toBe('env-token')
    expect(() => readFileSync(join(dir, 'token'))).toThrow()
  })

  it('refuses a token that cannot travel in a header', () => {
    expect(() => loadOrCreateToken(dir, { explicit: 'has space' })).toThrow(/printable/)
    expect(() => loadOrCreateToken(dir, { env: { [TOKEN_ENV]: 'tab\there' } })).toThrow(/printable/)
  })

  it('never replaces a stored token silently: an unusable one, or a folder, is a one-line error naming it (issue 23)', () => {
    writeFileSync(join(dir, 'token'), '   \n')
    expect(() => loadOrCreateToken(dir, { env: {} })).toThrow(`${join(dir, 'token')} holds no usable control API token (it is empty); delete it to have a new token made, or give one in SESSION_INSPECTOR_TOKEN`)
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('   \n')
    rmSync(join(dir, 'token'))
    mkdirSync(join(dir, 'token'))
    expect(() => loadOrCreateToken(dir, { env: {} })).toThrow(`${join(dir, 'token')} is a folder, not a file: it should hold the control API token; delete it to have a new token made, or give one in SESSION_INSPECTOR_TOKEN`)
    // The environment's token needs no file.
    expect(loadOrCreateToken(dir, { env: { SESSION_INSPECTOR_TOKEN: 'from-env' } })).toBe('from-env')
  })

  it('generates different tokens', () => {
    expect(generateToken()).not.toBe(generateToken())
  })
})
