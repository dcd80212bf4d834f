// The processes the proxy benchmark starts, one role each:
//   upstream      a node:http hello world; with an X-Session header it answers
//                 X-Session-Update {accessed:true} (a read), on /save {modified:true} (a save
//                 of the same data on every request), on /login it stores a session,
//                 and under /adapter/ it reads the session through the Node adapter;
//   bare-proxy    http-proxy with the same keep-alive agent as Session Inspector.
// Each prints {"url": ...} on its first stdout line and runs until SIGTERM.
// Usage: node --import tsx bench/support/proxy-roles.ts upstream | bare-proxy URL
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import httpProxy from 'http-proxy'
import { withSession } from '../../src/adapters'
import { upstreamAgent } from '../../src/main/proxy/upstream'

const wire = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const READ = wire({ accessed: true })
const SAVE = wire({ accessed: true, modified: true })
const LOGIN = wire({ data: { user: 'bench', name: 'Sonam', cart: [1, 2, 3] } })
const BODY = 'hello world\n'

const adapter = withSession((req, res) => {
  const user = req.session.get('user', 'nobody')
  const body = `hello ${String(user)}\n`
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(body)) })
  res.end(body)
})

function upstream(req: IncomingMessage, res: ServerResponse): void {
  if (req.url?.startsWith('/adapter/')) return adapter(req, res)
  const headers: Record<string, string> = { 'Content-Type': 'text/plain', 'Content-Length': String(BODY.length) }
  if (req.headers['x-session'] !== undefined) headers['X-Session-Update'] = req.url === '/login' ? LOGIN : req.url === '/save' ? SAVE : READ
  res.writeHead(200, headers)
  res.end(BODY)
}

function bareProxy(target: string): (req: IncomingMessage, res: ServerResponse) => void {
  const url = new URL(target)
  const proxy = httpProxy.createProxyServer({ target: url.href, agent: upstreamAgent(url), xfwd: true })
  proxy.on('error', (_error, _req, res) => {
    const r = res as ServerResponse
    if (!r.headersSent) r.writeHead(502)
    r.end()
  })
  return (req, res) => proxy.web(req, res)
}

function main(): void {
  const [role, target] = process.argv.slice(2)
  const handler = role === 'upstream' ? upstream : role === 'bare-proxy' && target ? bareProxy(target) : null
  if (!handler) {
    console.error('usage: proxy-roles.ts upstream | bare-proxy URL')
    process.exit(2)
  }
  const server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, handler)
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }))
  })
  process.once('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
}

main()
