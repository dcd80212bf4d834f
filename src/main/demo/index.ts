// The built-in demo app (`--upstream demo`): a plain node:http app on the Node adapter that
// reproduces the seeds' Django session programs as pages.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { attachSession, SessionKeyError, type WireSession } from '../../adapters'
import { html } from './html'
import { landingPage } from './landing'
import { handleLogin } from './login'
import { keyErrorPage, notFoundPage, page, serverErrorPage, type ProgramNav } from './layout'
import { PROGRAMS, programNav, type Program, type View } from './programs'
import { DEMO_CSS } from './style'

export interface DemoAppOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** Where view errors are reported (default console.warn). */
  warn?: (line: string) => void
}

export interface DemoApp {
  /** e.g. http://127.0.0.1:54321 */
  url: string
  close(): Promise<void>
}

/** The largest request head the demo accepts (the session travels in it). */
export const DEMO_MAX_HEADER_SIZE = 4 * 1024 * 1024

interface Route {
  view: View
  nav: ProgramNav
}

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'"
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = HTML_HEADERS): void {
  res.statusCode = status
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

function programIndex(program: Program, session: WireSession): string {
  const nav = programNav(program)
  return page({
    title: program.title,
    session,
    nav,
    body: html`<h1>${program.title}</h1>
<p>${program.summary}</p>
<ul>${nav.links.map(([label, href]) => html`<li><a href="${href}">${label}</a></li>`)}</ul>`
  })
}

/** The demo's request handler, for mounting on a server of one's own. */
export function createDemoHandler(options: Pick<DemoAppOptions, 'warn'> = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const warn = options.warn ?? ((line: string) => console.warn(`[demo] ${line}`))
  const routes = new Map<string, Route>()
  const indexes = new Map<string, Program>()
  for (const program of PROGRAMS) {
    const nav = programNav(program)
    indexes.set(program.base, program)
    for (const [name, view] of Object.entries(program.views)) routes.set(`${program.base}${name}/`, { view, nav })
  }

  return (req, res) => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://demo.invalid')
    } catch {
      send(res, 400, 'Bad Request\n', { 'Content-Type': 'text/plain; charset=utf-8' })
      return
    }
    const path = url.pathname
    if (path === '/demo.css') return send(res, 200, DEMO_CSS, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=3600' })
    if (path === '/favicon.ico') return send(res, 404, '', { 'Content-Type': 'text/plain; charset=utf-8' })
    // Django's APPEND_SLASH (CommonMiddleware): /p1/set → 301 /p1/set/
    if (!path.endsWith('/') && (routes.has(`${path}/`) || indexes.has(`${path}/`) || /^\/login(\/private|\/logout)?$/.test(path))) {
      res.setHeader('Location', `${path}/${url.search}`)
      return send(res, 301, '')
    }

    const session = attachSession(req, res, { warn })
    if (!session) return
    if (path === '/') return send(res, 200, landingPage(session))
    if (path.startsWith('/login/')) {
      void handleLogin(req, res, path, session, (status, body, headers) => send(res, status, body, headers ? { ...HTML_HEADERS, ...headers } : HTML_HEADERS)).catch((e: Error) => {
        warn(`${req.method} ${path}: ${e.message}`)
        if (!res.headersSent) send(res, 400, serverErrorPage(e, session))
      })
      return
    }
    const index = indexes.get(path)
    if (index) return send(res, 200, programIndex(index, session))
    const route = routes.get(path)
    if (!route) return send(res, 404, notFoundPage(path, session))
    try {
      const result = route.view(session)
      send(res, 200, page({ title: result.title, body: result.body, session, nav: route.nav }))
    } catch (e) {
      if (e instanceof SessionKeyError) return send(res, 500, keyErrorPage(e.key, req.method ?? 'GET', path, session, route.nav))
      const error = e instanceof Error ? e : new Error(String(e))
      warn(`${req.method} ${path}: ${error.stack ?? error.message}`)
      send(res, 500, serverErrorPage(error, session))
    }
  }
}

/** Starts the demo app; `close()` stops it and drops open connections. */
export function startDemoApp(options: DemoAppOptions = {}): Promise<DemoApp> {
  const host = options.host ?? '127.0.0.1'
  // The proxy sends the whole session in X-Session: lift Node's 16 KiB header limit so a
  // big session is not refused with a 431 before the app sees it.
  const server = createServer({ maxHeaderSize: DEMO_MAX_HEADER_SIZE }, createDemoHandler(options))
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(new Error(`the demo app cannot listen on ${host}:${options.port ?? 0}: ${e.message}`))
    server.once('error', onError)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError)
      const { port } = server.address() as AddressInfo
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      let closing: Promise<void> | null = null
      resolve({
        url,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
          return closing
        }
      })
    })
  })
}
