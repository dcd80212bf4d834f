// WebSocket upgrades: the one thing the proxy still hands to http-proxy (plain requests go
// through pipe.ts). The app's request keeps the browser's target and header order; the app's
// answer (the 101, or a refusal), which http-proxy writes straight onto the browser's socket,
// loses its X-Session* headers first and is reported.
import type { Agent, IncomingMessage } from 'node:http'
import httpProxy from 'http-proxy'
import { keepBrowserOrder, keepRequestTarget } from './request-headers'
import { stripSessionHeaders } from './wire-protocol'

/** `answered(req, status)`: the app's answer to an upgrade request has arrived. */
export function createUpgradeProxy(target: URL, agent: Agent, targetPath: string, answered: (req: IncomingMessage, status: number | null) => void): httpProxy {
  const proxy = httpProxy.createProxyServer({ target: target.href, agent, selfHandleResponse: true, xfwd: true, changeOrigin: false, ws: true })
  proxy.on('proxyReqWs', (proxyReq, req) => {
    keepRequestTarget(proxyReq, req.url, targetPath)
    keepBrowserOrder(proxyReq, req.rawHeaders)
    const onAnswer = (r: IncomingMessage) => {
      stripSessionHeaders(r.headers)
      answered(req, r.statusCode ?? null)
    }
    proxyReq.prependListener('response', onAnswer)
    proxyReq.prependListener('upgrade', onAnswer)
  })
  return proxy
}
