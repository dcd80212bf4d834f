// The head filter (issue 23, item 5): an X-Session* line past the update limit is dropped from
// a response head as it streams by, whatever the TCP chunks; everything else passes byte for
// byte, on kept-alive connections, with chunked bodies, while the proxy serves other requests.
import http from 'node:http'
import net, { type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HeadFilter, OVERSIZE_LINE } from '../../src/main/proxy/head-filter'
import { useInspector } from './support/inspector'

const MiB = 1024 * 1024
const run = (filter: HeadFilter, input: Buffer, step: number) => {
  const out: Buffer[] = []
  for (let at = 0; at < input.length; at += step) out.push(...filter.feed(input.subarray(at, at + step)))
  return Buffer.concat(out).toString('latin1')
}

describe('HeadFilter', () => {
  const big = 'A'.repeat(OVERSIZE_LINE + 10)
  const small = 'A'.repeat(1010)
  const head = `HTTP/1.1 200 OK\r\nX-One: 1\r\nx-session-update: ${big}\r\nX-Two: 2\r\nContent-Length: 40\r\n\r\n`
  const body = `X-Session-Update: ${'B'.repeat(20)}\r\n`

  for (const [limit, value, step] of [[1000, small, 1], [1000, small, 7], [undefined, big, 4096], [undefined, big, 1 << 30]] as const) {
    it(`drops a line over ${limit ?? 'the real'} limit and keeps the rest, fed ${step === 1 << 30 ? 'at once' : `${step} bytes at a time`}`, () => {
      const filter = new HeadFilter(limit)
      const input = head.replace(big, value) + body.padEnd(40, '.')
      expect(run(filter, Buffer.from(input, 'latin1'), step)).toBe(`HTTP/1.1 200 OK\r\nX-One: 1\r\nX-Session-Oversize: x-session-update ${value.length}\r\nX-Two: 2\r\nContent-Length: 40\r\n\r\n${body.padEnd(40, '.')}`)
    })
  }

  it('leaves a session line at the limit, the app\'s own marker out, LF-only heads, and the next head after a 1xx', () => {
    const filter = new HeadFilter(100)
    const atLimit = `X-Session-Update: ${'C'.repeat(100 - 'X-Session-Update: '.length)}\r\n`
    const input = `HTTP/1.1 103 Early Hints\nLink: </a>\n\nHTTP/1.1 200 OK\nX-Session-Oversize: X-Session-Update 9\n${atLimit}X-Session-Foo: ${'D'.repeat(300)}\n\nX-Session-Bar: ${'E'.repeat(300)}\n`
    expect(run(filter, Buffer.from(input, 'latin1'), 13)).toBe(`HTTP/1.1 103 Early Hints\nLink: </a>\n\nHTTP/1.1 200 OK\n${atLimit}X-Session-Oversize: X-Session-Foo 300\n\nX-Session-Bar: ${'E'.repeat(300)}\n`)
  })

  it('counts the lines of one name together: from the line that takes them over the limit, every line of that name is dropped', () => {
    const filter = new HeadFilter(100)
    const line = (name: string, value: string) => `${name}: ${value}\r\n`
    const u40 = 'U'.repeat(40)
    const input =
      'HTTP/1.1 200 OK\r\n' +
      line('X-Session-Update', u40) + // 58 of 100
      line('X-Session-User', 'V'.repeat(70)) + // another name, its own budget
      line('x-session-update', u40) + // 116: dropped, 80 bytes of values so far
      line('X-Session-Update', 'w') + // dropped too
      'X-Other: 1\r\n\r\n'
    expect(run(filter, Buffer.from(input, 'latin1'), 9)).toBe(
      'HTTP/1.1 200 OK\r\n' + line('X-Session-Update', u40) + line('X-Session-User', 'V'.repeat(70)) + 'X-Session-Oversize: x-session-update 80\r\nX-Session-Oversize: X-Session-Update 81\r\nX-Other: 1\r\n\r\n'
    )
    // Each head has its own budget.
    filter.reset()
    const next = `HTTP/1.1 200 OK\r\n${line('X-Session-Update', u40)}\r\n`
    expect(run(filter, Buffer.from(next, 'latin1'), 1000)).toBe(next)
  })

  it('filters the head of the next response on a reused connection, and only after reset()', () => {
    const filter = new HeadFilter(100)
    const response = `HTTP/1.1 200 OK\r\nX-Session-Update: ${'F'.repeat(200)}\r\nContent-Length: 0\r\n\r\n`
    expect(run(filter, Buffer.from(response), 50)).toBe('HTTP/1.1 200 OK\r\nX-Session-Oversize: X-Session-Update 200\r\nContent-Length: 0\r\n\r\n')
    expect(run(filter, Buffer.from(response), 50)).toBe(response)
    filter.reset()
    expect(run(filter, Buffer.from(response), 50)).toBe('HTTP/1.1 200 OK\r\nX-Session-Oversize: X-Session-Update 200\r\nContent-Length: 0\r\n\r\n')
  })
})

// An app on a raw socket, to choose how its bytes are cut and when they go out.
let app: Server
let upstream = ''
const requests: { path: string; connection: number }[] = []
let releaseSlow: () => void = () => undefined
const slowReleased = new Promise<void>((r) => (releaseSlow = r))
const tick = () => new Promise((r) => setImmediate(r))

async function write(socket: Socket, text: string, pieces: number): Promise<void> {
  const size = Math.ceil(text.length / pieces)
  for (let at = 0; at < text.length; at += size) {
    socket.write(text.slice(at, at + size), 'latin1')
    await tick()
  }
}

async function answer(socket: Socket, path: string): Promise<void> {
  const url = new URL(path, 'http://x')
  if (url.pathname === '/split') {
    // The head in many writes, cut inside the name, the value and the line ends.
    await write(socket, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Ses', 5)
    await write(socket, `sion-Update: ${'A'.repeat(5_000_000)}`, 300)
    await write(socket, '\r', 1)
    await write(socket, '\nX-Other: kept\r\nTransfer-Encoding: chunked\r\n\r\n', 9)
    const chunk = `X-Session-Update: ${'B'.repeat(2 * MiB)}\r\n`
    await write(socket, `${chunk.length.toString(16)}\r\n${chunk}\r\n5\r\nhello\r\n0\r\n\r\n`, 40)
  } else if (url.pathname === '/slow') {
    await write(socket, `HTTP/1.1 200 OK\r\nX-Session-Update: ${'S'.repeat(8 * MiB)}`, 16)
    await slowReleased
    await write(socket, `${'S'.repeat(8 * MiB)}\r\nContent-Length: 4\r\n\r\nslow`, 16)
  } else {
    const big = Number(url.searchParams.get('big') ?? 0)
    socket.write(`HTTP/1.1 200 OK\r\nX-Small: 1\r\n${big ? `X-Big: ${'G'.repeat(big)}\r\n` : ''}Content-Length: 5\r\n\r\nsmall`)
  }
}

beforeAll(async () => {
  let connections = 0
  app = net.createServer((socket) => {
    const connection = ++connections
    socket.setNoDelay(true)
    let buffered = ''
    let queue = Promise.resolve()
    socket.on('error', () => undefined)
    socket.on('data', (data) => {
      buffered += data.toString('latin1')
      let end: number
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        const path = buffered.slice(0, end).split(' ')[1] ?? '/'
        buffered = buffered.slice(end + 4)
        requests.push({ path, connection })
        queue = queue.then(() => answer(socket, path))
      }
    })
  })
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r))
  upstream = `http://127.0.0.1:${(app.address() as { port: number }).port}`
})
afterAll(() => void app.close())

const inspector = useInspector(() => ({ upstream }))

/** A request through the proxy, reading heads up to 8 MiB (fetch stops at 16 KiB). */
function get(path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${inspector().inspector.proxyUrl}${path}`, { maxHeaderSize: 8 * MiB, agent: false }, (res) => {
        let body = ''
        res.setEncoding('latin1')
        res.on('data', (d: string) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
      .on('error', reject)
  })
}

async function entryFor(path: string) {
  const api = inspector().inspector.api
  for (let i = 0; i < 500; i++) {
    const found = (await api.listTraffic({})).entries.find((e) => e.url === path)
    if (found) return api.getTraffic({ id: found.id })
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`no traffic entry for ${path}`)
}

describe('through the proxy', () => {
  it('a 5 MB update cut into hundreds of TCP chunks: refused and flagged; the head, the chunked body and the kept-alive connection pass', async () => {
    const r = await get('/split')
    expect(r.status).toBe(200)
    expect([r.headers['x-other'], r.headers['x-session-update'], r.headers['x-session-oversize']]).toEqual(['kept', undefined, undefined])
    expect(r.body).toBe(`X-Session-Update: ${'B'.repeat(2 * MiB)}\r\nhello`)
    expect((await entryFor('/split')).error).toBe('X-Session-Update refused: X-Session-Update is over 1 MiB (5000000 bytes)')
    const next = await get('/next')
    expect([next.status, next.body, next.headers['x-small']]).toEqual([200, 'small', '1'])
    const split = requests.find((q) => q.path === '/split')
    expect(requests.find((q) => q.path === '/next')?.connection).toBe(split?.connection)
    expect(inspector().inspector.status().upstreamState).toBe('up')
  })

  it('serves other requests while an update of 16 MiB is on its way', async () => {
    const slow = get('/slow')
    while (!requests.some((q) => q.path === '/slow')) await tick()
    for (let i = 0; i < 3; i++) expect((await get(`/meanwhile-${i}`)).body).toBe('small')
    releaseSlow()
    const r = await slow
    expect([r.status, r.body]).toEqual([200, 'slow'])
    expect((await entryFor('/slow')).error).toBe(`X-Session-Update refused: X-Session-Update is over 1 MiB (${16 * MiB} bytes)`)
  })

  it('a head large in other headers behaves as before: 2 MiB passes, 5 MB is a 502 naming the 4 MiB the proxy reads, the upstream up', async () => {
    const r = await get(`/large?big=${2 * MiB}`)
    expect([r.status, r.body, r.headers['x-big']?.length]).toEqual([200, 'small', 2 * MiB])
    const over = await get('/over?big=5000000')
    expect(over.status).toBe(502)
    expect(over.body).toContain('response headers too large (HPE_HEADER_OVERFLOW): the app answered with a head over 4 MiB, more than the proxy reads')
    expect(inspector().inspector.status().upstreamState).toBe('up')
    expect((await get('/after')).body).toBe('small')
  })
})
