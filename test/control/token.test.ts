// The control token: explicit, from the environment, or generated once and kept in the data dir.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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

  it('replaces a stored token that is unusable', () => {
    writeFileSync(join(dir, 'token'), '   \n')
    const token = loadOrCreateToken(dir, { env: {} })
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('generates different tokens', () => {
    expect(generateToken()).not.toBe(generateToken())
  })
})
