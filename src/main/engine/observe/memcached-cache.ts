// The app's memcached: values, flags and TTL changes through memjs (the binary protocol, with
// the flags Django's backends read: 1 for a pickle); listing keys and reading TTLs, which the
// binary protocol cannot, through memcached's text commands `lru_crawler metadump all`
// (1.4.31+) and `mg <key> t` (1.6+). Where those are refused, listing says so (null) and TTLs
// are unknown.
import { connect, type Socket } from 'node:net'
import memjs from 'memjs'
import type { AppCache, CacheItem } from './app-cache'
import { oneLine } from './app-store'

/** memcached's rule: an expiration over 30 days is an absolute Unix time. */
const RELATIVE_LIMIT = 30 * 24 * 3600

function expiration(ttlMs: number): number {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000))
  return seconds > RELATIVE_LIMIT ? Math.floor(Date.now() / 1000) + seconds : seconds
}

/** One text-protocol connection for the two commands memjs has no way to send. */
class TextCommands {
  private socket: Socket | null = null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly host: string,
    private readonly port: number
  ) {}

  /** Sends a command; resolves with the reply's lines up to the one `done` accepts. */
  send(command: string, done: (line: string) => boolean): Promise<string[]> {
    const next = this.queue.then(() => this.exchange(command, done))
    this.queue = next.catch(() => undefined)
    return next
  }

  private exchange(command: string, done: (line: string) => boolean): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const socket = (this.socket ??= connect(this.port, this.host))
      let buffer = ''
      const lines: string[] = []
      const timer = setTimeout(() => fail(new Error('no answer within 5 s')), 5000)
      const cleanup = () => {
        clearTimeout(timer)
        socket.off('data', onData)
        socket.off('error', fail)
        socket.off('close', onClose)
      }
      const fail = (e: Error) => {
        cleanup()
        socket.destroy()
        this.socket = null
        reject(e)
      }
      const onClose = () => fail(new Error('connection closed'))
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString('latin1')
        let at: number
        // metadump ends its lines with \n alone, the rest of the protocol with \r\n.
        while ((at = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, at).replace(/\r$/, '')
          buffer = buffer.slice(at + 1)
          lines.push(line)
          if (done(line)) {
            cleanup()
            return resolve(lines)
          }
        }
      }
      socket.on('data', onData)
      socket.once('error', fail)
      socket.once('close', onClose)
      socket.write(`${command}\r\n`)
    })
  }

  close(): void {
    this.socket?.destroy()
    this.socket = null
  }
}

const END = (line: string) => line === 'END' || /^(ERROR|CLIENT_ERROR|SERVER_ERROR|BUSY)/.test(line)

export class MemcachedAppCache implements AppCache {
  readonly label: string
  private readonly client: memjs.Client
  private readonly text: TextCommands
  /** Flags for the next write of each value buffer (memjs takes them from its serializer). */
  private readonly flagsOf = new WeakMap<Buffer, number>()

  constructor(server: string) {
    const [host, port] = server.includes(':') ? [server.slice(0, server.lastIndexOf(':')), Number(server.slice(server.lastIndexOf(':') + 1))] : [server, 11211]
    this.label = `memcached ${host}:${port}`
    this.text = new TextCommands(host, port)
    this.client = memjs.Client.create(`${host}:${port}`, {
      retries: 1,
      timeout: 1,
      conntimeout: 2,
      logger: { log: () => undefined },
      serializer: {
        serialize: (_opcode: number, value: unknown, extras: Buffer) => {
          const flags = Buffer.isBuffer(value) ? this.flagsOf.get(value) : undefined
          if (flags !== undefined && extras.length >= 4) extras.writeUInt32BE(flags, 0)
          return { value, extras }
        },
        deserialize: (_opcode: number, value: unknown, extras: Buffer) => ({ value, extras })
      }
    } as memjs.ClientOptions)
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw new Error(`${this.label}: ${oneLine(e)}`)
    }
  }

  async check(): Promise<void> {
    await this.run(() => this.client.get('session-inspector:check'))
  }

  /** The last metadump's absolute expiries (Unix s), and when it was read. */
  private expiries: { at: number; exp: Map<string, number> } | null = null

  async keys(prefix: string): Promise<string[] | null> {
    const lines = await this.run(() => this.text.send('lru_crawler metadump all', END))
    if (lines.at(-1) !== 'END') return null
    const out: string[] = []
    const exp = new Map<string, number>()
    for (const line of lines) {
      const m = /^key=(\S+)(?:.* exp=(-?\d+))?/.exec(line)
      if (!m) continue
      const key = decodeURIComponent(m[1] as string)
      if (m[2] !== undefined) exp.set(key, Number(m[2]))
      if (key.startsWith(prefix)) out.push(key)
    }
    this.expiries = { at: Date.now(), exp }
    return out
  }

  /**
   * The entry's absolute expiry, to the second, as metadump shows it (exp=, memcached's own
   * deadline; a TTL read back would carry its clock's lag). From the listing just made, or a
   * new one; undefined when the cache cannot list.
   */
  async deadline(key: string): Promise<number | null | undefined> {
    if (!this.expiries || Date.now() - this.expiries.at > 1000) {
      if ((await this.keys('')) === null) return undefined
    }
    const exp = this.expiries?.exp.get(key)
    if (exp === undefined) return (await this.get(key)) ? undefined : null
    return exp < 0 ? null : exp * 1000
  }

  async get(key: string): Promise<CacheItem | null> {
    const { value, flags } = await this.run(() => this.client.get(key))
    if (value === null || value === undefined) return null
    return { value: Buffer.from(value), flags: flags && flags.length >= 4 ? flags.readUInt32BE(0) : 0 }
  }

  async ttl(key: string): Promise<number | null> {
    const [line] = await this.run(() => this.text.send(`mg ${key} t`, (l) => /^(HD|EN|VA|ERROR|CLIENT_ERROR|SERVER_ERROR)/.test(l)))
    const m = /^(?:HD|VA \d+)(?: .*)? t(-?\d+)/.exec(line ?? '')
    if (!m || m[1] === '-1') return null
    return Number(m[1]) * 1000
  }

  async set(key: string, item: CacheItem, ttlMs: number): Promise<void> {
    this.expiries?.exp.delete(key)
    if (ttlMs <= 0) {
      await this.delete(key)
      return
    }
    const value = Buffer.from(item.value)
    this.flagsOf.set(value, item.flags)
    await this.run(() => this.client.set(key, value, { expires: expiration(ttlMs) }))
  }

  /** An absolute expiry (memcached reads one over 30 days as a Unix time), to the second. */
  async expireAt(key: string, atMs: number): Promise<boolean> {
    this.expiries?.exp.delete(key)
    if (atMs <= Date.now()) return this.delete(key)
    return this.run(() => this.client.touch(key, Math.round(atMs / 1000)))
  }

  async add(key: string, item: CacheItem, ttlMs: number): Promise<boolean> {
    this.expiries?.exp.delete(key)
    if (ttlMs <= 0) return false
    const value = Buffer.from(item.value)
    this.flagsOf.set(value, item.flags)
    return this.run(() => this.client.add(key, value, { expires: expiration(ttlMs) }))
  }

  async delete(key: string): Promise<boolean> {
    this.expiries?.exp.delete(key)
    return this.run(() => this.client.delete(key))
  }

  async expireIn(key: string, ttlMs: number): Promise<boolean> {
    this.expiries?.exp.delete(key)
    if (ttlMs <= 0) return this.delete(key)
    return this.run(() => this.client.touch(key, expiration(ttlMs)))
  }

  async close(): Promise<void> {
    this.client.close()
    this.text.close()
  }
}
