// The control API token: given, from SESSION_INSPECTOR_TOKEN, or generated and kept in DATA_DIR/token.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
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
 * `dataDir/token` (created, readable by the owner only, on first use). A stored file that
 * is a folder or holds no usable token is a one-line Error: it is never replaced silently.
 */
export function loadOrCreateToken(dataDir: string, options: { explicit?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const given = options.explicit ?? (options.env ?? process.env)[TOKEN_ENV]
  if (given !== undefined && given !== '') {
    if (!isUsableToken(given)) throw new Error('the control token must be 1 to 512 printable characters without spaces')
    return given
  }
  const file = join(dataDir, 'token')
  const stored = readTokenFile(file, `delete it to have a new token made, or give one in ${TOKEN_ENV}`)
  if (stored !== null) return stored
  const token = generateToken()
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  try {
    // Exclusive: two starts at once agree on the first one's token.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    return readTokenFile(file, 'delete it to have a new token made') ?? token
  }
  return token
}

/**
 * A token kept in a file (DATA_DIR/token, --token-file): its first line. Null when the file
 * does not exist; a one-line Error naming it when it is a folder, unreadable or no token.
 */
export function readTokenFile(file: string, choices: string): string | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    const what = code === 'EISDIR' || isFolder(file) ? 'is a folder, not a file' : `cannot be read (${code ?? (e as Error).message})`
    throw new Error(`${file} ${what}: it should hold the control API token; ${choices}`)
  }
  const token = text.trim()
  if (!isUsableToken(token)) {
    throw new Error(`${file} holds no usable control API token (${token ? 'it must be 1 to 512 printable characters without spaces' : 'it is empty'}); ${choices}`)
  }
  return token
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
