// zlib.deflateSync's and zlib.inflateSync's output from one reused zlib stream each:
// deflateSync builds a stream (and zlib allocates and clears its ~256 KB of state) on every
// call, which was most of a session save, and inflateSync half of a cold load's inflate.
// Uses the streams' native handles (Node internals), checked against the Sync functions
// before first use; anything unexpected switches to them for good, and an input the reused
// inflater cannot finish cleanly (corrupt, cut short, bytes after its end, large) is
// inflated by inflateSync, which then says what it says for it.
import { constants, Deflate, deflateSync, Inflate, inflateSync } from 'node:zlib'

/** The parts of Node's zlib stream this uses (node:zlib internals, stable since Node 12). */
interface ZlibInternals {
  _handle?: {
    reset(): void
    writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void
    /** Called by the handle, synchronously, when zlib reports an error. */
    onerror?: (message: string, errno: number) => void
  }
  _writeState?: Uint32Array
  close?(): void
}

const OUT_BYTES = 64 * 1024
let reused: { handle: NonNullable<ZlibInternals['_handle']>; state: Uint32Array; out: Buffer } | null | undefined

/** The reused stream's output, or null when it cannot say (then deflateSync answers). */
function deflateReused(data: Buffer): Buffer | null {
  if (reused === undefined) reused = openReused()
  if (!reused) return null
  const { handle, state, out } = reused
  try {
    handle.reset()
    handle.writeSync(constants.Z_FINISH, data, 0, data.length, out, 0, OUT_BYTES)
  } catch {
    reused = null
    return null
  }
  const [availOut, availIn] = [state[0]!, state[1]!]
  if (availIn !== 0 || availOut === 0) return null // larger than one output buffer: the usual way
  return Buffer.from(out.subarray(0, OUT_BYTES - availOut))
}

/** Inputs of several kinds on which a reused stream must give what the Sync function gives. */
const PROBES = ['{"a":1}', `{"user":"sonam","cart":[1,2,3],"text":"${'ab'.repeat(300)}"}`, JSON.stringify({ n: Array.from({ length: 500 }, (_, i) => i * 7919) })].map((p) => Buffer.from(p, 'latin1'))

/** True when `viaReused` gives what `viaSync` gives for every input, twice over (reset works). */
function agrees(viaReused: (data: Buffer) => Buffer | null, viaSync: (data: Buffer) => Buffer, inputs: Buffer[]): boolean {
  for (let round = 0; round < 2; round++) for (const data of inputs) if (!viaReused(data)?.equals(viaSync(data))) return false
  return true
}

/** A zlib stream's native handle and write state, when this Node has them as expected. */
function nativeOf(stream: ZlibInternals): { handle: NonNullable<ZlibInternals['_handle']>; state: Uint32Array } | null {
  const { _handle: handle, _writeState: state } = stream
  return handle && state instanceof Uint32Array && typeof handle.reset === 'function' && typeof handle.writeSync === 'function' ? { handle, state } : null
}

function openReused(): typeof reused {
  try {
    const native = nativeOf(new Deflate() as unknown as ZlibInternals)
    if (!native) return null
    reused = { ...native, out: Buffer.allocUnsafe(OUT_BYTES) }
    return agrees(deflateReused, deflateSync, PROBES) ? reused : null
  } catch {
    return null
  }
}

/** zlib.deflateSync(data) with default options, byte for byte. */
export function deflate(data: Buffer): Buffer {
  return deflateReused(data) ?? deflateSync(data)
}

/** True when deflate() runs on the reused stream (tests and benchmarks). */
export function deflateReusesStream(): boolean {
  if (reused === undefined) reused = openReused()
  return reused !== null
}

let inflater: { stream: ZlibInternals; handle: NonNullable<ZlibInternals['_handle']>; state: Uint32Array; out: Buffer; failed: boolean } | null | undefined

/** The reused inflater's output, or null when it cannot say (then inflateSync answers). */
function inflateReused(data: Buffer): Buffer | null {
  if (inflater === undefined) inflater = openInflater()
  if (!inflater) return null
  const r = inflater
  r.failed = false
  try {
    r.handle.reset()
    r.handle.writeSync(constants.Z_FINISH, data, 0, data.length, r.out, 0, OUT_BYTES)
  } catch {
    inflater = null
    return null
  }
  if (r.failed) {
    // zlib said no (a bad or cut stream): a new inflater next time, and inflateSync's error now.
    inflater = undefined
    r.stream.close?.()
    return null
  }
  const [availOut, availIn] = [r.state[0]!, r.state[1]!]
  if (availIn !== 0 || availOut === 0) return null // bytes past the stream's end, or more than one buffer
  return Buffer.from(r.out.subarray(0, OUT_BYTES - availOut))
}

function openInflater(): typeof inflater {
  try {
    const stream = new Inflate() as unknown as ZlibInternals
    const native = nativeOf(stream)
    if (!native) return null
    const opened = { stream, ...native, out: Buffer.allocUnsafe(OUT_BYTES), failed: false }
    native.handle.onerror = () => {
      opened.failed = true
    }
    inflater = opened
    return agrees(inflateReused, inflateSync, PROBES.map((p) => deflateSync(p))) ? opened : null
  } catch {
    return null
  }
}

/** zlib.inflateSync(data) with default options: the same bytes, or the same error. */
export function inflate(data: Buffer): Buffer {
  return inflateReused(data) ?? inflateSync(data)
}

/** True when inflate() runs on the reused stream (tests and benchmarks). */
export function inflateReusesStream(): boolean {
  if (inflater === undefined) inflater = openInflater()
  return inflater !== null
}
