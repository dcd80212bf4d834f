// A reader for Python's pickle format (protocols 0 to 5), for what Django's caches hold in a
// session: the session dict itself, pickled by the cache (Django's RedisCache, django-redis,
// pymemcache, python-memcached, pylibmc). No npm library reads this subset correctly
// (big and negative longs, protocol 0's raw-unicode-escape, tuples), so this one does, and
// test/engine/pickle.test.ts checks it against Python's own pickle.
//
// It never runs code: a class or function reference (datetime, Decimal, a model) becomes a
// placeholder, and the result says which Python types JSON could not show.

/** A Python value that JSON cannot hold (datetime, set, bytes, ...), by its type name. */
export class PyForeign {
  constructor(
    readonly type: string,
    readonly args: unknown[] = []
  ) {}
  toJSON(): string {
    return `<${this.type}>`
  }
}

/** A Python tuple: read as an array, but not a list (writing it back would change its type). */
class PyTuple extends Array<unknown> {}

export interface Unpickled {
  /** The value with plain JSON types; foreign values are shown as "<module.type>". */
  value: unknown
  /** The Python types that JSON cannot hold, each once (e.g. "datetime.datetime", "tuple"). */
  foreign: string[]
}

export class UnpicklingError extends Error {}

const MARK = Symbol('mark')

/** Reads one pickle; throws UnpicklingError for anything that is not a complete pickle of supported opcodes. */
export function unpickle(data: Uint8Array): Unpickled {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  let pos = 0
  const stack: unknown[] = []
  const memo = new Map<number, unknown>()
  const need = (n: number) => {
    if (pos + n > buf.length) throw new UnpicklingError('pickle data was truncated')
    const at = pos
    pos += n
    return at
  }
  const line = () => {
    const end = buf.indexOf(0x0a, pos)
    if (end < 0) throw new UnpicklingError('pickle data was truncated')
    const text = buf.toString('latin1', pos, end)
    pos = end + 1
    return text
  }
  const popMark = (): unknown[] => {
    let i = stack.length - 1
    while (i >= 0 && stack[i] !== MARK) i--
    if (i < 0) throw new UnpicklingError('could not find MARK')
    const items = stack.splice(i + 1)
    stack.pop()
    return items
  }
  const top = () => {
    if (!stack.length) throw new UnpicklingError('unpickling stack underflow')
    return stack[stack.length - 1]
  }
  const pop = () => {
    if (!stack.length) throw new UnpicklingError('unpickling stack underflow')
    return stack.pop()
  }
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) throw new UnpicklingError('SETITEM on something that is not a dict')
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1])
  }
  const append = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list)) throw new UnpicklingError('APPEND on something that is not a list')
    list.push(...items)
  }
  const signedLe = (at: number, n: number): number | bigint => {
    if (n === 0) return 0
    let v = 0n
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[at + i] as number)
    if ((buf[at + n - 1] as number) & 0x80) v -= 1n << BigInt(8 * n)
    return Number.isSafeInteger(Number(v)) ? Number(v) : v
  }
  const textInt = (text: string): number | bigint | boolean => {
    const t = text.trim().replace(/L$/, '')
    if (t === '01') return true
    if (t === '00') return false
    if (!/^[+-]?\d+$/.test(t)) throw new UnpicklingError(`bad integer ${JSON.stringify(text)}`)
    const v = BigInt(t)
    return Number.isSafeInteger(Number(v)) ? Number(v) : v
  }
  const memoGet = (i: number) => {
    if (!memo.has(i)) throw new UnpicklingError(`memo key ${i} not found`)
    return memo.get(i)
  }

  for (;;) {
    const op = buf[need(1)] as number
    switch (op) {
      case 0x80: need(1); break // PROTO
      case 0x95: need(8); break // FRAME: framing is optional for readers
      case 0x2e: { // STOP
        const value = pop()
        return toJson(value)
      }
      case 0x28: stack.push(MARK); break
      case 0x30: pop(); break
      case 0x31: popMark(); break
      case 0x32: stack.push(top()); break
      case 0x4e: stack.push(null); break
      case 0x88: stack.push(true); break
      case 0x89: stack.push(false); break
      case 0x49: stack.push(textInt(line())); break // INT
      case 0x4c: stack.push(textInt(line())); break // LONG
      case 0x4a: stack.push(buf.readInt32LE(need(4))); break
      case 0x4b: stack.push(buf[need(1)]); break
      case 0x4d: stack.push(buf.readUInt16LE(need(2))); break
      case 0x8a: { const n = buf[need(1)] as number; stack.push(signedLe(need(n), n)); break }
      case 0x8b: { const n = buf.readUInt32LE(need(4)); stack.push(signedLe(need(n), n)); break }
      case 0x46: stack.push(Number(line())); break // FLOAT
      case 0x47: stack.push(buf.readDoubleBE(need(8))); break
      case 0x53: stack.push(pyStringRepr(line())); break // STRING (Python 2 str)
      case 0x54: { const n = buf.readInt32LE(need(4)); stack.push(buf.toString('latin1', need(n), pos)); break }
      case 0x55: { const n = buf[need(1)] as number; stack.push(buf.toString('latin1', need(n), pos)); break }
      case 0x56: stack.push(rawUnicodeEscape(line())); break // UNICODE
      case 0x58: { const n = buf.readUInt32LE(need(4)); stack.push(buf.toString('utf8', need(n), pos)); break }
      case 0x8c: { const n = buf[need(1)] as number; stack.push(buf.toString('utf8', need(n), pos)); break }
      case 0x8d: { const n = Number(buf.readBigUInt64LE(need(8))); stack.push(buf.toString('utf8', need(n), pos)); break }
      case 0x42: { const n = buf.readUInt32LE(need(4)); need(n); stack.push(new PyForeign('bytes')); break }
      case 0x43: { const n = buf[need(1)] as number; need(n); stack.push(new PyForeign('bytes')); break }
      case 0x8e: { const n = Number(buf.readBigUInt64LE(need(8))); need(n); stack.push(new PyForeign('bytes')); break }
      case 0x96: { const n = Number(buf.readBigUInt64LE(need(8))); need(n); stack.push(new PyForeign('bytearray')); break }
      case 0x7d: stack.push(new Map()); break // EMPTY_DICT
      case 0x64: { const d = new Map(); setItems(d, popMark()); stack.push(d); break } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break } // SETITEMS
      case 0x5d: stack.push([]); break // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break // LIST
      case 0x61: { const v = pop(); append(top(), [v]); break } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break } // APPENDS
      case 0x29: stack.push(PyTuple.from([])); break
      case 0x74: stack.push(PyTuple.from(popMark())); break
      case 0x85: stack.push(PyTuple.from([pop()])); break
      case 0x86: { const b = pop(); const a = pop(); stack.push(PyTuple.from([a, b])); break }
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(PyTuple.from([a, b, c])); break }
      case 0x8f: stack.push(new PyForeign('set')); break // EMPTY_SET
      case 0x90: popMark(); break // ADDITEMS (into the placeholder)
      case 0x91: popMark(); stack.push(new PyForeign('frozenset')); break
      case 0x70: memo.set(Number(line()), top()); break // PUT
      case 0x71: memo.set(buf[need(1)] as number, top()); break
      case 0x72: memo.set(buf.readUInt32LE(need(4)), top()); break
      case 0x94: memo.set(memo.size, top()); break // MEMOIZE
      case 0x67: stack.push(memoGet(Number(line()))); break // GET
      case 0x68: stack.push(memoGet(buf[need(1)] as number)); break
      case 0x6a: stack.push(memoGet(buf.readUInt32LE(need(4)))); break
      case 0x63: { const module = line(); stack.push(new PyForeign(`${module}.${line()}`)); break } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push(new PyForeign(`${String(module)}.${String(name)}`)); break }
      case 0x52: { const args = pop(); stack.push(construct(pop(), args)); break } // REDUCE
      case 0x81: { const args = pop(); stack.push(construct(pop(), args)); break } // NEWOBJ
      case 0x92: { pop(); const args = pop(); stack.push(construct(pop(), args)); break } // NEWOBJ_EX
      case 0x62: pop(); break // BUILD: the state stays with the placeholder
      case 0x69: { const module = line(); const name = line(); popMark(); stack.push(new PyForeign(`${module}.${name}`)); break } // INST
      case 0x6f: { const items = popMark(); stack.push(construct(items[0], items.slice(1))); break } // OBJ
      default:
        throw new UnpicklingError(`unsupported pickle opcode 0x${op.toString(16)} at ${pos - 1}`)
    }
  }
}

/** How protocols 0 to 2 rebuild built-in types that have no opcode there. */
const BUILTIN_REDUCE: Record<string, string> = {
  '_codecs.encode': 'bytes',
  'builtins.bytes': 'bytes',
  'builtins.bytearray': 'bytearray',
  'builtins.set': 'set',
  '__builtin__.set': 'set',
  'builtins.frozenset': 'frozenset',
  '__builtin__.frozenset': 'frozenset'
}

function construct(callable: unknown, args: unknown): PyForeign {
  const name = callable instanceof PyForeign ? callable.type : 'object'
  const type = BUILTIN_REDUCE[name] ?? name
  return new PyForeign(type, Array.isArray(args) ? [...args] : [])
}

/** Protocol 0's UNICODE: raw-unicode-escape (only \uXXXX and \UXXXXXXXX are escapes; bytes are latin-1). */
function rawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u: string | undefined, U: string | undefined) => String.fromCodePoint(parseInt((u ?? U) as string, 16)))
}

/** Protocol 0's STRING: a Python 2 repr, 'text' or "text", with backslash escapes. */
function pyStringRepr(text: string): string {
  const t = text.trim()
  const q = t[0]
  if ((q !== "'" && q !== '"') || t[t.length - 1] !== q) throw new UnpicklingError('the STRING opcode argument must be quoted')
  return t.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    return ({ n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[e] ?? `\\${e}`
  })
}

/** Turns dicts (Maps) into plain objects and collects what JSON cannot hold. */
function toJson(root: unknown): Unpickled {
  const foreign = new Set<string>()
  const seen = new Map<unknown, unknown>()
  const active = new Set<unknown>()
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v
      foreign.add('float (inf or nan)')
      return String(v)
    }
    if (typeof v === 'bigint') {
      foreign.add('int beyond 2**53')
      return v.toString()
    }
    if (v instanceof PyForeign) {
      foreign.add(v.type)
      return v.toJSON()
    }
    if (active.has(v)) {
      foreign.add('recursive container')
      return '<recursive>'
    }
    if (seen.has(v)) return seen.get(v)
    active.add(v)
    try {
      return container(v)
    } finally {
      active.delete(v)
    }
  }
  const container = (v: unknown): unknown => {
    if (v instanceof Map) {
      const out: Record<string, unknown> = {}
      seen.set(v, out)
      for (const [k, item] of v) {
        if (typeof k !== 'string') foreign.add(`${typeof k === 'number' ? 'int' : 'non-string'} dict key`)
        Object.defineProperty(out, String(k instanceof PyForeign ? k.toJSON() : k), { value: walk(item), enumerable: true, writable: true, configurable: true })
      }
      return out
    }
    if (Array.isArray(v)) {
      if (v instanceof PyTuple) foreign.add('tuple')
      const out: unknown[] = []
      seen.set(v, out)
      for (const item of v) out.push(walk(item))
      return out
    }
    foreign.add(typeof v)
    return String(v)
  }
  const value = walk(root)
  return { value, foreign: [...foreign] }
}
