// signing.dumps/loads against real Django 3.2: the serializer and the signature byte for byte,
// and compressed values loading both ways. (Node's zlib is Chromium's fork, whose deflate
// streams differ from the system zlib Python uses; both inflate alike, so a compressed value
// is not byte-identical to Django's but each side loads the other's.)
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dumps, loads } from '../../src/main/engine/signing'
import { TEST_SECRET } from './helpers'

const SCRIPT = join(__dirname, 'django', 'interop.py')

function django(input: unknown, ...args: string[]): unknown[] {
  const out = execFileSync('/usr/bin/python3', [SCRIPT, ...args], { env: { ...process.env, SECRET_KEY: TEST_SECRET }, input: JSON.stringify(input), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
  return (JSON.parse(out) as { values: unknown[] }).values
}

const SALTS = ['django.contrib.sessions.SessionStore', 'django.contrib.sessions.backends.signed_cookies']
const TIMESTAMP = 1796551200.75 // 2026-12-06T10:00:00.75Z: the timestamp is whole seconds, floored
const NOW = new Date(TIMESTAMP * 1000)

const PAYLOADS: Record<string, unknown>[] = [
  {},
  { a: 1 },
  { name: 'Sonam', _session_expiry: 600, _auth_user_id: '42' },
  { unicode: 'नमस्ते — ✓', astral: '😀 𝄞', lone: '\ud800', separators: '\u2028\u2029' },
  { controls: '\u0000\u0001\b\t\n\f\r\u001f', del: '\u007f', quote: '"\\/' },
  { floats: [2.5, -0.125, 123.456, 0.0001, 1e-5, -2e-5, 1.5e-7, 1e-300, 10.00001], ints: [0, -3, 2 ** 53] },
  { nested: { list: [1, null, true, false, 'x'], empty: {}, none: [] }, '': 'empty key' },
  { iso: '2026-12-06T10:00:00.123000+00:00', text: '0.00001 1e-7 inside a string stays as it is' },
  { text: 'abc '.repeat(100) },
  { cart: Array.from({ length: 60 }, (_, i) => ({ sku: `SKU-${(i * 7919) % 10007}`, qty: 1 + (i % 3) })) }
]

describe('signing against real Django', () => {
  it('uncompressed: the same JSON, timestamp and signature, byte for byte', () => {
    for (const salt of SALTS) {
      const theirs = django(PAYLOADS, 'dumps', salt, String(TIMESTAMP), '0')
      PAYLOADS.forEach((obj, i) => expect(dumps(obj, { key: TEST_SECRET, salt }, NOW, false), JSON.stringify(obj)).toBe(theirs[i]))
    }
  })

  it('compressed: identical where neither side compresses; otherwise each side loads the other value', () => {
    const salt = SALTS[1]!
    const theirs = django(PAYLOADS, 'dumps', salt, String(TIMESTAMP), '1') as string[]
    const ours = PAYLOADS.map((obj) => dumps(obj, { key: TEST_SECRET, salt }, NOW, true))
    let compressed = 0
    PAYLOADS.forEach((obj, i) => {
      if (!theirs[i]!.startsWith('.') && !ours[i]!.startsWith('.')) expect(ours[i]).toBe(theirs[i])
      else compressed++
      expect(loads(theirs[i]!, { key: TEST_SECRET, salt }, NOW)).toEqual(obj)
    })
    expect(compressed).toBeGreaterThanOrEqual(2)
    expect(django(ours, 'loads', salt)).toEqual(PAYLOADS)
  })

  it('a value signed under another salt or secret does not load in Django', () => {
    const value = dumps({ a: 1 }, { key: TEST_SECRET, salt: SALTS[0]! }, NOW)
    expect(() => django([value], 'loads', SALTS[1]!)).toThrow(/BadSignature/)
    const other = dumps({ a: 1 }, { key: `${TEST_SECRET}x`, salt: SALTS[0]! }, NOW)
    expect(() => django([other], 'loads', SALTS[0]!)).toThrow(/BadSignature/)
  })
})
