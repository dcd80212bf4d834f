/**
 * Session Inspector's Node adapter: what an app behind Session Inspector imports to get
 * Django's `request.session` as `req.session` (wire protocol v1, docs/protocol.md).
 *
 * ```ts
 * import express from 'express'
 * import { sessionInspector } from 'session-inspector'
 *
 * const app = express()
 * app.use(sessionInspector())
 * app.get('/set/', (req, res) => {
 *   req.session.set('name', 'Sonam')
 *   req.session.setExpiry(600)
 *   res.send('Session setting up...')
 * })
 * ```
 *
 * Without Express: `http.createServer(withSession((req, res) => { ... }))`, or call
 * `attachSession(req, res)` yourself. The proxy owns the cookie and the store; the app only
 * reads `req.session` and its changes travel back in a response header, set when the
 * response head is written. A request that did not come through the proxy is answered
 * with a 500 saying so, unless `sessionInspector({ required: false })`.
 *
 * The session travels in a request header, and Node refuses request heads over 16 KiB
 * with a 431 before any middleware runs: for sessions bigger than about 10 KB, start the
 * server with `http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, app)` (or
 * `node --max-http-header-size=4194304`).
 */
export { WireSession } from './node/wire-session'
export { attachSession, NO_HEADER_MESSAGE, type SessionInspectorOptions, type SessionRequest } from './node/attach'
export { sessionInspector, withSession, type NextFunction, type SessionHandler } from './node/middleware'
export { NotJsonError, SessionKeyError, TEST_COOKIE_NAME, TEST_COOKIE_VALUE } from '../shared/session-dict'
export { EXPIRY_KEY, type Duration, type ExpiryOptions, type ExpiryValue } from '../shared/expiry'
export type { Json, SessionData } from '../shared/json'
export {
  encodeWireSession,
  parseWireUpdate,
  SESSION_HEADER,
  UPDATE_HEADER,
  type WireSession as WireSessionHeader,
  type WireUpdate
} from '../shared/wire'
