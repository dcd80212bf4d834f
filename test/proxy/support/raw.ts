// Raw TCP exchanges with the proxy, for requests no HTTP client would send (repeated or
// oddly-cased headers, bad bytes, garbage) and to see exactly what comes back.
import { connect } from 'node:net'

export interface RawResponse {
  /** 0 when the connection closed without a status line. */
  status: number
  head: string
  body: string
  text: string
}

/**
 * Writes `data` on a fresh connection and reads until the server closes it (send
 * `Connection: close`) or `timeoutMs` passes, then parses the status line.
 */
export function rawExchange(port: number, data: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.once('connect', () => socket.write(data))
    socket.once('error', (e: Error & { code?: string }) => {
      // A server that answers and resets is still an answer.
      if (e.code !== 'ECONNRESET' || chunks.length === 0) {
        clearTimeout(timer)
        reject(e)
      }
    })
    socket.once('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const head = split === -1 ? text : text.slice(0, split)
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      const body = split === -1 ? '' : text.slice(split + 4)
      resolve({ status: m ? Number(m[1]) : 0, head, body: /\r\ntransfer-encoding: *chunked/i.test(head) ? dechunk(body) : body, text })
    })
  })
}

/** A GET request as raw text; `headers` are written as given, in order. */
export function rawGet(path: string, host: string, headers: string[] = []): string {
  return [`GET ${path} HTTP/1.1`, `Host: ${host}`, ...headers, 'Connection: close', '', ''].join('\r\n')
}

/** Decodes a chunked body (extensions and trailers ignored). */
export function dechunk(body: string): string {
  let out = ''
  let at = 0
  for (;;) {
    const eol = body.indexOf('\r\n', at)
    if (eol === -1) return out
    const size = parseInt(body.slice(at, eol), 16)
    if (!size) return out
    out += body.slice(eol + 2, eol + 2 + size)
    at = eol + 2 + size + 2
  }
}
