// A writer of Python's pickle format for the values a session dict holds in JSON terms
// (dict, list, str, int, float, bool, None), as protocol 4 without frames: every Python
// that Django 3.2 or later runs on (3.6+) loads it, and framing is optional for readers.
// test/engine/pickle.test.ts loads what it writes with Python's own pickle.

const PROTOCOL = 4
/** CPython's batch size for APPENDS and SETITEMS. */
const BATCH = 1000

class Out {
  private chunks: Buffer[] = []
  byte(...b: number[]): void {
    this.chunks.push(Buffer.from(b))
  }
  raw(b: Buffer): void {
    this.chunks.push(b)
  }
  done(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

function writeInt(out: Out, n: number | bigint): void {
  if (typeof n === 'number' && n >= 0 && n <= 0xff) return out.byte(0x4b, n) // BININT1
  if (typeof n === 'number' && n >= 0 && n <= 0xffff) return out.byte(0x4d, n & 0xff, n >> 8) // BININT2
  if (typeof n === 'number' && n >= -0x80000000 && n <= 0x7fffffff) {
    const b = Buffer.alloc(5)
    b[0] = 0x4a // BININT
    b.writeInt32LE(n, 1)
    return out.raw(b)
  }
  // LONG1: little-endian two's complement, as short as it can be.
  let v = BigInt(n)
  const bytes: number[] = []
  for (;;) {
    const byte = Number(v & 0xffn)
    bytes.push(byte)
    v >>= 8n
    if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break
  }
  out.byte(0x8a, bytes.length, ...bytes)
}

function writeString(out: Out, s: string): void {
  const utf8 = Buffer.from(s, 'utf8')
  if (utf8.length < 256) out.byte(0x8c, utf8.length) // SHORT_BINUNICODE
  else {
    const head = Buffer.alloc(5)
    head[0] = 0x58 // BINUNICODE
    head.writeUInt32LE(utf8.length, 1)
    out.raw(head)
  }
  out.raw(utf8)
}

function write(out: Out, v: unknown, depth: number): void {
  if (depth > 500) throw new TypeError('pickle: nested too deeply')
  if (v === null || v === undefined) return out.byte(0x4e)
  if (v === true) return out.byte(0x88)
  if (v === false) return out.byte(0x89)
  if (typeof v === 'bigint') return writeInt(out, v)
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return writeInt(out, Number.isSafeInteger(v) ? v : BigInt(v))
    const b = Buffer.alloc(9)
    b[0] = 0x47 // BINFLOAT
    b.writeDoubleBE(v, 1)
    return out.raw(b)
  }
  if (typeof v === 'string') return writeString(out, v)
  if (Array.isArray(v)) {
    out.byte(0x5d) // EMPTY_LIST
    for (let i = 0; i < v.length; i += BATCH) {
      out.byte(0x28) // MARK
      for (const item of v.slice(i, i + BATCH)) write(out, item, depth + 1)
      out.byte(0x65) // APPENDS
    }
    return
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
    out.byte(0x7d) // EMPTY_DICT
    for (let i = 0; i < entries.length; i += BATCH) {
      out.byte(0x28)
      for (const [k, item] of entries.slice(i, i + BATCH)) {
        writeString(out, k)
        write(out, item, depth + 1)
      }
      out.byte(0x75) // SETITEMS
    }
    return
  }
  throw new TypeError(`pickle: cannot write a ${typeof v}`)
}

/** pickle.dumps(value, 4) for JSON values; Python's pickle.loads gives back an equal dict. */
export function pickle(value: unknown): Buffer {
  const out = new Out()
  out.byte(0x80, PROTOCOL)
  write(out, value, 0)
  out.byte(0x2e) // STOP
  return out.done()
}
