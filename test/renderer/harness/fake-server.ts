/// <reference types="node" />
// A stand-in control server for looking at the real built UI in Chromium: serves the
// renderer build under the product's strict CSP, and the REST routes and SSE stream of
// src/shared/routes.ts over a FakeApi (dispatched from the same route table as the client).
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import type { ApiMethod } from '../../../src/shared/api'
import { ApiError, toApiError } from '../../../src/shared/errors'
import { matchRoute, readQuery, ROUTES } from '../../../src/shared/routes'
import type { FakeApi } from '../fake-api'

/** What the product's control server is expected to send with the UI: nothing inline. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json'
}

export interface FakeServer {
  url: string
  token: string
  /** Ends every open event stream; with `refuseFor`, refuses new ones for that long. */
  dropStreams(refuseForMs?: number): void
  close(): Promise<void>
}

export async function startFakeServer(fake: FakeApi, staticDir: string, token = 'harness-token'): Promise<FakeServer> {
  const streams = new Set<ServerResponse>()
  let refuseUntil = 0

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith('/api/')) return serveStatic(staticDir, url.pathname, res)
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, new ApiError('unauthorized', 'missing or wrong token').toWire())
    if (url.pathname === '/api/events') {
      if (Date.now() < refuseUntil) return send(res, 503, { error: 'not now', code: 'internal' })
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
      res.write(': connected\n\n')
      streams.add(res)
      const off = fake.subscribe((event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.payload)}\n\n`))
      res.on('close', () => {
        off()
        streams.delete(res)
      })
      return
    }
    for (const route of ROUTES) {
      if (route.verb !== req.method) continue
      const params = matchRoute(route, url.pathname)
      if (!params) continue
      const input: Record<string, unknown> = { ...readQuery(route, url.searchParams) }
      for (const [name, value] of Object.entries(params)) input[name] = route.numericParams?.includes(name) ? Number(value) : value
      if (req.method !== 'GET' && req.method !== 'DELETE' && route.body !== 'none') {
        const text = await readBody(req)
        const body: unknown = text ? JSON.parse(text) : {}
        if (typeof route.body === 'object') input[route.body.field] = body
        else Object.assign(input, body)
      }
      try {
        const method = fake[route.method as ApiMethod] as (input: unknown) => Promise<unknown>
        const value = await method.call(fake, input)
        if (route.status === 204) {
          res.writeHead(204)
          return res.end()
        }
        return send(res, 200, value)
      } catch (error) {
        const apiError = toApiError(error)
        return send(res, apiError.status, apiError.toWire())
      }
    }
    send(res, 404, { error: `no route ${req.method} ${url.pathname}`, code: 'not_found' })
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error), code: 'internal' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    token,
    dropStreams(refuseForMs = 0) {
      refuseUntil = Date.now() + refuseForMs
      for (const s of streams) s.destroy()
    },
    async close() {
      for (const s of streams) s.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

function send(res: ServerResponse, status: number, value: unknown) {
  if (res.headersSent) return res.end()
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(value))
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString()))
    req.on('end', () => resolve(text))
    req.on('error', reject)
  })
}

async function serveStatic(dir: string, pathname: string, res: ServerResponse) {
  const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^(\.\.[/\\])+/, '')
  try {
    const body = await readFile(join(dir, relative))
    res.writeHead(200, { 'Content-Type': TYPES[extname(relative)] ?? 'application/octet-stream', 'Content-Security-Policy': STRICT_CSP })
    res.end(body)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    res.end('not found')
  }
}
