// Gives a node:http request its `req.session` from `X-Session` and answers with
// `X-Session-Update` when the response head is written: the core of the middleware and
// of the plain http helper.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { encodeWireUpdate, MAX_UPDATE_BYTES, parseWireSession, SESSION_HEADER, UPDATE_HEADER } from '../../shared/wire'
import { onHeaders } from './on-headers'
import { WireSession } from './wire-session'

export interface SessionInspectorOptions {
  /**
   * Refuse requests that did not come through Session Inspector (no `X-Session` header)
   * with a 500 that says so. Default true. With false such requests get an empty
   * in-memory session that is never saved.
   */
  required?: boolean
  /** Where the adapter reports problems (no header, late changes, oversized updates). Default: console.warn. */
  warn?: (message: string) => void
}

/** A request that went through the adapter. */
export type SessionRequest = IncomingMessage & { session: WireSession }

/** The text of the 500 answered to a request without `X-Session`. */
export const NO_HEADER_MESSAGE = 'no X-Session header: is Session Inspector in front of this app?'

const ATTACHED = Symbol.for('session-inspector.session')
const warnedOnce = new Set<string>()

function defaultWarn(message: string): void {
  console.warn(`[session-inspector] ${message}`)
}

/** The raw `X-Session` values sent, in order (Node would join repeated ones with ", "). */
function sessionHeaderValues(req: IncomingMessage): string[] {
  const values: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === SESSION_HEADER) values.push(req.rawHeaders[i + 1] ?? '')
  }
  return values
}

function refuse(res: ServerResponse, message: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = `${message}\n`
  res.statusCode = 500
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.setHeader('Cache-Control', 'no-store')
  res.end(body)
}

function describe(req: IncomingMessage): string {
  return `${req.method ?? 'GET'} ${req.url ?? '/'}`
}

/**
 * Builds `req.session` for one request and arranges for `X-Session-Update` to be set when
 * the response head is written. Returns the session, or null after answering a 500 itself
 * (no `X-Session` while required, or a malformed one). Calling it twice for the same
 * request returns the same session.
 */
export function attachSession(req: IncomingMessage, res: ServerResponse, options: SessionInspectorOptions = {}): WireSession | null {
  const already = (req as unknown as Record<symbol, WireSession | undefined>)[ATTACHED]
  if (already) return already
  const warn = options.warn ?? defaultWarn
  const values = sessionHeaderValues(req)
  let session: WireSession
  if (values.length === 0) {
    if (options.required !== false) {
      if (!warnedOnce.has('no-header') || options.warn) {
        warnedOnce.add('no-header')
        warn(`${describe(req)}: ${NO_HEADER_MESSAGE}`)
      }
      refuse(res, NO_HEADER_MESSAGE)
      return null
    }
    session = new WireSession(null)
  } else {
    try {
      if (values.length > 1) throw new Error(`sent ${values.length} times`)
      session = new WireSession(parseWireSession(values[0] as string))
    } catch (e) {
      const message = `malformed X-Session header: ${(e as Error).message.replace(/^X-Session:? (is )?/, '')}`
      warn(`${describe(req)}: ${message}`)
      refuse(res, message)
      return null
    }
  }

  let sent: string | null = null
  onHeaders(res, () => {
    const update = session.buildUpdate()
    if (!update) return
    sent = encodeWireUpdate(update)
    if (sent.length > MAX_UPDATE_BYTES) {
      warn(`${describe(req)}: the session update is ${sent.length} bytes, over the proxy's 1 MiB limit: it will not be saved`)
      // The proxy refuses it whatever its size; only enough of it to be refused is sent, since
      // a head over the 4 MiB the proxy reads would cost the browser the answer (a 502).
      res.setHeader(UPDATE_HEADER, sent.slice(0, MAX_UPDATE_BYTES + 1))
      return
    }
    res.setHeader(UPDATE_HEADER, sent)
  })
  if (session.inspected) {
    res.once('finish', () => {
      const update = session.buildUpdate()
      const now = update ? encodeWireUpdate(update) : null
      if (now !== sent) {
        warn(`${describe(req)}: req.session changed after the response head was written; that change is not saved`)
      }
    })
  }
  Object.defineProperty(req, ATTACHED, { value: session, enumerable: false })
  ;(req as SessionRequest).session = session
  return session
}

/** Answers an error thrown by a handler: a 500 naming it, or a cut connection if the head is out. */
export function failRequest(req: IncomingMessage, res: ServerResponse, error: unknown, warn: (m: string) => void = defaultWarn): void {
  const err = error instanceof Error ? error : new Error(String(error))
  warn(`${describe(req)}: ${err.stack ?? err.message}`)
  if (res.headersSent) {
    res.destroy(err)
    return
  }
  refuse(res, `Internal Server Error\n\n${err.name}: ${err.message}`)
}
