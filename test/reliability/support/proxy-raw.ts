// A raw HTTP/1.1 client for the reliability scenarios: writes bytes as given (in pieces, with
// pauses, then optionally a half-close), and reads one response, skipping 1xx answers,
// until its body is complete, the server closes, or a deadline passes (a hang).
import { connect } from 'node:net'

export interface RawPlan {
  /** The request's bytes, in the pieces they are written in. */
  pieces: Buffer[]
  /** Pause before each piece after the first, ms. */
  pauseMs?: number
  /** Send FIN once every piece is out (a half-close). */
  halfClose?: boolean
  /** The request was HEAD: no body follows the head. */
  head?: boolean
  timeoutMs: number
}

export interface RawOutcome {
  /** 0: the connection closed (or was reset) without a status line. */
  status: number
  headers: [string, string][]
  body: Buffer
  /** No complete answer, and the connection still open, at the deadline. */
  hung: boolean
  /** The server closed the connection (or reset it) before a complete response. */
  cutShort: boolean
  /** ECONNRESET and the like, if the connection failed. */
  error?: string
}

interface Head {
  status: number
  headers: [string, string][]
  bodyStart: number
}

function parseHead(buf: Buffer, from: number): Head | null {
  const end = buf.indexOf('\r\n\r\n', from, 'latin1')
  if (end === -1) return null
  const lines = buf.subarray(from, end).toString('latin1').split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')
  const headers: [string, string][] = []
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()])
  }
  return { status: m ? Number(m[1]) : -1, headers, bodyStart: end + 4 }
}

/** Decodes a chunked body; null while it is incomplete. */
function dechunk(buf: Buffer): Buffer | null {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1')
    if (eol === -1) return null
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16)
    if (Number.isNaN(size)) return Buffer.concat(parts) // unreadable: what came so far
    if (size === 0) return buf.indexOf('\r\n\r\n', eol, 'latin1') === -1 ? null : Buffer.concat(parts)
    if (buf.length < eol + 2 + size + 2) return null
    parts.push(buf.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

/** The final response once it is complete in `buf`, else null. */
function complete(buf: Buffer, head: boolean): { status: number; headers: [string, string][]; body: Buffer } | null {
  let from = 0
  for (;;) {
    const h = parseHead(buf, from)
    if (!h) return null
    if (h.status >= 100 && h.status < 200 && h.status !== 101) {
      from = h.bodyStart
      continue
    }
    const rest = buf.subarray(h.bodyStart)
    if (head || h.status === 204 || h.status === 304) return { ...h, body: Buffer.alloc(0) }
    const te = h.headers.find(([n]) => n === 'transfer-encoding')?.[1]
    if (te && /chunked/i.test(te)) {
      const body = dechunk(rest)
      return body ? { ...h, body } : null
    }
    const cl = h.headers.find(([n]) => n === 'content-length')?.[1]
    if (cl !== undefined) {
      const n = Number(cl)
      return rest.length >= n ? { ...h, body: rest.subarray(0, n) } : null
    }
    return null // read until close
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs one raw exchange with 127.0.0.1:port. Never rejects. */
export function rawRequest(port: number, plan: RawPlan): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    let error: string | undefined
    const finish = (o: Omit<RawOutcome, 'error'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(error ? { ...o, error } : o)
    }
    const final = () => {
      const buf = Buffer.concat(chunks, size)
      const done = complete(buf, Boolean(plan.head))
      if (done) return { ...done, hung: false, cutShort: false }
      // Read-until-close bodies end here; anything else was cut short.
      let from = 0
      for (;;) {
        const h = parseHead(buf, from)
        if (!h) return { status: 0, headers: [], body: Buffer.alloc(0), hung: false, cutShort: size > 0 }
        if (h.status >= 100 && h.status < 200 && h.status !== 101) {
          from = h.bodyStart
          continue
        }
        const framed = h.headers.some(([n]) => n === 'content-length' || n === 'transfer-encoding')
        return { status: h.status, headers: h.headers, body: buf.subarray(h.bodyStart), hung: false, cutShort: framed }
      }
    }
    const timer = setTimeout(() => {
      const o = final()
      finish({ ...o, hung: true })
    }, plan.timeoutMs)
    socket.on('data', (c: Buffer) => {
      chunks.push(c)
      size += c.length
      const done = complete(Buffer.concat(chunks, size), Boolean(plan.head))
      if (done) finish({ ...done, hung: false, cutShort: false })
    })
    socket.on('error', (e: Error & { code?: string }) => {
      error = e.code ?? e.message
    })
    socket.on('close', () => finish(final()))
    // A server that closes its side (after an answer or without one) is done with us.
    socket.on('end', () => finish(final()))
    socket.once('connect', () => {
      void (async () => {
        for (let i = 0; i < plan.pieces.length; i++) {
          if (settled || socket.destroyed) return
          if (i > 0 && plan.pauseMs) await sleep(plan.pauseMs)
          if (settled || socket.destroyed) return
          socket.write(plan.pieces[i] as Buffer)
        }
        if (plan.halfClose && !settled && !socket.destroyed) socket.end()
      })()
    })
  })
}

/** Splits bytes at the given fractions (0..1), for slow partial writes. */
export function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((f) => Math.floor(f * data.length)).filter((p) => p > 0 && p < data.length))].sort((a, b) => a - b)
  const pieces: Buffer[] = []
  let at = 0
  for (const p of points) {
    pieces.push(data.subarray(at, p))
    at = p
  }
  pieces.push(data.subarray(at))
  return pieces
}
