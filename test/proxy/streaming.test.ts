// Bodies stream through the proxy both ways: a 50 MB download and upload with flat memory
// and backpressure, Server-Sent Events that arrive while the app holds the stream open,
// the X-Forwarded-* headers, and upstream keep-alive.
import { request, type IncomingMessage } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { send } from './support/browser'
import { nextEvent, useInspector } from './support/inspector'
import { deferred, serve, type Upstream } from './support/servers'

const MB = 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'x')

let app: Upstream
/** Bytes the app has written of the current download. */
let written = 0
/** Settles when the app's download response closes: true if it finished, false if cut. */
let downloadClosed = deferred<boolean>()
/** A request the app never answers, and when its connection closes. */
let held = { arrived: deferred(), closed: deferred() }
/** The app's view of the current upload. */
let upload = { received: 0, firstChunk: deferred() }
/** Released by the SSE test once the browser has the first event. */
let sseRelease = deferred()
let lastHeaders: IncomingMessage['headers'] = {}

const started = useInspector(async () => {
  app = await serve((req, res) => {
    lastHeaders = req.headers
    const url = new URL(req.url ?? '/', 'http://app.invalid')
    if (url.pathname === '/download') {
      const total = Number(url.searchParams.get('mb')) * MB
      written = 0
      res.once('close', () => downloadClosed.resolve(res.writableFinished))
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(total) })
      const pump = () => {
        while (written < total) {
          written += CHUNK.length
          if (!res.write(CHUNK)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    } else if (url.pathname === '/held') {
      held.arrived.resolve()
      res.once('close', () => held.closed.resolve())
    } else if (url.pathname === '/upload') {
      req.on('data', (c: Buffer) => {
        upload.received += c.length
        upload.firstChunk.resolve()
      })
      req.on('end', () => res.end(String(upload.received)))
    } else if (url.pathname === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
      res.write('event: hello\ndata: one\n\n')
      void sseRelease.promise.then(() => res.end('data: two\n\n'))
    } else {
      res.end('ok')
    }
  })
  return { upstream: app.url }
})
const proxyUrl = () => started().inspector.proxyUrl
afterAll(async () => {
  await app?.close()
})

// Every streamed chunk is a fresh Buffer: measure what is still held, not garbage. V8 frees
// ArrayBuffer memory on a sweeper after a GC, so collect, yield once, collect, then read.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

interface Memory {
  rss: number
  arrayBuffers: number
}

function read(): Memory {
  const m = process.memoryUsage()
  return { rss: m.rss, arrayBuffers: m.arrayBuffers }
}

async function settled(): Promise<Memory> {
  gc()
  await new Promise((r) => setImmediate(r))
  gc()
  return read()
}

/** Samples held memory every 25 ms until stopped; resolves with the peak growth over the baseline. */
async function watchMemory(): Promise<() => Promise<Memory>> {
  const base = await settled()
  const peak = { ...base }
  const sample = (m: Memory) => {
    peak.rss = Math.max(peak.rss, m.rss)
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers)
  }
  const timer = setInterval(() => void settled().then(sample), 25)
  return async () => {
    clearInterval(timer)
    sample(await settled())
    return { rss: peak.rss - base.rss, arrayBuffers: peak.arrayBuffers - base.arrayBuffers }
  }
}

function get(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, proxyUrl()), { agent: false }, resolve)
    req.on('error', reject)
    req.end()
  })
}

describe('large bodies', () => {
  it('a 50 MB download passes through with flat memory', async () => {
    const stop = await watchMemory()
    const res = await get('/download?mb=50')
    expect(res.statusCode).toBe(200)
    let received = 0
    for await (const chunk of res) received += (chunk as Buffer).length
    const growth = await stop()
    expect(received).toBe(50 * MB)
    // Buffering the body anywhere would need 50 MB at least.
    const figures = `growth: ${(growth.arrayBuffers / MB).toFixed(1)} MB of ArrayBuffers, ${(growth.rss / MB).toFixed(1)} MB of RSS`
    expect(growth.arrayBuffers, figures).toBeLessThan(20 * MB)
    // RSS also carries allocator noise (freed memory not yet returned to the OS, the traffic
    // writer thread's heap in this same process): bounded below the 50 MB a buffered body needs.
    expect(growth.rss, figures).toBeLessThan(40 * MB)
  })

  it('a browser that stops reading holds the app back (backpressure), instead of the proxy buffering', async () => {
    const res = await get('/download?mb=50')
    res.pause()
    // Let every buffer on the way fill up: the app writes until the pipe pushes back.
    let last = -1
    while (written !== last) {
      last = written
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(written).toBeLessThan(16 * MB)
    let received = 0
    res.resume()
    for await (const chunk of res) received += (chunk as Buffer).length
    expect(received).toBe(50 * MB)
  })

  it('a browser that goes away mid-download: the proxy closes the request to the app too, and logs the entry', async () => {
    downloadClosed = deferred<boolean>()
    const logged = nextEvent(started().inspector, 'traffic', (s) => s.url === '/download?mb=50')
    const res = await get('/download?mb=50')
    await new Promise((r) => res.once('data', r))
    res.destroy()
    // The app's response is cut (not finished): nothing keeps pumping into a dead browser.
    expect(await downloadClosed.promise).toBe(false)
    expect(written).toBeLessThan(50 * MB)
    const summary = await logged
    expect(summary.status).toBe(200)
    expect(summary.error).toBe('the browser closed the connection before the response was complete')
  })

  it('a browser that goes away before the app answers: the request to the app is cancelled, and logged', async () => {
    held = { arrived: deferred(), closed: deferred() }
    const logged = nextEvent(started().inspector, 'traffic', (s) => s.url === '/held')
    const req = request(new URL('/held', proxyUrl()), { agent: false })
    req.on('error', () => undefined)
    req.end()
    await held.arrived.promise
    req.destroy()
    // Without this, the app would hold the request until the 60 s upstream timeout.
    await held.closed.promise
    const summary = await logged
    expect(summary.status).toBeNull()
    expect(summary.error).toBe('the browser closed the connection before the app answered')
    expect((await started().inspector.api.getStatus({})).upstreamState).toBe('up')
  })

  it('a 50 MB upload streams to the app: it gets the first bytes before the browser has sent the rest', async () => {
    upload = { received: 0, firstChunk: deferred() }
    const stop = await watchMemory()
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(new URL('/upload', proxyUrl()), { method: 'POST', agent: false, headers: { 'Content-Type': 'application/octet-stream' } }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.write(CHUNK)
      // The rest only once the app has seen the first chunk: a buffering proxy would wait forever here.
      void upload.firstChunk.promise.then(async () => {
        let sent = CHUNK.length
        while (sent < 50 * MB) {
          sent += CHUNK.length
          if (!req.write(CHUNK)) await new Promise((r) => req.once('drain', r))
        }
        req.end()
      })
    })
    const { status, body } = await answer
    const growth = await stop()
    expect(status).toBe(200)
    expect(Number(body)).toBe(50 * MB)
    const figures = `growth: ${(growth.arrayBuffers / MB).toFixed(1)} MB of ArrayBuffers, ${(growth.rss / MB).toFixed(1)} MB of RSS`
    expect(growth.arrayBuffers, figures).toBeLessThan(20 * MB)
    // RSS also carries allocator noise (freed memory not yet returned to the OS, the traffic
    // writer thread's heap in this same process): bounded below the 50 MB a buffered body needs.
    expect(growth.rss, figures).toBeLessThan(40 * MB)
  })
})

describe('Server-Sent Events', () => {
  it('the first event reaches the browser while the app still holds the stream open', async () => {
    sseRelease = deferred()
    const res = await get('/events')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream')
    res.setEncoding('utf8')
    let text = ''
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the first event never arrived: the proxy buffers the stream')), 5000)
      res.on('data', (c: string) => {
        text += c
        if (text.includes('\n\n')) {
          clearTimeout(timer)
          resolve(text)
        }
      })
    })
    expect(first).toBe('event: hello\ndata: one\n\n')
    sseRelease.resolve()
    await new Promise((r) => res.once('end', r))
    expect(text).toBe('event: hello\ndata: one\n\ndata: two\n\n')
  })
})

describe('forwarding', () => {
  it('sets X-Forwarded-For, -Host and -Proto', async () => {
    const proxyHost = new URL(proxyUrl()).host
    expect((await send(new URL('/h', proxyUrl()))).status).toBe(200)
    expect(lastHeaders['x-forwarded-for']).toBe('127.0.0.1')
    expect(lastHeaders['x-forwarded-host']).toBe(proxyHost)
    expect(lastHeaders['x-forwarded-proto']).toBe('http')
    // The Host the browser used reaches the app (changeOrigin is off), as Django's ALLOWED_HOSTS expects.
    expect(lastHeaders.host).toBe(proxyHost)
  })

  it('appends to an X-Forwarded-For the client sent', async () => {
    await send(new URL('/h', proxyUrl()), { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    expect(lastHeaders['x-forwarded-for']).toBe('203.0.113.7,127.0.0.1')
  })

  it("replaces a client's X-Forwarded-Host, -Proto and -Port with what this hop saw", async () => {
    const proxy = new URL(proxyUrl())
    await send(new URL('/h', proxyUrl()), { headers: { 'X-Forwarded-Host': 'bank.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '443' } })
    expect(lastHeaders['x-forwarded-host']).toBe(proxy.host)
    expect(lastHeaders['x-forwarded-proto']).toBe('http')
    expect(lastHeaders['x-forwarded-port']).toBe(proxy.port)
  })

  it("reuses upstream connections (keep-alive) across sequential requests, whatever the browser's Connection header says", async () => {
    // send() uses no agent, so every request says `Connection: close`: that is the browser's hop only.
    await send(new URL('/warm', proxyUrl()))
    const before = app.connections()
    for (let n = 0; n < 8; n++) {
      const r = await send(new URL(`/ka/${n}`, proxyUrl()))
      expect(r.body).toBe('ok')
    }
    expect(app.connections() - before).toBe(0)
  })
})
