// The Express/Connect middleware and the plain node:http helper: both give handlers
// `req.session`. Neither imports express, so apps without it can use them.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { attachSession, failRequest, type SessionInspectorOptions, type SessionRequest } from './attach'
import type { WireSession } from './wire-session'

declare global {
  // Declaration merging, as express-session does: `req.session` is typed in Express apps.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session: WireSession
    }
  }
}

/** A connect/Express `next`. */
export type NextFunction = (err?: unknown) => void

/**
 * Express 5 / Connect middleware: `app.use(sessionInspector())`. Requests without the
 * proxy's `X-Session` header are answered with a 500 saying so (see `required`).
 */
export function sessionInspector(options: SessionInspectorOptions = {}): (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void {
  return (req, res, next) => {
    if (attachSession(req, res, options)) next()
  }
}

/** A plain node:http handler that receives `req.session`; it may be async. */
export type SessionHandler = (req: SessionRequest, res: ServerResponse) => unknown

/**
 * Wraps a node:http handler: `http.createServer(withSession((req, res) => ...))`.
 * An error thrown (or a rejected promise) becomes a 500 naming it.
 */
export function withSession(handler: SessionHandler, options: SessionInspectorOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!attachSession(req, res, options)) return
    const fail = (e: unknown) => failRequest(req, res, e, options.warn)
    try {
      const result = handler(req as SessionRequest, res)
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(undefined, fail)
    } catch (e) {
      fail(e)
    }
  }
}
