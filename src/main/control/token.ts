// The control API token: given, from SESSION_INSPECTOR_TOKEN, or generated and kept in DATA_DIR/token.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const TOKEN_ENV = 'SESSION_INSPECTOR_TOKEN'

/** A fresh random token (32 bytes, URL-safe). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Tokens travel in headers and URL fragments: printable ASCII without spaces. */
export function isUsableToken(token: string): boolean {
  return /^[\x21-\x7e]{1,512}$/.test(token)
}

/**
 * The token to use: `explicit`, else the environment's, else the one stored in
 * `dataDir/token` (created, readable by the owner only, on first use).
 */
export function loadOrCreateToken(dataDir: string, options: { explicit?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const given = options.explicit ?? (options.env ?? process.env)[TOKEN_ENV]
  if (given !== undefined && given !== '') {
    if (!isUsableToken(given)) throw new Error('the control token must be 1 to 512 printable characters without spaces')
    return given
  }
  const file = join(dataDir, 'token')
  try {
    const stored = readFileSync(file, 'utf8').trim()
    if (isUsableToken(stored)) return stored
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  const token = generateToken()
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  writeFileSync(file, `${token}\n`, { mode: 0o600 })
  return token
}
