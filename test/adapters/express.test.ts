// The middleware in a real Express 5 app (res.send, res.json, res.redirect, streams,
// Express's own error handler) and in a bare Connect-style stack without Express.
import type { IncomingMessage, ServerResponse } from 'node:http'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_HEADER_MESSAGE, sessionInspector, type NextFunction, type SessionRequest } from '../../src/adapters'
import { call, listen, sessionHeader, type Server } from './support'

describe('Express 5', () => {
  let server: Server
  const warnings: string[] = []

  beforeAll(async () => {
    const app = express()
    app.get('/health', (_req, res) => {
      res.send('up')
    })
    app.use(sessionInspector({ warn: (m) => warnings.push(m) }))
    // req.session is typed through declaration merging: no casts below.
    app.get('/set/', (req, res) => {
      req.session.set('name', 'Sonam')
      req.session.set('lname', 'rathore')
      res.send('<h1>Session setting up...........</h1>')
    })
    app.get('/get/', (req, res) => {
      res.json({ name: req.session.get('name', 'Guest'), age: req.session.getExpiryAge() })
    })
    app.get('/logout/', (req, res) => {
      req.session.flush()
      res.redirect('/get/')
    })
    app.get('/stream/', async (req, res) => {
      req.session.setTestCookie()
      res.type('text/plain')
      res.write('a')
      await new Promise((r) => setTimeout(r, 10))
      res.end('b')
    })
    app.get('/boom/', (req) => {
      req.session.getItem('name')
    })
    app.get('/plain/', (_req, res) => {
      res.send('untouched')
    })
    server = await listen(app)
  })
  afterAll(() => server.close())

  it('res.send after writes: the whole dict, modified', async () => {
    const r = await call(`${server.url}/set/`, { session: sessionHeader() })
    expect(r.status).toBe(200)
    expect(r.body).toContain('Session setting up')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', lname: 'rathore' } })
  })

  it('res.json after reads: accessed only, answered from the header', async () => {
    const r = await call(`${server.url}/get/`, { session: sessionHeader({ data: { name: 'Sonam' }, cookieAge: 20 }) })
    expect(JSON.parse(r.body)).toEqual({ name: 'Sonam', age: 20 })
    expect(r.update).toEqual({ accessed: true })
  })

  it('res.redirect after flush', async () => {
    const r = await call(`${server.url}/logout/`, { session: sessionHeader({ data: { name: 'Sonam' } }) })
    expect(r.status).toBe(302)
    expect(r.headers.get('location')).toBe('/get/')
    expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: {} })
  })

  it('a streamed response', async () => {
    const r = await call(`${server.url}/stream/`, { session: sessionHeader() })
    expect(r.body).toBe('ab')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { testcookie: 'worked' } })
  })

  it("an error goes to Express's handler (500) and the read is still reported", async () => {
    const r = await call(`${server.url}/boom/`, { session: sessionHeader() })
    expect(r.status).toBe(500)
    expect(r.update).toEqual({ accessed: true })
  })

  it('an untouched session: no header', async () => {
    const r = await call(`${server.url}/plain/`, { session: sessionHeader({ data: { name: 'Sonam' } }) })
    expect(r.body).toBe('untouched')
    expect(r.update).toBeNull()
  })

  it('routes before the middleware do not need the proxy; routes after it do', async () => {
    expect((await call(`${server.url}/health`)).body).toBe('up')
    const r = await call(`${server.url}/get/`)
    expect(r.status).toBe(500)
    expect(r.body.trim()).toBe(NO_HEADER_MESSAGE)
    expect(warnings.some((w) => w.includes(NO_HEADER_MESSAGE))).toBe(true)
  })

  it('a malformed X-Session: 500 with the reason, and the app keeps serving', async () => {
    const r = await call(`${server.url}/get/`, { session: 'not*base64' })
    expect(r.status).toBe(500)
    expect(r.body).toContain('malformed X-Session header: not base64url')
    expect((await call(`${server.url}/get/`, { session: sessionHeader() })).status).toBe(200)
  })
})

/** Connect's core in a few lines: middleware in order, `next(err)` skips to the end. */
function connectLike(...stack: ((req: IncomingMessage, res: ServerResponse, next: NextFunction) => void)[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let i = 0
    const next: NextFunction = (err) => {
      const layer = stack[i++]
      if (err || !layer) {
        res.statusCode = err ? 500 : 404
        res.end(err ? 'error' : 'not found')
        return
      }
      layer(req, res, next)
    }
    next()
  }
}

describe('a Connect-style stack without Express', () => {
  it('gives req.session to the next middleware', async () => {
    const server = await listen(
      connectLike(sessionInspector(), (req, res) => {
        const session = (req as SessionRequest).session
        session.set('visits', (session.get('visits', 0) as number) + 1)
        res.end(String(session.get('visits')))
      })
    )
    try {
      const r = await call(server.url, { session: sessionHeader({ data: { visits: 2 } }) })
      expect(r.body).toBe('3')
      expect(r.update).toEqual({ accessed: true, modified: true, data: { visits: 3 } })
    } finally {
      await server.close()
    }
  })
})
