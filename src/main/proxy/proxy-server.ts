// The reverse proxy: a small, explicit pipeline on node:http for every request —
// client → cookie mirror → session (X-Session) → app → X-Session-Update → response step
// → Set-Cookie → browser — with one error handler and a traffic entry per request.
import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import type { ClientInfo, SessionEffect, TrafficSummary, UpstreamState } from '../../shared/api'
import { getCookie, parseCookieHeader, type RequestCookie } from '../../shared/cookies'
import { explainDecision, explainSessionCookieDrop, type SessionCookieDrop } from '../../shared/decision'
import { encodeWireUpdate, parseWireUpdate, type WireUpdate } from '../../shared/wire'
import { SessionInterrupted, patchVary, type Engine } from '../engine'
import { guardConnections, watchHalfClose } from './client-connection'
import { ClientRegistry, CLIENT_COOKIE_NAME, type Client } from './clients'
import { forgetCookie, type StoredCookie } from './cookie-mirror'
import { pipeRequest, pipeTarget, type PipeTarget } from './pipe'
import { observeAfter, observeBefore, type Observation, type ObservedRequest } from './observe-django'
import { interrupted, RequestSession, type FinishResult } from './session-middleware'
import { describeStorageError, type StorageHealth } from './storage-health'
import { trafficSummary, type TrafficLog, type TrafficRecord } from './traffic-log'
import { OVERSIZE_HEADER, oversizeUpdate } from './head-filter'
import { BROKE_OFF, describeUpstreamError, errorPage, html, parseUpstream, upstreamAgent, UpstreamMonitor } from './upstream'
import { isWebSocketUpgrade, rawBody, setCookieHeader, stripHopByHop } from './request-headers'
import { proxyUpgrade } from './upgrade-proxy'
import { encodeWireSession, isSessionHeader, stripSessionHeaders } from './wire-protocol'
import { authAfter, authBefore, USER_HEADER, withAuthReason, type AuthChecks, type AuthHooks } from './auth-hooks'

export interface ProxyEvents {
  /** Whether anyone wants these events now (absent: always); when not, the proxy builds none. */
  wants?(type: 'traffic' | 'sessions' | 'client'): boolean
  traffic(summary: TrafficSummary): void
  sessions(changes: { key: string; change: 'saved' | 'deleted' }[], clearedExpired: number): void
  client(client: ClientInfo): void
  upstream(state: UpstreamState, error?: string): void
  app?(header: string | string[]): void // the adapter's X-Session-Django, before its response is processed
}

export interface ProxyOptions {
  engine: Engine
  upstream: string
  traffic: TrafficLog
  clients: ClientRegistry
  events: ProxyEvents
  /** middleware: run Django's middleware here; observe-django: the app runs its own. */
  mode?: 'middleware' | 'observe-django'
  /** Time allowed for the app to start answering (default 60 s). */
  upstreamTimeoutMs?: number
  /** How the 502 page names the app (default: the URL). */
  upstreamLabel?: string
  /** Where a session save that fails for want of space is said (once), and cleared. */
  storage?: StorageHealth
  /** Who a session's user is, for the reasons of logins and logouts (issue 20). */
  auth?: AuthHooks
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade'])

interface Ctx {
  id: number
  started: number
  time: Date
  realTimeMs: number
  host: string
  path: string
  client: Client
  clientIsNew: boolean
  dropped: StoredCookie[]
  /** The cookies forwarded to the app (what the mirror left of the browser's). */
  cookies: RequestCookie[]
  session: RequestSession | null
  /** observe-django: the app's session as its own middleware will load it. */
  observed?: ObservedRequest
  /** The session's user before and after the request, when it had one (auth-hooks.ts). */
  auth?: AuthChecks
  /** As the browser sent them (req.rawHeaders). */
  requestHeaders: string[]
  /** X-Session as sent to the app. */
  xSession?: string
  entry?: TrafficRecord
  /** The app's response head has arrived. */
  answered?: boolean
}

export class SessionProxy {
  private readonly server: http.Server
  private readonly target: URL
  private readonly pipeTarget: PipeTarget
  private readonly monitor: UpstreamMonitor
  private readonly ctx = new WeakMap<IncomingMessage, Ctx>()
  private readonly sockets = new Set<Socket>()
  private readonly mode: 'middleware' | 'observe-django'
  private readonly timeoutMs: number

  constructor(private readonly opts: ProxyOptions) {
    this.target = parseUpstream(opts.upstream)
    this.mode = opts.mode ?? 'middleware'
    this.timeoutMs = opts.upstreamTimeoutMs ?? 60_000
    this.monitor = new UpstreamMonitor(this.target, (state, error) => opts.events.upstream(state, error))
    const agent = upstreamAgent(this.target)
    this.pipeTarget = pipeTarget(this.target, agent)
    this.server = http.createServer((req, res) => {
      watchHalfClose(req, res)
      void this.handle(req, res).catch((e) => this.fail(req, res, e))
    })
    guardConnections(this.server)
    this.server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as Socket, head))
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.once('close', () => this.sockets.delete(s))
    })
  }

  private wants(type: 'traffic' | 'sessions' | 'client'): boolean {
    return this.opts.events.wants?.(type) ?? true
  }

  get upstreamState(): { state: UpstreamState; error?: string } {
    return { state: this.monitor.state, error: this.monitor.error }
  }

  /** Listens; rejects with a one-line error when the port is taken. */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error & { code?: string }) =>
        reject(new Error(e.code === 'EADDRINUSE' ? `the proxy port ${host}:${port} is already in use` : `cannot listen on ${host}:${port}: ${e.message}`))
      this.server.once('error', onError)
      this.server.listen(port, host, () => {
        this.server.off('error', onError)
        this.monitor.start()
        const a = this.server.address()
        const bound = typeof a === 'object' && a ? a.port : port
        resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`)
      })
    })
  }

  // ---------------------------------------------------------------- request

  private async handle(req: IncomingMessage, res: ServerResponse, body?: Readable): Promise<void> {
    const c = this.begin(req)
    // Before X-Session is added: a browser's Connection header must not be able to name it.
    stripHopByHop(req)
    if (this.mode === 'middleware') {
      const sessionCookie = getCookie(c.cookies, this.opts.engine.settings().SESSION_COOKIE_NAME)
      c.session = await RequestSession.begin(this.opts.engine, sessionCookie)
      c.xSession = encodeWireSession(c.session.wire)
      req.headers['x-session'] = c.xSession
    } else {
      c.observed = await observeBefore(this.opts.engine, req.headers)
    }
    if (this.opts.auth) c.auth = await authBefore(this.opts.auth, (c.session?.before ?? c.observed?.before)?.data)
    this.forward(req, res, c, body)
  }

  /** The request to the app, and its answer handed to respond(). */
  private forward(req: IncomingMessage, res: ServerResponse, c: Ctx, body?: Readable): void {
    // The request to the app now (a second one when the first met a closed pooled connection).
    let toApp: ClientRequest | null = null
    pipeRequest(
      req,
      this.pipeTarget,
      {
        request: (proxyReq) => {
          proxyReq.setTimeout(this.timeoutMs, () => {
            proxyReq.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }))
          })
          const first = toApp === null
          toApp = proxyReq
          if (!first) return
          // A browser that goes away must not leave the app's request, or its response, running.
          res.once('close', () => {
            if (res.writableFinished) return
            toApp?.destroy()
            if (!c.answered) this.gone(req, res, c)
          })
        },
        response: (proxyRes) => void this.respond(proxyRes, req, res).catch((e) => this.fail(req, res, e, proxyRes)),
        error: (err) => this.upstreamError(req, res, err)
      },
      body
    )
  }

  /** Client, cookie mirror and header hygiene, shared by HTTP and WebSocket requests. */
  private begin(req: IncomingMessage): Ctx {
    const engine = this.opts.engine
    const now = engine.clock.now()
    const requestHeaders = req.rawHeaders
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
    const path = req.url ?? '/'
    const cookies = parseCookieHeader(req.headers.cookie)
    const { client, isNew } = this.opts.clients.identify(getCookie(cookies, CLIENT_COOKIE_NAME), String(req.headers['user-agent'] ?? ''), now.getTime())
    const appCookies = cookies.filter((k) => k.name !== CLIENT_COOKIE_NAME)
    const { forward, dropped } = client.jar.filter(appCookies, { host, requestPath: path, now: now.getTime() })
    setCookieHeader(req, forward)
    stripSessionHeaders(req.headers)
    // The browser talks to this proxy directly: the host, scheme and port it reached are this
    // hop's to tell (http-proxy would keep a client's X-Forwarded-Host and put its -Proto first,
    // which Django's USE_X_FORWARDED_HOST and SECURE_PROXY_SSL_HEADER would then believe).
    for (const name of ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port']) delete req.headers[name]
    const c: Ctx = {
      id: this.opts.traffic.nextId(),
      started: performance.now(),
      time: now,
      realTimeMs: Date.now(),
      host,
      path,
      client,
      clientIsNew: isNew,
      dropped,
      cookies: forward,
      session: null,
      requestHeaders
    }
    this.ctx.set(req, c)
    return c
  }

  // ---------------------------------------------------------------- response

  private async respond(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const c = this.ctx.get(req) as Ctx
    c.answered = true
    proxyRes.socket?.setTimeout(0)
    this.monitor.up()
    const status = proxyRes.statusCode ?? 502
    // Line by line: Node joins a repeated header of a name it does not know with ", ".
    const updates = proxyRes.headersDistinct['x-session-update']
    const header = updates?.length === 1 ? updates[0] : updates?.join(', ')
    const oversize = this.mode === 'middleware' ? oversizeUpdate(proxyRes.headersDistinct[OVERSIZE_HEADER.toLowerCase()]) : null
    const parsed = oversize ?? (this.mode === 'middleware' && updates !== undefined ? parseWireUpdate(updates) : null)
    const update: WireUpdate | null = parsed?.ok ? parsed.value : null
    if (this.mode === 'middleware' && proxyRes.headers['x-session-django'] !== undefined) this.opts.events.app?.(proxyRes.headers['x-session-django'])
    let result: FinishResult | null = null
    if (c.session) {
      try {
        result = await c.session.finish(update, status)
        this.opts.storage?.ok('sessions')
      } catch (e) {
        // The app's answer is dropped either way: drain it so its connection is reused.
        proxyRes.resume()
        if (e instanceof SessionInterrupted) {
          this.page(req, res, 400, 'Bad Request', [`<code>SessionInterrupted</code>: ${html.escape(e.message)}`], 'rejected', `SessionInterrupted: ${e.message}`)
          if (c.entry) Object.assign(c.entry, interrupted(c.session?.cookieValue ?? null))
          return
        }
        const message = e instanceof Error ? e.message : String(e)
        if (describeStorageError(e) === 'disk full') this.opts.storage?.fail('sessions', e)
        return this.page(req, res, 500, 'Session store error', [`The session could not be saved: <code>${html.escape(message)}</code>`], 'untouched', `session store: ${message}`)
      }
    }
    const appCookies: string[] = []
    const out: string[] = []
    let vary: string | undefined
    for (let i = 0; i < proxyRes.rawHeaders.length; i += 2) {
      const name = proxyRes.rawHeaders[i] as string
      const value = proxyRes.rawHeaders[i + 1] as string
      const lower = name.toLowerCase()
      // X-Session* is the proxy's both ways: an app reflecting its request must not leak X-Session.
      if (HOP_BY_HOP.has(lower) || isSessionHeader(lower)) continue
      if (lower === 'set-cookie') appCookies.push(value)
      else if (lower === 'vary') vary = vary ? `${vary}, ${value}` : value
      else out.push(name, value)
    }
    const decision = result?.decision ?? null
    const observed = c.observed ? await observeAfter(this.opts.engine, c.observed, appCookies, vary) : null
    if (decision?.vary) vary = patchVary(vary)
    if (vary) out.push('Vary', vary)
    // Forget dropped cookies first, so a fresh Set-Cookie of the same name below wins.
    const setCookies = [...c.dropped.map(forgetCookie), ...appCookies, ...(decision?.setCookie ? [decision.setCookie] : [])]
    if (c.clientIsNew) setCookies.push(ClientRegistry.setCookie(c.client.id))
    for (const s of setCookies) out.push('Set-Cookie', s)
    this.mirror(c, [...appCookies, ...(decision?.setCookie ? [decision.setCookie] : [])], proxyRes.headers.date)
    if (result) c.client.sessionKey = result.after?.key ?? null
    else if (observed) c.client.sessionKey = observed.after?.key ?? null

    const rejected = parsed && !parsed.ok ? parsed.error : undefined
    if (this.opts.auth) c.auth = await authAfter(this.opts.auth, this.mode === 'middleware' ? proxyRes.headers[USER_HEADER] : undefined, (c.session?.before ?? c.observed?.before)?.data, (result?.after ?? observed?.after)?.data, c.auth)
    c.entry = this.entry(c, req, status, {
      responseHeaders: out,
      update,
      updateHeader: update && typeof header === 'string' ? header : null,
      rejected,
      rawUpdate: rejected && !oversize ? String(header) : undefined,
      result,
      observed,
      setCookie: decision?.setCookie ?? appCookies.find((s) => s.startsWith(`${this.opts.engine.settings().SESSION_COOKIE_NAME}=`)) ?? null
    })
    res.writeHead(status, proxyRes.statusMessage, out)
    proxyRes.on('error', (e) => {
      // The socket's own error (told first, by upstreamError) says more than Node's "aborted".
      if (c.entry && !c.entry.error?.startsWith(BROKE_OFF)) c.entry.error = `${BROKE_OFF}${describeUpstreamError(e)}`
      res.destroy()
    })
    proxyRes.pipe(res)
    this.finishOnClose(res, c)
    if (result && (result.changed.length || result.clearedExpired)) this.opts.events.sessions(result.changed, result.clearedExpired)
    if (observed?.changed.length) this.opts.events.sessions(observed.changed, 0)
  }

  private mirror(c: Ctx, setCookies: string[], date: string | undefined): void {
    const now = this.opts.engine.clock.nowMs()
    const serverDate = date ? new Date(date) : undefined
    let changed = c.clientIsNew || c.dropped.length > 0
    for (const h of setCookies) changed = c.client.jar.record(h, { host: c.host, requestPath: c.path, now, serverDate }) || changed
    this.opts.clients.touch(c.client.id)
    if (changed && this.wants('client')) this.opts.events.client(this.opts.clients.view(c.client, now, this.opts.engine.settings().SESSION_COOKIE_NAME))
  }

  private entry(
    c: Ctx,
    req: IncomingMessage,
    status: number | null,
    r: { responseHeaders: string[]; update: WireUpdate | null; updateHeader?: string | null; rejected?: string; rawUpdate?: string; result: FinishResult | null; observed?: Observation | null; setCookie: string | null; error?: string; effect?: SessionEffect }
  ): TrafficRecord {
    const d = r.result?.decision ?? null
    const effect: SessionEffect = r.effect ?? (r.rejected ? 'rejected' : (r.result?.effect ?? r.observed?.effect ?? 'untouched'))
    let reason = d
      ? explainDecision(d, { flushed: r.update?.flush, cycled: r.update?.cycleKey, rejectedUpdate: r.rejected })
      : r.error
        ? `No session step: ${r.error}`
        : r.observed
          ? r.observed.reason
          : this.mode === 'observe-django'
            ? r.setCookie
              ? 'Observed: the app set the session cookie itself'
              : 'Observed: the app runs its own session middleware'
            : 'No session step'
    const drop = this.sessionCookieDrop(c)
    const sessionBefore = c.session?.before ?? r.observed?.before ?? null
    const sessionAfter = r.result?.after ?? r.observed?.after ?? null
    if (c.auth) reason = withAuthReason(reason, sessionBefore?.data, sessionAfter?.data, c.auth)
    const entry: TrafficRecord = {
      id: c.id,
      timeMs: c.time.getTime(),
      realTimeMs: c.realTimeMs,
      method: req.method ?? 'GET',
      url: c.path,
      status,
      durationMs: 0,
      clientId: c.client.id,
      sessionBefore,
      sessionAfter,
      setCookie: r.setCookie ?? drop?.forget ?? null,
      // The browser is told to drop its session cookie: for the badge, that is a deletion.
      effect: drop && !r.setCookie && (effect === 'untouched' || effect === 'read') ? 'deleted' : effect,
      reasonCode: d?.reason ?? (this.mode === 'observe-django' ? 'observed' : null),
      reason: drop ? explainSessionCookieDrop(drop.why, reason, r.setCookie !== null) : reason,
      requestHeaders: c.requestHeaders,
      responseHeaders: r.responseHeaders,
      xSession: c.session && c.xSession !== undefined ? { header: c.xSession, data: c.session.wire.data } : null,
      xSessionUpdate: r.update ? (r.updateHeader ?? encodeWireUpdate(r.update)) : null,
      decision: d,
      droppedCookies: c.dropped.map((k) => k.name)
    }
    if (r.rejected) {
      entry.error = `X-Session-Update refused: ${r.rejected}`
      entry.rejectedUpdate = r.rawUpdate
    }
    if (r.error) entry.error = r.error
    return entry
  }

  /** The session cookie the mirror took off this request, if it did, and the deletion sent for it. */
  private sessionCookieDrop(c: Ctx): { why: SessionCookieDrop; forget: string } | null {
    const name = this.opts.engine.settings().SESSION_COOKIE_NAME
    const dropped = c.dropped.find((k) => k.name === name)
    return dropped ? { why: dropped.discarded ? 'discarded' : 'expired', forget: forgetCookie(dropped) } : null
  }

  private finishOnClose(res: ServerResponse, c: Ctx): void {
    const done = () => this.log(res, c)
    res.once('finish', done)
    res.once('close', done)
  }

  /** Adds the request's entry to the traffic log once, when its response is over. */
  private log(res: ServerResponse, c: Ctx): void {
    if (!c.entry) return
    const entry = c.entry
    c.entry = undefined
    if (!res.writableFinished && !entry.error) entry.error = 'the browser closed the connection before the response was complete'
    entry.durationMs = Math.round((performance.now() - c.started) * 100) / 100
    this.opts.traffic.add(entry)
    if (this.wants('traffic')) this.opts.events.traffic(trafficSummary(entry))
  }

  /** The browser left before the app answered (its request to the app is cancelled): log that. */
  private gone(req: IncomingMessage, res: ServerResponse, c: Ctx): void {
    c.entry = this.entry(c, req, null, { responseHeaders: [], update: null, result: null, setCookie: null, error: 'the browser closed the connection before the app answered' })
    this.log(res, c)
  }

  // ---------------------------------------------------------------- errors

  private upstreamError(req: IncomingMessage, res: ServerResponse, err: Error & { code?: string }): void {
    const c = this.ctx.get(req)
    // A timeout's own error already says so ("timed out (ETIMEDOUT): no answer within 60 s").
    const words = describeUpstreamError(err)
    const label = this.opts.upstreamLabel ?? this.target.origin
    const own = this.monitor.failed(err, words)
    if (res.headersSent) {
      if (c?.entry) c.entry.error = `${BROKE_OFF}${words}`
      res.destroy()
      return
    }
    if (own) return this.page(req, res, 503, 'Service Unavailable', [`Session Inspector could not reach the app at <code>${html.escape(label)}</code>: ${html.escape(words)}.`, 'The app is not at fault. Reload in a moment.'], 'upstream-error', words)
    this.page(req, res, 502, 'Bad Gateway', [
      `Session Inspector could not get an answer from the app at <code>${html.escape(label)}</code>.`,
      `Error: <code>${html.escape(words)}</code>`,
      'Start the app (or check the <code>--upstream</code> address) and reload this page.'
    ], 'upstream-error', `upstream ${label}: ${words}`)
  }

  /** Any other failure in the pipeline: a clear 500 (or the socket destroyed if the head is out). */
  private fail(req: IncomingMessage, res: ServerResponse, e: unknown, appAnswer?: IncomingMessage): void {
    const message = e instanceof Error ? e.message : String(e)
    if (res.headersSent) {
      res.destroy()
      return
    }
    appAnswer?.resume() // not passed on: drained, so its connection goes back to the pool
    this.page(req, res, 500, 'Session Inspector error', [`The proxy could not handle this request: <code>${html.escape(message)}</code>`], 'untouched', message)
  }

  private page(req: IncomingMessage, res: ServerResponse, status: number, title: string, lines: string[], effect: SessionEffect, error: string): void {
    const c = this.ctx.get(req) ?? this.begin(req)
    const body = errorPage(status, title, lines)
    const headers: string[] = ['Content-Type', 'text/html; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body)), 'Cache-Control', 'no-store']
    if (c.clientIsNew) headers.push('Set-Cookie', ClientRegistry.setCookie(c.client.id))
    c.entry = this.entry(c, req, status, { responseHeaders: headers, update: null, result: null, setCookie: null, error, effect })
    this.finishOnClose(res, c)
    res.writeHead(status, headers)
    res.end(body)
  }

  // ---------------------------------------------------------------- websockets

  private async upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy())
    if (!isWebSocketUpgrade(req)) return this.ignoreUpgrade(req, socket, head)
    try {
      const c = this.begin(req)
      if (this.mode === 'middleware') {
        const sessionCookie = getCookie(c.cookies, this.opts.engine.settings().SESSION_COOKIE_NAME)
        c.session = await RequestSession.begin(this.opts.engine, sessionCookie)
        c.xSession = encodeWireSession(c.session.wire)
        req.headers['x-session'] = c.xSession
      }
      const entry = this.entry(c, req, 101, { responseHeaders: [], update: null, result: null, setCookie: null })
      entry.reason = 'WebSocket: the session was handed to the app on the upgrade request'
      c.entry = entry
      proxyUpgrade(req, socket, head, this.pipeTarget, {
        answered: (status) => {
          c.answered = true
          entry.status = status
        },
        error: (err) => this.upgradeFailed(c, entry, socket, err)
      })
      socket.once('close', () => {
        entry.durationMs = Math.round((performance.now() - c.started) * 100) / 100
        this.opts.traffic.add(entry)
        if (this.wants('traffic')) this.opts.events.traffic(trafficSummary(entry))
      })
    } catch {
      socket.destroy()
    }
  }

  /** An upgrade whose request to the app failed: a 502 while nothing of the app's answer went out. */
  private upgradeFailed(c: Ctx, entry: TrafficRecord, socket: Socket, err: Error & { code?: string }): void {
    const words = describeUpstreamError(err)
    entry.status = null
    entry.effect = 'upstream-error'
    entry.error = `upstream: ${words}`
    this.monitor.failed(err, words)
    // Nothing of the app's answer reached the browser yet: say why, as for plain requests.
    if (!c.answered && socket.writable) {
      const label = this.opts.upstreamLabel ?? this.target.origin
      entry.status = 502
      socket.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nSession Inspector could not get an answer from the app at ${label}: ${words}\n`)
    } else socket.destroy()
  }

  /**
   * Node hands every request that asks to upgrade to the 'upgrade' listener, but only a
   * WebSocket is proxied as one. Any other (curl --http2 sends `Upgrade: h2c` on every
   * request) is served as the plain HTTP/1.1 request it also is, which RFC 9110 §7.8
   * allows, on a response that then closes the connection.
   */
  private ignoreUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const res = new http.ServerResponse(req)
    res.shouldKeepAlive = false
    res.assignSocket(socket)
    // Node's server relays the socket's 'drain' only while it owns the socket: relay it here,
    // or a response bigger than the socket's buffer stalls.
    const drain = () => res.emit('drain')
    socket.on('drain', drain)
    res.once('finish', () => {
      socket.off('drain', drain)
      res.detachSocket(socket)
      socket.destroySoon()
    })
    // Node has stopped parsing: what follows the head is the body, raw. A Content-Length body
    // is passed on as it arrives; a chunked one would need decoding first, so it is refused.
    const length = Number(req.headers['content-length'] ?? 0)
    if (req.headers['transfer-encoding'] !== undefined || !Number.isSafeInteger(length) || length < 0) {
      this.page(req, res, 400, 'Bad Request', [`A request body sent with <code>Upgrade: ${html.escape(String(req.headers.upgrade))}</code> needs a Content-Length; send it without the Upgrade header.`], 'untouched', `a chunked body with Upgrade: ${String(req.headers.upgrade)} is not supported`)
      return
    }
    void this.handle(req, res, length > 0 ? rawBody(socket, head, length) : undefined).catch((e) => this.fail(req, res, e))
  }

  async close(): Promise<void> {
    this.monitor.close()
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      for (const s of this.sockets) s.destroy()
    })
  }
}
