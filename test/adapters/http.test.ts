// The plain node:http side of the adapter: when the update header is written (streams,
// early heads), requests without the proxy, malformed headers, errors in handlers.
import { request } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { attachSession, NO_HEADER_MESSAGE, withSession, type SessionHandler, type SessionInspectorOptions } from '../../src/adapters'
import { encodeBase64UrlJson, parseWireUpdate } from '../../src/shared/wire'
import { call, listen, rawCall, sessionHeader, type Server } from './support'

let server: Server | null = null
let warnings: string[] = []

afterEach(async () => {
  await server?.close()
  server = null
  warnings = []
})

async function serve(handler: SessionHandler, options: SessionInspectorOptions = {}): Promise<string> {
  server = await listen(withSession(handler, { warn: (m) => warnings.push(m), ...options }))
  return server.url
}

describe('when the update is written', () => {
  it('a streamed response gets it with its head, and the body still streams', async () => {
    const url = await serve(async (req, res) => {
      req.session.set('step', 1)
      res.write('first chunk\n')
      await delay(20)
      res.write('second chunk\n')
      res.end('done\n')
    })
    const r = await call(url, { session: sessionHeader() })
    expect(r.body).toBe('first chunk\nsecond chunk\ndone\n')
    expect(r.headers.get('transfer-encoding')).toBe('chunked')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { step: 1 } })
  })

  it('the first chunk really leaves before the handler finishes (no buffering)', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const url = await serve(async (req, res) => {
      req.session.get('x')
      res.write('early\n')
      await gate
      res.end('late\n')
    })
    const { status, update, first } = await new Promise<{ status: number; update: string | undefined; first: string }>((resolve, reject) => {
      const req = request(url, { headers: { 'X-Session': sessionHeader() } }, (res) => {
        res.once('data', (chunk: Buffer) => {
          resolve({ status: res.statusCode ?? 0, update: res.headers['x-session-update'] as string | undefined, first: chunk.toString() })
          release()
          res.resume()
        })
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(200)
    expect(first).toBe('early\n')
    expect(update).toBeDefined()
  })

  it('an explicit writeHead with its own headers keeps them and adds the update', async () => {
    const url = await serve((req, res) => {
      req.session.set('a', 'b')
      res.writeHead(201, { 'Content-Type': 'text/plain', 'X-App': 'yes' })
      res.end('created')
    })
    const r = await call(url, { session: sessionHeader() })
    expect(r.status).toBe(201)
    expect(r.headers.get('x-app')).toBe('yes')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { a: 'b' } })
  })

  it('a head written early carries what was done before it; later changes are reported as lost', async () => {
    const url = await serve((req, res) => {
      req.session.set('before', true)
      res.flushHeaders()
      req.session.set('after', true)
      res.end('ok')
    })
    const r = await call(url, { session: sessionHeader() })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { before: true } })
    await delay(10)
    expect(warnings.join('\n')).toContain('changed after the response head was written')
  })

  it('a first touch after the head is written is reported too', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200)
      req.session.set('late', 1)
      res.end()
    })
    const r = await call(url, { session: sessionHeader() })
    expect(r.update).toBeNull()
    await delay(10)
    expect(warnings).toHaveLength(1)
  })

  it('an untouched session gets no header and no warning', async () => {
    const url = await serve((_req, res) => res.end('plain'))
    const r = await call(url, { session: sessionHeader({ data: { a: 1 } }) })
    expect(r.update).toBeNull()
    expect(r.body).toBe('plain')
    expect(warnings).toEqual([])
  })

  it('the app\'s own X-Session-Update is replaced by the adapter\'s', async () => {
    const url = await serve((req, res) => {
      res.setHeader('X-Session-Update', encodeBase64UrlJson({ flush: true }))
      req.session.get('a')
      res.end()
    })
    expect((await call(url, { session: sessionHeader() })).update).toEqual({ accessed: true })
  })

  it('a large session travels both ways when both ends raise the 16 KiB header limit', async () => {
    server = await listen(
      withSession((req, res) => {
        req.session.set('more', 'y'.repeat(200_000))
        res.end(String((req.session.get('big') as string).length))
      }),
      { maxHeaderSize: 4 << 20 }
    )
    const r = await rawCall(server.url, [['X-Session', sessionHeader({ data: { big: 'x'.repeat(300_000) } })]], { maxHeaderSize: 4 << 20 })
    expect(r.body).toBe('300000')
    const update = parseWireUpdate(r.headers['x-session-update'] as string)
    expect(update.ok && Object.keys(update.value.data ?? {})).toEqual(['big', 'more'])
  })

  it('an update over the proxy\'s 1 MiB limit is reported', async () => {
    const url = await serve((req, res) => {
      req.session.set('big', 'x'.repeat(1_100_000))
      res.end()
    })
    const r = await rawCall(url, [['X-Session', sessionHeader()]], { maxHeaderSize: 4 << 20 })
    expect(r.status).toBe(200)
    expect(warnings.join('\n')).toContain("over the proxy's 1 MiB limit")
  })
})

describe('without the proxy', () => {
  it('a request without X-Session gets the loud 500, and the server keeps serving', async () => {
    let ran = 0
    const url = await serve((req, res) => {
      ran++
      res.end(String(req.session.get('n', 0)))
    })
    const r = await call(url)
    expect(r.status).toBe(500)
    expect(r.body.trim()).toBe(NO_HEADER_MESSAGE)
    expect(r.body.trim()).toBe('no X-Session header: is Session Inspector in front of this app?')
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(ran).toBe(0)
    expect(warnings.join('\n')).toContain(NO_HEADER_MESSAGE)
    const ok = await call(url, { session: sessionHeader({ data: { n: 5 } }) })
    expect(ok.status).toBe(200)
    expect(ok.body).toBe('5')
  })

  it('{required: false} gives an empty in-memory session that is never saved', async () => {
    const url = await serve(
      (req, res) => {
        const s = req.session
        s.set('name', 'Sonam')
        res.end(JSON.stringify([s.inspected, s.sessionKey, s.get('name'), s.getExpiryAge()]))
      },
      { required: false }
    )
    const r = await call(url)
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toEqual([false, null, 'Sonam', 1_209_600])
    expect(r.update).toBeNull()
    const second = await call(url)
    expect(JSON.parse(second.body)).toEqual([false, null, 'Sonam', 1_209_600])
  })

  it('{required: false} still uses the header when the proxy is there', async () => {
    const url = await serve((req, res) => res.end(String(req.session.get('n'))), { required: false })
    const r = await call(url, { session: sessionHeader({ data: { n: 7 } }) })
    expect(r.body).toBe('7')
    expect(r.update).toEqual({ accessed: true })
  })
})

describe('a malformed X-Session', () => {
  const cases: [string, string, string][] = [
    ['not base64url', '!!!', 'malformed X-Session header: not base64url'],
    ['not JSON', Buffer.from('{nope').toString('base64url'), 'malformed X-Session header: not JSON'],
    ['another protocol version', encodeBase64UrlJson({ v: 2 }), 'malformed X-Session header: not protocol v1'],
    ['data not an object', encodeBase64UrlJson({ v: 1, key: null, data: [], now: new Date().toISOString(), cookieAge: 1 }), '"data" must be an object'],
    ['a bad now', encodeBase64UrlJson({ v: 1, key: null, data: {}, now: 'yesterday', cookieAge: 1 }), 'bad "now"']
  ]
  for (const [what, header, message] of cases) {
    it(`${what}: a 500 with the parse error, never a crash`, async () => {
      let ran = false
      const url = await serve((_req, res) => {
        ran = true
        res.end()
      })
      const r = await call(url, { session: header })
      expect(r.status).toBe(500)
      expect(r.body).toContain(message)
      expect(r.update).toBeNull()
      expect(ran).toBe(false)
      expect((await call(url, { session: sessionHeader() })).status).toBe(200)
    })
  }

  it('sent twice: refused, whatever the two say', async () => {
    const url = await serve((_req, res) => res.end())
    const r = await rawCall(url, [
      ['X-Session', sessionHeader()],
      ['X-Session', sessionHeader()]
    ])
    expect(r.status).toBe(500)
    expect(r.body).toContain('malformed X-Session header: sent 2 times')
  })
})

describe('errors in handlers', () => {
  it('a thrown error becomes a 500 naming it, and the session update still goes out (accessed)', async () => {
    const url = await serve((req) => {
      req.session.getItem('name')
    })
    const r = await call(url, { session: sessionHeader() })
    expect(r.status).toBe(500)
    expect(r.body).toContain('SessionKeyError')
    expect(r.update).toEqual({ accessed: true })
    expect(warnings.join('\n')).toContain('SessionKeyError')
  })

  it('a rejected promise too', async () => {
    const url = await serve(async (req) => {
      await delay(1)
      req.session.set('x', 1)
      throw new Error('boom')
    })
    const r = await call(url, { session: sessionHeader() })
    expect(r.status).toBe(500)
    expect(r.body).toContain('Error: boom')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { x: 1 } })
  })
  it('an error after the head is out cuts the connection, and the server keeps serving', async () => {
    let calls = 0
    const url = await serve(async (req, res) => {
      req.session.get('a')
      res.write('partial')
      await delay(5)
      if (++calls === 1) throw new Error('late failure')
      res.end()
    })
    await expect(call(url, { session: sessionHeader() })).rejects.toThrow()
    expect(warnings.join('\n')).toContain('late failure')
    expect((await call(url, { session: sessionHeader() })).status).toBe(200)
  })
})

describe('attachSession', () => {
  it('gives the same session when called twice for one request', async () => {
    server = await listen((req, res) => {
      const a = attachSession(req, res)
      const b = attachSession(req, res)
      a?.set('n', 1)
      b?.set('m', 2)
      res.end(String(a === b && a !== null))
    })
    const r = await call(server.url, { session: sessionHeader() })
    expect(r.body).toBe('true')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { n: 1, m: 2 } })
  })

  it('returns null after answering the 500 itself', async () => {
    let got: unknown = 'unset'
    server = await listen((req, res) => {
      got = attachSession(req, res, { warn: () => {} })
    })
    const r = await call(server.url)
    expect(r.status).toBe(500)
    expect(got).toBeNull()
  })
})
