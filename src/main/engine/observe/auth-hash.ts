// django.contrib.auth's session verification (get_user() in auth/__init__.py): the session's
// `_auth_user_hash` must equal get_session_auth_hash(), an HMAC of the user's password field
// (utils/crypto.py salted_hmac), or Django flushes the session on its next request.
import { createHash, createHmac } from 'node:crypto'
import { SESSION_AUTH_HASH_SALT } from '../../../shared/auth'

/** Django's salted_hmac(key_salt, value, secret, algorithm=...).hexdigest(). */
export function saltedHmac(keySalt: string, value: string, secret: string, algorithm: 'sha1' | 'sha256'): string {
  const key = createHash(algorithm).update(Buffer.from(keySalt + secret, 'utf8')).digest()
  return createHmac(algorithm, key).update(Buffer.from(value, 'utf8')).digest('hex')
}

/** [major, minor] of "3.2.25", or null for an unknown version. */
function versionOf(django: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(django ?? '')
  return m ? [Number(m[1]), Number(m[2])] : null
}

const atLeast = (v: [number, number], major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor)

/**
 * Every `_auth_user_hash` the app's Django accepts for this password: sha256 from 3.1 (with
 * 3.1 and 3.2's legacy sha1 still accepted, and sha1 before 3.1), and from 4.1 the hashes
 * under SECRET_KEY_FALLBACKS. An unknown version accepts both algorithms, so that a session
 * is never called stale that Django would keep.
 */
export function acceptedAuthHashes(password: string, secretKey: string, fallbacks: readonly string[], django: string | null): string[] {
  const v = versionOf(django)
  const algorithms: ('sha1' | 'sha256')[] = !v ? ['sha256', 'sha1'] : !atLeast(v, 3, 1) ? ['sha1'] : atLeast(v, 4, 0) ? ['sha256'] : ['sha256', 'sha1']
  const secrets = [secretKey, ...(!v || atLeast(v, 4, 1) ? fallbacks : [])]
  const out: string[] = []
  for (const secret of secrets) for (const a of algorithms) out.push(saltedHmac(SESSION_AUTH_HASH_SALT, password, secret, a))
  return out
}
