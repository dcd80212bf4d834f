// One HTTP/1.1 request written byte for byte on a fresh socket (any path, NUL and backslashes
// included; any Host), its body streamed with backpressure, the answer read to the end; and
// optionally a second request on the same connection, to see it still answers afterwards.
import { connect, type Socket } from 'node:net'

export interface RawRequest {
  method: string
  /** The request target exactly as sent (not normalised, not encoded). */
  target: string
  /** Header lines in order; Host is not added. */
  headers: [string, string][]
  /** The body; `{ size }` streams that many filler bytes (for huge bodies without holding them). */
  body?: string | Buffer | { size: number; chunked?: boolean; filler?: string }
}

export interface RawAnswer {
  /** 0 when no status line came back. */
  status: number
  headers: Record<string, string>
  body: string
  /** The socket was reset or closed before a whole answer was read. */
  cutShort: boolean
  /** No answer within the timeout. */
  timedOut: boolean
  error?: string
  /** The answer to the follow-up request on the same connection, when one was sent. */
  followUp?: RawAnswer
}

const CHUNK = 64 * 1024

export function sendRaw(port: number, request: RawRequest, timeoutMs = 10_000, followUp?: RawRequest): Promise<RawAnswer> {
  const head = request.method === 'HEAD'
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let error: string | undefined
    let done = false
    const timer = setTimeout(() => finish(true), timeoutMs)
    function finish(timedOut: boolean): void {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const data = Buffer.concat(received)
      if (!followUp) return resolve(parseAnswer(data, timedOut, error, head))
      const end = firstMessageEnd(data, head)
      const first = parseAnswer(end < 0 ? data : data.subarray(0, end), timedOut, error, head)
      resolve({ ...first, followUp: parseAnswer(end < 0 ? Buffer.alloc(0) : data.subarray(end), timedOut, error, followUp.method === 'HEAD') })
    }
    socket.on('data', (d: Buffer) => {
      received.push(d)
      const data = Buffer.concat(received)
      const end = firstMessageEnd(data, head)
      if (end >= 0 && (!followUp || firstMessageEnd(data.subarray(end), followUp.method === 'HEAD') >= 0)) finish(false)
    })
    // A write after the server answered and closed is expected (EPIPE); what counts is the answer.
    socket.on('error', (e) => (error ??= e.message))
    socket.on('close', () => finish(false))
    socket.on('connect', () => writeRequest(socket, request, followUp))
  })
}

function writeRequest(socket: Socket, request: RawRequest, followUp?: RawRequest): void {
  const given = request.body
  const headers = [...request.headers]
  const streamed = typeof given === 'object' && !Buffer.isBuffer(given) ? given : null
  const body = typeof given === 'string' || Buffer.isBuffer(given) ? given : undefined
  if (streamed?.chunked) headers.push(['Transfer-Encoding', 'chunked'])
  else if (streamed) headers.push(['Content-Length', String(streamed.size)])
  else if (body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(body))])
  if (!followUp) headers.push(['Connection', 'close'])
  socket.write(`${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1')
  const then = (): void => {
    if (followUp && socket.writable) writeRequest(socket, followUp)
  }
  if (!streamed) {
    if (body !== undefined) socket.write(body)
    return then()
  }
  const filler = Buffer.alloc(CHUNK, streamed.filler ?? ' ')
  let sent = 0
  const pump = (): void => {
    while (sent < streamed.size && !socket.destroyed && socket.writable) {
      const part = filler.subarray(0, Math.min(CHUNK, streamed.size - sent))
      sent += part.length
      const ok = streamed.chunked ? socket.write(Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')])) : socket.write(part)
      if (!ok) {
        socket.once('drain', pump)
        return
      }
    }
    if (streamed.chunked && socket.writable) socket.write('0\r\n\r\n')
    then()
  }
  pump()
}

function headEnd(data: Buffer): number {
  return data.indexOf('\r\n\r\n')
}

function readHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/** Where the first whole answer in `data` ends, or -1 while it is incomplete. */
function firstMessageEnd(data: Buffer, head: boolean): number {
  const end = headEnd(data)
  if (end < 0) return -1
  if (head) return end + 4
  const length = readHeaders(data.subarray(0, end).toString('latin1'))['content-length']
  if (length === undefined || data.length - (end + 4) < Number(length)) return -1
  return end + 4 + Number(length)
}

function parseAnswer(data: Buffer, timedOut: boolean, error: string | undefined, isHead: boolean): RawAnswer {
  const end = headEnd(data)
  if (end < 0) return { status: 0, headers: {}, body: '', cutShort: !timedOut, timedOut, error }
  const head = data.subarray(0, end).toString('latin1')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)
  const headers = readHeaders(head)
  const body = data.subarray(end + 4)
  const length = headers['content-length']
  const cutShort = !isHead && length !== undefined ? body.length < Number(length) : false
  return { status, headers, body: body.toString('utf8'), cutShort: cutShort && !timedOut, timedOut, error }
}
