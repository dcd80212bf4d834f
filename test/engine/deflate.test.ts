// deflate.ts: the reused zlib streams write exactly what zlib.deflateSync and inflateSync
// write, for every size (past their 64 KB output buffer too) and after any number of uses;
// inflate() of a corrupt or cut stream throws inflateSync's error, and works on after it.
import { randomBytes } from 'node:crypto'
import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { deflate, deflateReusesStream, inflate, inflateReusesStream } from '../../src/main/engine/deflate'

describe('deflate', () => {
  it('equals deflateSync byte for byte, small to larger than one output buffer, in any order', () => {
    const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from('{}'), Buffer.from('{"user":"sonam"}')]
    for (let n = 1; n < 400; n += 7) inputs.push(Buffer.from(JSON.stringify({ n, text: 'ab'.repeat(n), list: Array.from({ length: n }, (_, i) => i * n) })))
    inputs.push(randomBytes(100_000)) // incompressible: more output than the reused buffer holds
    inputs.push(Buffer.from('x'.repeat(1_000_000)))
    inputs.push(Buffer.from(randomBytes(30_000).toString('base64')))
    for (let round = 0; round < 3; round++) {
      for (const input of round === 1 ? [...inputs].reverse() : inputs) {
        const out = deflate(input)
        expect(out.equals(deflateSync(input))).toBe(true)
        expect(inflateSync(out).equals(input)).toBe(true)
      }
    }
  })

  it('runs on the reused stream on this Node (else every call is plain deflateSync)', () => {
    expect(deflateReusesStream()).toBe(true)
  })

  it('hands out its own buffer each time: an earlier result is not overwritten', () => {
    const a = deflate(Buffer.from('{"first":"'.concat('a'.repeat(100), '"}')))
    const copy = Buffer.from(a)
    deflate(Buffer.from('{"second":"'.concat('b'.repeat(100), '"}')))
    expect(a.equals(copy)).toBe(true)
  })
})

/** What inflateSync throws for `data`, or null when it does not. */
function syncError(data: Buffer): string | null {
  try {
    inflateSync(data)
    return null
  } catch (e) {
    return (e as Error).message
  }
}

describe('inflate', () => {
  it('equals inflateSync, small to larger than one output buffer, in any order, on the reused stream', () => {
    expect(inflateReusesStream()).toBe(true)
    const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from('{}')]
    for (let n = 1; n < 400; n += 7) inputs.push(Buffer.from(JSON.stringify({ n, text: 'ab'.repeat(n), list: Array.from({ length: n }, (_, i) => i * n) })))
    inputs.push(randomBytes(100_000), Buffer.from('x'.repeat(1_000_000)))
    for (let round = 0; round < 3; round++) {
      for (const input of round === 1 ? [...inputs].reverse() : inputs) expect(inflate(deflateSync(input)).equals(input)).toBe(true)
    }
  })

  it("throws inflateSync's error for a corrupt or cut stream, takes bytes after the end as inflateSync does, and goes on after either", () => {
    const good = deflateSync(Buffer.from(JSON.stringify({ user: 'sonam', cart: [1, 2, 3], text: 'ab'.repeat(50) })))
    const bad = [Buffer.from('not zlib at all'), good.subarray(0, good.length - 6), good.subarray(0, 5), Buffer.from([0x78, 0x9c]), Buffer.concat([good.subarray(0, 20), randomBytes(40)])]
    for (const data of bad) {
      const expected = syncError(data)
      expect(expected).not.toBeNull()
      expect(() => inflate(data)).toThrow(expected!)
      expect(inflate(good).equals(inflateSync(good))).toBe(true)
    }
    const trailing = Buffer.concat([good, Buffer.from('trailing bytes')])
    expect(syncError(trailing)).toBeNull()
    expect(inflate(trailing).equals(inflateSync(trailing))).toBe(true)
    expect(inflateReusesStream()).toBe(true)
  })

  it('hands out its own buffer each time: an earlier result is not overwritten', () => {
    const a = inflate(deflateSync(Buffer.from('a'.repeat(100))))
    inflate(deflateSync(Buffer.from('b'.repeat(100))))
    expect(a.toString()).toBe('a'.repeat(100))
  })
})
