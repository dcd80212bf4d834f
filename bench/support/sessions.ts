// Session data for the engine benchmark: a logged-in user's Django session with a cart,
// different for every session (no two rows alike), with its keys and encoded form.
import { createHash, randomBytes } from 'node:crypto'
import type { SessionData } from '../../src/shared/json'

const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** n random 32-character session keys over Django's alphabet, like get_random_string(32). */
export function randomKeys(n: number): string[] {
  const keys: string[] = []
  const seen = new Set<string>()
  while (keys.length < n) {
    const bytes = randomBytes(64)
    let key = ''
    for (let b = 0; b < bytes.length && key.length < 32; b++) {
      if (bytes[b]! < 252) key += KEY_CHARS[bytes[b]! % 36] // 252 = 7 * 36: no modulo bias
    }
    if (key.length === 32 && !seen.has(key)) {
      seen.add(key)
      keys.push(key)
    }
  }
  return keys
}

/** The i-th session: about 300 bytes of JSON, deterministic in i. */
export function sessionData(i: number): SessionData {
  const hash = createHash('sha256').update(`user-${i}`).digest('hex')
  return {
    _auth_user_id: String(1000 + i),
    _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    _auth_user_hash: hash,
    cart: { items: [{ sku: `SKU-${(i * 7919) % 10007}`, qty: 1 + (i % 3) }, { sku: `SKU-${(i * 104729) % 10007}`, qty: 1 }], currency: 'EUR' },
    last_page: `/catalogue/${i % 97}/?page=${i % 7}`,
    theme: i % 2 ? 'dark' : 'light'
  }
}
