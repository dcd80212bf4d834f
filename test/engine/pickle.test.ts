// The pickle reader and writer of observe mode's caches, against Python's own pickle: what
// Python writes (every protocol, 0 to 5) reads back equal here, and what is written here
// loads in Python as the same dict.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { unpickle, UnpicklingError } from '../../src/main/engine/observe/pickle-read'
import { pickle } from '../../src/main/engine/observe/pickle-write'

const PYTHON = process.env.DJANGO_PYTHON ?? '/usr/bin/python3'

/** Runs Python code that prints one line of JSON; stdin carries hex-encoded pickles. */
function python(code: string, input = ''): unknown {
  return JSON.parse(execFileSync(PYTHON, ['-c', code], { input, encoding: 'utf8' }))
}

/** A session dict as Django's views fill it, with what JSON can say. */
const SESSION = {
  name: 'Sonam',
  lname: 'rathore',
  _auth_user_id: '1',
  _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
  _session_expiry: 600,
  cart: [1, 2, 3, ['nested', { deep: true }]],
  count: 0,
  big: 70000,
  bigger: 2 ** 40,
  negative: -129,
  huge_negative: -(2 ** 40),
  price: 12.5,
  tiny: 1e-7,
  on: true,
  off: false,
  none: null,
  unicode: 'ü☃ 😀',
  empty: {},
  empties: [],
  long_text: 'x'.repeat(300)
}

describe('pickle (Python → here)', () => {
  it('reads Python’s pickles of a session dict at every protocol', () => {
    const hexes = python(
      `import json, pickle, sys; d = json.loads(sys.stdin.read()); print(json.dumps([pickle.dumps(d, p).hex() for p in range(0, pickle.HIGHEST_PROTOCOL + 1)]))`,
      JSON.stringify(SESSION)
    ) as string[]
    expect(hexes.length).toBeGreaterThanOrEqual(5)
    for (const hex of hexes) {
      const { value, foreign } = unpickle(Buffer.from(hex, 'hex'))
      expect(value).toEqual(SESSION)
      expect(foreign).toEqual([])
    }
  })

  it('reads ints beyond 2**53 and Python objects as placeholders, and names what JSON cannot hold', () => {
    const hexes = python(
      `import json, pickle, datetime, decimal
d = {'when': datetime.datetime(2024, 1, 2, 3, 4, 5), 'd': decimal.Decimal('1.5'), 'pair': (1, 'a'), 's': {1, 2}, 'b': b'xy', 'huge': 2**70, 'neg': -2**70, 1: 'int key', 'shared': 'x'}
d['again'] = d['pair']
print(json.dumps([pickle.dumps(d, p).hex() for p in (0, 2, 5)]))`
    ) as string[]
    for (const hex of hexes) {
      const { value, foreign } = unpickle(Buffer.from(hex, 'hex'))
      expect(value).toMatchObject({ when: '<datetime.datetime>', d: '<decimal.Decimal>', pair: [1, 'a'], again: [1, 'a'], b: '<bytes>', huge: (2n ** 70n).toString(), neg: (-(2n ** 70n)).toString(), 1: 'int key' })
      expect(foreign).toEqual(expect.arrayContaining(['datetime.datetime', 'decimal.Decimal', 'tuple', 'bytes', 'int beyond 2**53', 'int dict key']))
    }
  })

  it('refuses what is not a pickle', () => {
    expect(() => unpickle(Buffer.from('hello'))).toThrow(UnpicklingError)
    expect(() => unpickle(Buffer.from([0x80, 0x05, 0x7d]))).toThrow(/truncated|underflow/)
  })
})

describe('pickle (here → Python)', () => {
  it('writes what Python loads as the same dict, and reads back its own output', () => {
    const written = pickle(SESSION)
    expect(unpickle(written).value).toEqual(SESSION)
    const loaded = python(`import json, pickle, sys; print(json.dumps(pickle.loads(bytes.fromhex(sys.stdin.read()))))`, written.toString('hex'))
    expect(loaded).toEqual(SESSION)
  })

  it('writes ints of every size exactly, as Python ints', () => {
    const ints = [0, 1, 255, 256, 65535, 65536, -1, -128, -129, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1)]
    const text = python(
      `import json, pickle, sys; v = pickle.loads(bytes.fromhex(sys.stdin.read())); print(json.dumps([[type(x).__name__, str(x)] for x in v]))`,
      pickle(ints).toString('hex')
    )
    expect(text).toEqual(ints.map((n) => ['int', String(n)]))
  })

  it('writes more than one batch of items (SETITEMS and APPENDS of 1000)', () => {
    const big = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i]))
    const list = Array.from({ length: 2100 }, (_, i) => i)
    const loaded = python(`import json, pickle, sys; print(json.dumps(pickle.loads(bytes.fromhex(sys.stdin.read()))))`, pickle({ big, list }).toString('hex'))
    expect(loaded).toEqual({ big, list })
  })
})
