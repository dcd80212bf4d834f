// signing.ts's HMAC (memoised key blocks over one-shot hashes) against Node's own HMAC, and
// dumps() writing what Django writes (it skips zlib only where zlib could never win).
import { createHash, createHmac } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { BadSignature, SignatureExpired } from '../../src/main/engine/errors'
import { randomBytes } from 'node:crypto'
import { dumps, forgetSignedPayloads, forgetVerifiedPayloads, loads, saltedHmac, signedPayloadMemoChars, signWithTimestamp } from '../../src/main/engine/signing'

/** Django's salted_hmac, written the plain way. */
function reference(keySalt: string, value: string, secret: string): Buffer {
  return createHmac('sha256', createHash('sha256').update(keySalt + secret).digest()).update(value).digest()
}

describe('saltedHmac', () => {
  it('equals HMAC-SHA256 under sha256(key_salt + secret), for many salts, secrets and values', () => {
    const values = ['', 'a', 'value:1kP3xZ', '.eJxVjMsKgjAQRf9l1iEmlpJLo0W7FkGLiJiSwRobH8yM0IP', 'नमस्ते — ✓', 'x'.repeat(5000)]
    // More (salt, secret) pairs than the memo keeps, and each asked twice, so evictions are crossed too.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 100; i++) {
        const salt = `django.contrib.sessions.SessionStore${i % 7}signer`
        const secret = `secret-${i}-${'k'.repeat(i)}`
        for (const value of values) expect(saltedHmac(salt, value, secret).equals(reference(salt, value, secret))).toBe(true)
      }
    }
  })

  it('keeps pairs apart when salt + secret concatenate alike', () => {
    // Django derives the key from the concatenation, so these two must sign alike, and differ from a third.
    expect(saltedHmac('ab', 'v', 'c').equals(saltedHmac('a', 'v', 'bc'))).toBe(true)
    expect(saltedHmac('ab', 'v', 'c').equals(saltedHmac('ab', 'v', 'd'))).toBe(false)
  })

  it('a changed secret no longer verifies what the old one signed', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    const signed = dumps({ a: 1 }, { key: 'old-secret', salt: 's' }, now)
    expect(loads(signed, { key: 'old-secret', salt: 's' }, now)).toEqual({ a: 1 })
    expect(() => loads(signed, { key: 'new-secret', salt: 's' }, now)).toThrow(/does not match/)
  })
})

describe('dumps', () => {
  it('writes what Django writes: compressed exactly when zlib is shorter by more than a byte (skipping zlib for tiny payloads)', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    const opts = { key: 'k', salt: 's' }
    let compressed = 0
    let plain = 0
    for (let n = 0; n <= 40; n++) {
      for (const obj of [{ a: 'a'.repeat(n) }, { a: 'ab'.repeat(n) }, { [String(n)]: n }, n === 0 ? {} : { a: Array.from({ length: n }, (_, i) => i) }]) {
        // Django's signing.dumps(compress=True), step by step.
        const json = Buffer.from(JSON.stringify(obj), 'latin1')
        const z = deflateSync(json)
        const useZ = z.length < json.length - 1
        const b64 = (useZ ? '.' : '') + (useZ ? z : json).toString('base64url')
        const expected = signWithTimestamp(b64, opts, now)
        expect(dumps(obj, opts, now)).toBe(expected)
        if (useZ) compressed++
        else plain++
      }
    }
    expect(compressed).toBeGreaterThan(20)
    expect(plain).toBeGreaterThan(20)
  })
})

describe('loads, answered from the payloads it already verified', () => {
  const opts = { key: 'django-insecure-cache-test-key-0123456789abcdefghijklmnopqrstuvwxyz', salt: 'django.contrib.sessions.SessionStore' }
  const now = new Date('2031-02-03T04:05:06Z')

  it('gives a fresh object each time: changing one never changes the next', () => {
    const signed = dumps({ cart: { items: [1, 2] }, name: 'Sonam' }, opts, now)
    const first = loads(signed, opts, now) as { cart: { items: number[] } }
    first.cart.items.push(3)
    expect(loads(signed, opts, now)).toEqual({ cart: { items: [1, 2] }, name: 'Sonam' })
  })

  it('still refuses a tampered signature, and the same text under another SECRET_KEY', () => {
    const signed = dumps({ user: 'sonam', padding: 'x'.repeat(200) }, opts, now)
    expect(loads(signed, opts, now)).toMatchObject({ user: 'sonam' })
    const last = signed.at(-1) === 'A' ? 'B' : 'A'
    expect(() => loads(signed.slice(0, -1) + last, opts, now)).toThrow(BadSignature)
    expect(() => loads(signed, { ...opts, key: `${opts.key}-other` }, now)).toThrow(BadSignature)
    expect(() => loads(signed, { ...opts, salt: 'django.contrib.sessions.backends.signed_cookies' }, now)).toThrow(BadSignature)
  })

  it('loads what dumps just signed to the same value as a cold check does, and under no other key', () => {
    for (const obj of [{ user: 'sonam', text: 'नमस्ते ✓', n: 1.5e-7 }, { long: 'ab'.repeat(400), list: [1, 2.5, null, true] }, {}]) {
      const signed = dumps(obj, opts, now)
      const warm = loads(signed, opts, now)
      forgetVerifiedPayloads()
      expect(warm).toEqual(loads(signed, opts, now))
      expect(warm).toEqual(obj)
      const fresh = dumps(obj, opts, new Date(now.getTime() + 5000))
      expect(() => loads(fresh, { ...opts, key: `${opts.key}-other` }, now)).toThrow(BadSignature)
    }
  })

  it('checks max_age every time: an expired signature is refused even after a good load', () => {
    const signed = dumps({ user: 'sonam' }, opts, now)
    expect(loads(signed, opts, now, 20)).toEqual({ user: 'sonam' })
    expect(() => loads(signed, opts, new Date(now.getTime() + 21_000), 20)).toThrow(SignatureExpired)
  })
})

describe('dumps, answered from the payloads and signatures it already worked out', () => {
  const opts = { key: 'django-insecure-memo-test-key-0123456789abcdefghijklmnopqrstuvwxyz', salt: 'django.contrib.sessions.SessionStore' }

  /** Django's signing.dumps(compress=True), step by step, with no memo. */
  function django(obj: unknown, o: { key: string; salt: string }, now: Date): string {
    const json = Buffer.from(JSON.stringify(obj), 'latin1')
    const z = deflateSync(json)
    const useZ = z.length < json.length - 1
    const b64 = (useZ ? '.' : '') + (useZ ? z : json).toString('base64url')
    return signWithTimestamp(b64, o, now)
  }

  it('writes the same bytes on a hit as a cold dumps and as Django, per second, salt and secret', () => {
    const objects = [{}, { user: 'sonam', cart: [1, 2, 3] }, { long: 'ab'.repeat(500) }, { n: 1.5e-7, text: 'नमस्ते' }]
    const times = [new Date('2031-01-01T00:00:00Z'), new Date('2031-01-01T00:00:00.999Z'), new Date('2031-01-01T00:00:01Z')]
    const signers = [opts, { ...opts, key: `${opts.key}-other` }, { ...opts, salt: 'django.contrib.sessions.backends.signed_cookies' }]
    forgetSignedPayloads()
    for (const obj of objects) {
      for (const now of times) {
        for (const o of signers) {
          const cold = dumps(obj, o, now)
          expect(dumps(obj, o, now)).toBe(cold) // a hit
          forgetSignedPayloads()
          expect(dumps(obj, o, now)).toBe(cold)
          if (!JSON.stringify(obj).includes('e-7') && !/[^ -~]/.test(JSON.stringify(obj))) expect(cold).toBe(django(obj, o, now))
          expect(loads(cold, o, now)).toEqual(obj)
        }
      }
    }
    // One second apart, or under another secret, the memo never hands out the other's signature.
    const [a, , c] = times as [Date, Date, Date]
    expect(dumps(objects[1], opts, a)).not.toBe(dumps(objects[1], opts, c))
    expect(dumps(objects[1], opts, a)).not.toBe(dumps(objects[1], signers[1]!, a))
  })

  it('stays bounded: many large distinct payloads keep at most two generations of each memo', () => {
    forgetSignedPayloads()
    const now = new Date('2031-01-01T00:00:00Z')
    let grew = 0
    for (let i = 0; i < 200; i++) {
      // 60 KB of incompressible text: about 140 K characters per payload entry and per signature entry.
      const signed = dumps({ i, blob: randomBytes(45_000).toString('base64') }, opts, now)
      expect(loads(signed, opts, now)).toMatchObject({ i })
      grew = Math.max(grew, signedPayloadMemoChars().payloads)
    }
    const held = signedPayloadMemoChars()
    expect(grew).toBeGreaterThan(4 * 1024 * 1024) // it did hold a full generation and more
    expect(held.payloads).toBeLessThanOrEqual(8 * 1024 * 1024)
    expect(held.signatures).toBeLessThanOrEqual(8 * 1024 * 1024)
    expect(held.signatures).toBeGreaterThan(0)
  })
})
