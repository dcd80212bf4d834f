// Between the app's socket and Node's HTTP response parser: within a response head only, an
// X-Session* header too long to be an update the proxy would take is dropped as it streams by
// and replaced by a short marker line (one line, or several lines of the same name whose sum
// is: from the line that takes the sum over the limit, every line of that name is dropped), so that Node's parser (whose cost grows with
// the square of a head's size: 12.8 s of a blocked event loop for 16 MiB) never sees it. The
// status line, every other header and the body pass byte for byte; after the head it is a
// plain relay. The agent's reuseSocket() tells it when a kept-alive connection's next
// response begins.
import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { MAX_UPDATE_BYTES } from '../../shared/wire'

/** The marker's name: an X-Session* header, so it never reaches the browser. */
export const OVERSIZE_HEADER = 'X-Session-Oversize'
/** Session header lines of one name longer than this in all are dropped (below it, the proxy refuses them as before). */
export const OVERSIZE_LINE = MAX_UPDATE_BYTES + 4096

const LF = 0x0a
/** Enough of a line's start to tell its name: "X-Session-Oversize:" and some. */
const NAME_BYTES = 64
const SESSION = /^x[-_]session/i
const MARKER = new RegExp(`^${OVERSIZE_HEADER}\\s*:`, 'i')

type LineState = 'start' | 'pass' | 'hold' | 'drop' | 'discard'

/** The header lines dropped from one response head: name and the size of its values in bytes (all its lines). */
export interface Oversize {
  name: string
  bytes: number
}

/** Reads a marker's value ("X-Session-Update 5000000"); null if it is not one. */
export function parseOversize(value: string): Oversize | null {
  const m = /^(\S+) (\d+)$/.exec(value.trim())
  return m ? { name: m[1] as string, bytes: Number(m[2]) } : null
}

/**
 * The refusal for an X-Session-Update the head filter dropped, as for one of 1 MiB; null if none
 * was. `markers` are the marker lines one by one (IncomingMessage.headersDistinct: Node joins
 * repeated headers of other names with ", " in `headers`).
 */
export function oversizeUpdate(markers: string[] | undefined): { ok: false; error: string } | null {
  let bytes = -1
  for (const value of markers ?? []) {
    const o = parseOversize(value)
    if (o && /^x[-_]session[-_]update$/i.test(o.name)) bytes = Math.max(bytes, o.bytes)
  }
  return bytes < 0 ? null : { ok: false, error: `X-Session-Update is over 1 MiB (${bytes} bytes)` }
}

/**
 * The filter as a state machine over bytes: feed() takes what the socket read and returns
 * what the parser gets. Kept apart from the stream so it can be tested on its own.
 */
export class HeadFilter {
  private inHead = true
  private firstLine = true
  private informational = false
  private state: LineState = 'start'
  /** The current line's bytes not yet given out ('start' and 'hold'). */
  private held: Buffer[] = []
  private heldBytes = 0
  /** 'drop': the line's length so far and its name. */
  private dropped = 0
  private dropName = ''
  private dropHead = 0
  private lastByte = 0
  private beforeLast = 0
  /** Per session header name (lower case) in this head: its lines' bytes so far (without line ends), its values' bytes, whether it is being dropped. */
  private names = new Map<string, { line: number; value: number; dropped: boolean }>()
  private name = { line: 0, value: 0, dropped: false }

  constructor(private readonly limit = OVERSIZE_LINE) {}

  /** A new response begins on this connection (a kept-alive one, reused). */
  reset(): void {
    this.inHead = true
    this.firstLine = true
    this.informational = false
    this.state = 'start'
    this.held = []
    this.heldBytes = 0
    this.names.clear()
  }

  feed(chunk: Buffer): Buffer[] {
    if (!this.inHead) return [chunk]
    const out: Buffer[] = []
    let at = 0
    while (at < chunk.length && this.inHead) {
      const lf = chunk.indexOf(LF, at)
      const end = lf === -1 ? chunk.length : lf + 1
      this.line(chunk.subarray(at, end), lf !== -1, out)
      at = end
    }
    if (at < chunk.length) out.push(chunk.subarray(at))
    return out
  }

  /** A piece of the current line; `ends` when it holds its LF. */
  private line(piece: Buffer, ends: boolean, out: Buffer[]): void {
    if (this.state === 'start' || this.state === 'hold') {
      this.held.push(piece)
      this.heldBytes += piece.length
      if (this.state === 'start' && (ends || this.heldBytes >= NAME_BYTES)) this.decide(ends)
      // decide() changed the state
      const state = this.state as LineState
      // What is left of the name's budget (none once a line of it was dropped).
      const budget = this.name.dropped ? -1 : this.limit - this.name.line
      if (state === 'hold' && this.heldBytes - this.lineEnd(ends) > budget) {
        this.state = 'drop'
        this.dropped = this.heldBytes
        this.held = []
        this.heldBytes = 0
      } else if (state === 'pass' || (state === 'hold' && ends)) {
        if (state === 'hold') {
          const line = this.heldBytes - this.lineEnd(ends)
          this.name.line += line
          this.name.value += Math.max(0, line - this.dropHead)
        }
        out.push(...this.held)
        this.held = []
        this.heldBytes = 0
      } else if (state === 'discard') {
        this.held = []
        this.heldBytes = 0
      }
    } else if (this.state === 'pass') out.push(piece)
    else if (this.state === 'drop') this.dropped += piece.length
    if (this.state === 'drop') this.beforeLast = piece.length > 1 ? (piece[piece.length - 2] as number) : this.lastByte
    if (this.state === 'drop') this.lastByte = piece[piece.length - 1] as number
    if (!ends) return
    if (this.state === 'drop') {
      // The line's value: its length less the name, the colon, the space and the line end.
      const eol = this.beforeLast === 0x0d ? '\r\n' : '\n'
      this.name.value += Math.max(0, this.dropped - this.dropHead - eol.length)
      this.name.dropped = true
      const bytes = this.name.value
      out.push(Buffer.from(`${OVERSIZE_HEADER}: ${this.dropName} ${bytes}${eol}`, 'latin1'))
    }
    this.state = 'start'
  }

  /** The bytes of the held line's end: its LF and a CR before it (or one that may be, when it has not ended). */
  private lineEnd(ends: boolean): number {
    if (!ends) return 1
    const last = this.held[this.held.length - 1] as Buffer
    const cr = last.length > 1 ? last[last.length - 2] : this.held[this.held.length - 2]?.at(-1)
    return cr === 0x0d ? 2 : 1
  }

  /** What to do with a line from its first bytes (all of it when `ends`). */
  private decide(ends: boolean): void {
    const text = Buffer.concat(this.held, Math.min(this.heldBytes, NAME_BYTES)).toString('latin1')
    if (this.firstLine) {
      this.firstLine = false
      this.names.clear()
      const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text)?.[1])
      // 1xx (not 101, whose bytes after the head are another protocol's) comes before the answer.
      this.informational = status >= 100 && status < 200 && status !== 101
      this.state = 'pass'
    } else if (ends && (text === '\n' || text === '\r\n')) {
      this.state = 'pass'
      // The head is over: the body passes as it is, or the next head after a 1xx.
      if (this.informational) this.firstLine = true
      else this.inHead = false
    } else if (SESSION.test(text)) {
      // The app's own X-Session-Oversize is not believed (the proxy strips every X-Session* anyway).
      if (MARKER.test(text)) this.state = 'discard'
      else {
        this.state = 'hold'
        const colon = text.indexOf(':')
        this.dropName = colon === -1 ? text.slice(0, 16) : text.slice(0, colon).trim()
        // The value's length is counted without the name, the colon and the space after it.
        this.dropHead = colon === -1 ? 0 : colon + 1 + (/^[ \t]*/.exec(text.slice(colon + 1))?.[0].length ?? 0)
        const key = this.dropName.toLowerCase()
        this.name = this.names.get(key) ?? { line: 0, value: 0, dropped: false }
        this.names.set(key, this.name)
      }
    } else this.state = 'pass'
  }
}

/**
 * The app's socket as Node's HTTP client sees it: what it reads goes through a HeadFilter;
 * writes, timeouts, keep-alive and ref/unref go to the socket.
 */
export class FilteredSocket extends Duplex {
  readonly headFilter = new HeadFilter()

  constructor(readonly inner: Socket) {
    super({ allowHalfOpen: true })
    inner.on('data', (chunk: Buffer) => {
      for (const b of this.headFilter.feed(chunk)) if (!this.push(b)) inner.pause()
    })
    inner.on('end', () => this.push(null))
    // As a net.Socket's: 'error' when it happens, 'close' when the socket is closed (Node's
    // HTTP client says "aborted" to a response cut off at 'close', after the error).
    inner.on('error', (e) => {
      if (!this.destroyed) this.emit('error', e)
    })
    inner.on('close', () => {
      if (!this.destroyed) this.destroy()
    })
    inner.on('timeout', () => this.emit('timeout'))
    inner.on('drain', () => this.emit('drain'))
    inner.on('connect', () => this.emit('connect'))
    inner.on('secureConnect', () => this.emit('secureConnect'))
  }

  get connecting(): boolean {
    return this.inner.connecting
  }

  get timeout(): number | undefined {
    return this.inner.timeout
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort
  }

  get localAddress(): string | undefined {
    return this.inner.localAddress
  }

  get localPort(): number | undefined {
    return this.inner.localPort
  }

  get encrypted(): boolean {
    return Boolean((this.inner as { encrypted?: boolean }).encrypted)
  }

  override _read(): void {
    this.inner.resume()
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inner.write(chunk, encoding, callback)
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    this.inner.cork()
    for (let i = 0; i < chunks.length; i++) {
      const { chunk, encoding } = chunks[i] as { chunk: Buffer; encoding: BufferEncoding }
      if (i === chunks.length - 1) this.inner.write(chunk, encoding, callback)
      else this.inner.write(chunk, encoding)
    }
    this.inner.uncork()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The error is this stream's to emit (once), not the socket's too.
    this.inner.destroy()
    callback(error)
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms)
    if (callback) {
      if (ms === 0) this.off('timeout', callback)
      else this.once('timeout', callback)
    }
    return this
  }

  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay)
    return this
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.inner.setKeepAlive(enable, initialDelay)
    return this
  }

  ref(): this {
    this.inner.ref()
    return this
  }

  unref(): this {
    this.inner.unref()
    return this
  }

  destroySoon(): void {
    this.end()
  }
}
