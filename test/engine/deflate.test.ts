// deflate.ts: the reused zlib stream writes exactly what zlib.deflateSync writes, for every
// size (past its 64 KB output buffer too) and after any number of uses.
import { randomBytes } from 'node:crypto'
import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { deflate, deflateReusesStream } from '../../src/main/engine/deflate'

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
