// The app behind the proxy: its URL, a keep-alive agent that accepts large response heads
// (an X-Session-Update may be up to 1 MiB; Node's default limit is 16 KiB), a monitor that
// knows whether it is up, and the error pages the browser gets.
import { openSync, readdirSync, readSync } from 'node:fs'
import http, { type ClientRequest } from 'node:http'
import https from 'node:https'
import { connect } from 'node:net'
import type { UpstreamState } from '../../shared/api'

const MAX_RESPONSE_HEAD = 4 * 1024 * 1024

/** Validates an upstream URL: http(s), a host, no credentials or fragment. Throws a one-line error. */
export function parseUpstream(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`bad upstream URL ${JSON.stringify(text)}: expected e.g. http://127.0.0.1:8000`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`bad upstream URL ${JSON.stringify(text)}: only http:// and https:// are supported`)
  if (!url.hostname) throw new Error(`bad upstream URL ${JSON.stringify(text)}: no host`)
  return url
}

type AddRequest = (req: ClientRequest, options: unknown) => void

/** A keep-alive agent whose requests may read response heads up to 4 MiB, with any number of headers. */
export function upstreamAgent(url: URL): http.Agent {
  const Base = url.protocol === 'https:' ? https.Agent : http.Agent
  const agent = new Base({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 })
  const proto = Object.getPrototypeOf(agent) as { addRequest: AddRequest }
  const add = proto.addRequest
  // addRequest runs in ClientRequest's constructor, before the socket's parser is set up
  // with req.maxHeaderSize: the one place a proxy library's request can still be told.
  ;(agent as unknown as { addRequest: AddRequest }).addRequest = function (req, options) {
    ;(req as unknown as { maxHeaderSize: number }).maxHeaderSize = MAX_RESPONSE_HEAD
    // Every header of the answer, not Node's first 1,000 (an X-Session-Update or Set-Cookie
    // past them was dropped unseen); the 4 MiB bounds the count.
    req.maxHeadersCount = 0
    return add.call(this, req, options)
  }
  return agent
}

/** Words for an upstream error ("connection refused (ECONNREFUSED)"). */
export function describeUpstreamError(error: Error & { code?: string }): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the app',
    ETIMEDOUT: 'timed out',
    ENOTFOUND: 'host not found',
    EHOSTUNREACH: 'host unreachable',
    EPIPE: 'connection closed by the app',
    HPE_HEADER_OVERFLOW: 'response headers too large',
    HPE_INVALID_CONSTANT: 'not an HTTP response'
  }
  // Any other parse error of llhttp's: the app answered, but not in HTTP ("Parse Error: Invalid status code").
  const words = error.code && (known[error.code] ?? (error.code.startsWith('HPE_') ? 'the app answered with invalid HTTP' : undefined))
  if (error.code === 'HPE_HEADER_OVERFLOW') return `${words} (${error.code}): the app answered with a head over ${MAX_RESPONSE_HEAD / 1024 / 1024} MiB, more than the proxy reads`
  if (isOwnFault(error)) return outOfFileDescriptors(error.code as string)
  return words ? `${words} (${error.code})${error.message && !error.message.includes(error.code ?? '') ? `: ${error.message}` : ''}` : error.message || String(error)
}

/** The proxy's own lack of file descriptors (EMFILE: this process's limit; ENFILE: the system's), not the app's fault. */
export function isOwnFault(error: { code?: string }): boolean {
  return error.code === 'EMFILE' || error.code === 'ENFILE'
}

/**
 * /proc/self/limits, opened once and kept: when the descriptors run out, reading the limit
 * must not need a new one (it is read again each time: prlimit can change a running process's).
 */
let limitsFd: number | null | undefined
function readLimit(): string {
  if (limitsFd === undefined) {
    try {
      limitsFd = openSync('/proc/self/limits', 'r')
    } catch {
      limitsFd = null // not Linux
    }
  }
  if (limitsFd === null) return '?'
  try {
    const buf = Buffer.alloc(4096)
    const text = buf.toString('utf8', 0, readSync(limitsFd, buf, 0, buf.length, 0))
    return /^Max open files\s+(\S+)/m.exec(text)?.[1] ?? '?'
  } catch {
    return '?'
  }
}

/** "the proxy is out of file descriptors: 256 open, limit 256 (EMFILE)", from /proc on Linux. */
export function outOfFileDescriptors(code: string): string {
  const limit = readLimit()
  let open: string
  try {
    open = String(readdirSync('/proc/self/fd').length - 1) // less the one that lists them
  } catch {
    open = limit // EMFILE: every descriptor under the limit is taken
  }
  return code === 'ENFILE' ? `the system is out of file descriptors (ENFILE): the proxy has ${open} open, its limit ${limit}` : `the proxy is out of file descriptors: ${open} open, limit ${limit} (EMFILE)`
}

/** Tracks whether the upstream answers; probes with a TCP connect while it is down. */
export class UpstreamMonitor {
  state: UpstreamState = 'unknown'
  error: string | undefined
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private lastOwnNotice = 0

  constructor(
    private readonly url: URL,
    private readonly onChange: (state: UpstreamState, error?: string) => void,
    private readonly probeEveryMs = 2000,
    private readonly notice: (line: string) => void = (line) => process.stderr.write(`session-inspector: ${line}\n`)
  ) {
    readLimit() // its descriptor taken now, while there are some
  }

  start(): void {
    void this.probe()
  }

  up(): void {
    this.set('up')
  }

  down(error: string): void {
    this.set('down', error)
  }

  /**
   * A request to the app failed: the app is down, unless the failure was the proxy's own (out
   * of file descriptors: said on its own, once a minute at most) or the app did answer, with a
   * head too large to read. Returns whether it was the proxy's own.
   */
  failed(error: Error & { code?: string }, words: string): boolean {
    if (isOwnFault(error)) {
      const now = Date.now()
      if (now - this.lastOwnNotice > 60_000) {
        this.lastOwnNotice = now
        this.notice(`${words}; the upstream's state is not changed by it (raise the limit: ulimit -n)`)
      }
      return true
    }
    if (error.code === 'HPE_HEADER_OVERFLOW') this.set('up')
    else this.down(words)
    return false
  }

  private set(state: UpstreamState, error?: string): void {
    const changed = state !== this.state || error !== this.error
    this.state = state
    this.error = error
    if (changed) this.onChange(state, error)
    if (state === 'down') this.schedule()
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.probe()
    }, this.probeEveryMs)
    this.timer.unref()
  }

  private probe(): Promise<void> {
    const port = Number(this.url.port) || (this.url.protocol === 'https:' ? 443 : 80)
    const host = this.url.hostname.replace(/^\[|\]$/g, '')
    return new Promise((resolve) => {
      const socket = connect({ host, port, timeout: 2000 })
      const done = (error?: string) => {
        socket.destroy()
        if (!this.closed) {
          if (error) this.down(error)
          else if (this.state !== 'up') this.up()
        }
        resolve()
      }
      socket.once('connect', () => done())
      socket.once('timeout', () => done('timed out (ETIMEDOUT)'))
      // Out of descriptors: no probe can tell, and the app is not down for it.
      socket.once('error', (e: Error & { code?: string }) => {
        if (!isOwnFault(e)) return done(describeUpstreamError(e))
        socket.destroy()
        this.schedule()
        resolve()
      })
    })
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
  }
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A small, self-contained HTML error page (no scripts, no external resources). */
export function errorPage(status: number, title: string, lines: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${escape(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.3rem}code{background:#f2f2f4;padding:.1rem .3rem;border-radius:4px}small{color:#666}
@media (prefers-color-scheme:dark){body{background:#161618;color:#e8e8ea}code{background:#2a2a2e}small{color:#999}}</style></head>
<body><h1>${status} ${escape(title)}</h1>${lines.map((l) => `<p>${l}</p>`).join('')}<p><small>Session Inspector</small></p></body></html>`
}

export const html = { escape }
