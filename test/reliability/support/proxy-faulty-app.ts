// An app that misbehaves below HTTP, for the upstream-faults scenario: a raw TCP server that
// reads a request head and acts by its path — answers, resets mid-response, waits before
// the first byte, streams a huge body, speaks invalid HTTP — and can go down and come back
// on the same port.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

export type Fault =
  | 'ok'
  | 'reset-before-head'
  | 'close-before-head'
  | 'reset-mid-body'
  | 'cut-chunked'
  | 'slow-first-byte'
  | 'stream'
  | 'not-http'
  | 'bad-status-line'
  | 'bad-header'
  | 'bad-content-length'
  | 'huge-head'

export interface FaultyApp {
  port: number
  url: string
  /** Stops listening and drops every connection (the app is down). */
  down(): Promise<void>
  /** Listens again on the same port. */
  up(): Promise<void>
  close(): Promise<void>
}

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`

/** Streams `bytes` of body with backpressure, as a Content-Length response. */
function stream(socket: Socket, bytes: number): void {
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes}\r\n\r\n`)
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  let left = bytes
  const pump = () => {
    while (left > 0) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= part.length
      if (!socket.write(part)) return void socket.once('drain', pump)
    }
  }
  pump()
}

function act(socket: Socket, fault: Fault, params: URLSearchParams): void {
  switch (fault) {
    case 'ok':
      return void socket.write(ok(`ok ${params.get('i') ?? ''}`))
    case 'reset-before-head':
      return void socket.resetAndDestroy()
    case 'close-before-head':
      return void socket.end()
    case 'reset-mid-body':
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(5000)}`)
      return void setTimeout(() => socket.resetAndDestroy(), 20)
    case 'cut-chunked':
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nfirst 16 bytes..\r\n20\r\nonly half of th')
      return void setTimeout(() => socket.end(), 20)
    case 'slow-first-byte':
      return void setTimeout(() => socket.writable && socket.write(ok(`late ${params.get('i') ?? ''}`)), Number(params.get('ms') ?? 1000))
    case 'stream':
      return stream(socket, Number(params.get('bytes')))
    case 'not-http':
      return void socket.end('SSH-2.0-OpenSSH_9.6\r\nthis is not HTTP\r\n\r\n')
    case 'bad-status-line':
      return void socket.end('HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n')
    case 'bad-header':
      return void socket.end('HTTP/1.1 200 OK\r\nNo colon in this header\r\nContent-Length: 2\r\n\r\nok')
    case 'bad-content-length':
      return void socket.end('HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nok')
    case 'huge-head':
      return void socket.end(`HTTP/1.1 200 OK\r\nX-Huge: ${'h'.repeat(5 * 1024 * 1024)}\r\nContent-Length: 2\r\n\r\nok`)
  }
}

/** Listens on 127.0.0.1 (port 0: any). */
export async function startFaultyApp(): Promise<FaultyApp> {
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((socket) => {
        sockets.add(socket)
        socket.once('close', () => sockets.delete(socket))
        socket.on('error', () => undefined)
        let head = ''
        const onData = (d: Buffer) => {
          head += d.toString('latin1')
          const end = head.indexOf('\r\n\r\n')
          if (end === -1) return
          // One request per connection is all the next step needs; later ones go the same way.
          const target = /^\S+ (\S+)/.exec(head)?.[1] ?? '/'
          head = head.slice(end + 4)
          const url = new URL(target, 'http://app.invalid')
          act(socket, (url.pathname.slice(1) || 'ok') as Fault, url.searchParams)
        }
        socket.on('data', onData)
      })
      s.once('error', reject)
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject)
        port = (s.address() as AddressInfo).port
        server = s
        resolve()
      })
    })
  const down = () =>
    new Promise<void>((resolve) => {
      const s = server
      server = null
      for (const socket of sockets) socket.destroy()
      if (!s) return resolve()
      s.close(() => resolve())
    })
  await listen()
  return { port, url: `http://127.0.0.1:${port}`, down, up: listen, close: down }
}
