// Real upstream servers for proxy tests, on 127.0.0.1 (port 0 unless told), that count
// their TCP connections and close cleanly.
import { createServer, type RequestListener, type Server as HttpServer } from 'node:http'
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'

export interface Upstream {
  url: string
  port: number
  server: HttpServer
  /** TCP connections accepted so far. */
  connections(): number
  close(): Promise<void>
}

/** An http server on 127.0.0.1 that counts connections. */
export function serve(handler: RequestListener, options: { port?: number; maxHeaderSize?: number } = {}): Promise<Upstream> {
  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? 4 * 1024 * 1024 }, handler)
  // Every header, as Node before 24 kept its first 1,000 where Node 24 answers 431 past them:
  // the tests with 1,000+ headers look at what the proxy sends, not at Node's limit.
  server.maxHeadersCount = 0
  let count = 0
  server.on('connection', () => count++)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        connections: () => count,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}

/** A raw TCP server (for upstreams that misbehave below HTTP). */
export function serveTcp(onSocket: (socket: Socket) => void): Promise<{ url: string; port: number; server: NetServer; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createNetServer((s) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    onSocket(s)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          })
      })
    })
  })
}

/** A port with nothing listening on it (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
}

/** A promise with its resolve (Node 20 has no Promise.withResolvers). */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
