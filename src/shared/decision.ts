// What the middleware's response step decided for one response, and why, in words.
// The engine produces a ResponseDecision (a port of SessionMiddleware.process_response);
// the traffic log stores it; the UI and the API explain it with explainDecision().

/** Why the response got (or did not get) a session cookie. */
export type ReasonCode =
  /** saved, and the response carries a new key (no cookie, or a different one, was sent) */
  | 'created'
  /** saved because the session was modified */
  | 'modified'
  /** saved because SESSION_SAVE_EVERY_REQUEST */
  | 'saved-every-request'
  /** the browser sent a cookie and the session is empty: the cookie is deleted */
  | 'deleted-empty'
  /** it would have been saved, but the response was a 5xx */
  | 'server-error'
  /** accessed but not modified: only Vary: Cookie */
  | 'read'
  /** modified but empty, with no cookie to delete: nothing to save */
  | 'empty'
  /** the app never touched the session */
  | 'untouched'
  /** the session was deleted by a concurrent request before this one saved (SessionInterrupted, 400) */
  | 'interrupted'
  /** observe mode: the app ran its own middleware; the proxy only watched */
  | 'observed'

/** The short words for each reason (the vocabulary). */
export const REASON_WORDS: Record<ReasonCode, string> = {
  created: 'created',
  modified: 'modified',
  'saved-every-request': 'saved every request',
  'deleted-empty': 'deleted because empty',
  'server-error': 'not saved: server error',
  read: 'read',
  empty: 'empty: nothing saved',
  untouched: 'untouched',
  interrupted: 'interrupted: deleted concurrently',
  observed: 'observed'
}

/** Where the cookie's lifetime came from. */
export type LifetimeSource =
  | 'SESSION_COOKIE_AGE'
  | 'set_expiry'
  | 'browser-close:set_expiry(0)'
  | 'browser-close:SESSION_EXPIRE_AT_BROWSER_CLOSE'

export interface ResponseDecision {
  reason: ReasonCode
  /** The session was saved to the store. */
  saved: boolean
  /** `Vary: Cookie` was added. */
  vary: boolean
  /** What happened to the session cookie. */
  cookie: 'set' | 'delete' | null
  /** Max-Age sent, or null for a browser-session cookie (or no cookie). */
  maxAge: number | null
  /** Expires sent (ISO, engine time), or null. */
  expires: string | null
  lifetime: LifetimeSource | null
  /** The stored `_session_expiry`, when there was one. */
  customExpiry: number | string | null
  /** The response status the decision saw. */
  status: number
  /** The session key before (the cookie's) and after the response. */
  keyBefore: string | null
  keyAfter: string | null
  /** The exact Set-Cookie header for the session cookie, when one was sent. */
  setCookie: string | null
}

/** Facts about the request that make the sentence more precise. */
export interface ExplainContext {
  flushed?: boolean
  cycled?: boolean
  /** The update the app sent was refused (its reason). */
  rejectedUpdate?: string
}

function lifetimeWords(d: ResponseDecision): string {
  switch (d.lifetime) {
    case 'browser-close:set_expiry(0)':
      return 'no Max-Age: the cookie ends when the browser closes, because set_expiry(0)'
    case 'browser-close:SESSION_EXPIRE_AT_BROWSER_CLOSE':
      return 'no Max-Age: the cookie ends when the browser closes, because SESSION_EXPIRE_AT_BROWSER_CLOSE'
    case 'set_expiry':
      return `Max-Age=${d.maxAge} because set_expiry(${JSON.stringify(d.customExpiry)})`
    case 'SESSION_COOKIE_AGE':
      return `Max-Age=${d.maxAge} from SESSION_COOKIE_AGE`
    default:
      return ''
  }
}

/** One sentence saying why the response got (or did not get) a session cookie. */
export function explainDecision(d: ResponseDecision, ctx: ExplainContext = {}): string {
  const rejected = ctx.rejectedUpdate ? ` The app's X-Session-Update was refused (${ctx.rejectedUpdate}), so the session is as it was.` : ''
  const life = lifetimeWords(d)
  const withLife = (s: string) => (life ? `${s}; ${life}` : s)
  let sentence: string
  switch (d.reason) {
    case 'created':
      sentence = withLife(
        ctx.cycled && d.keyBefore
          ? 'Set-Cookie sent: the key was cycled, so the same data moved to a new key'
          : ctx.cycled
            ? 'Set-Cookie sent: a new session was created (cycle_key() with no session before, as login() does on a first visit)'
            : d.keyBefore
            ? 'Set-Cookie sent: the session was saved under a new key, because the cookie\'s session no longer existed'
            : 'Set-Cookie sent: a new session was created'
      )
      break
    case 'modified':
      sentence = withLife('Set-Cookie sent: the session was modified')
      break
    case 'saved-every-request':
      sentence = withLife('Set-Cookie sent: SESSION_SAVE_EVERY_REQUEST saves the session on every request')
      break
    case 'deleted-empty':
      sentence = ctx.flushed
        ? 'Cookie deleted: the session was flushed, so the browser is told to drop its cookie'
        : 'Cookie deleted: the browser sent a session cookie but the session is empty (unknown, expired or emptied)'
      break
    case 'server-error':
      sentence = `No Set-Cookie: the response was a ${d.status}, so the session was not saved`
      break
    case 'read':
      sentence = 'No Set-Cookie: the session was read but not modified (Vary: Cookie added)'
      break
    case 'empty':
      sentence = 'No Set-Cookie: the session is empty and the browser had no cookie to delete'
      break
    case 'untouched':
      sentence = 'No Set-Cookie: the app did not touch the session'
      break
    case 'interrupted':
      sentence = '400 Bad Request: the session was deleted by a concurrent request before this one could save it (SessionInterrupted)'
      break
    case 'observed':
      sentence = d.setCookie
        ? 'Observed: the app set the session cookie itself'
        : 'Observed: the app ran its own session middleware'
      break
  }
  // The sentences carry no full stop of their own; the refusal is a second sentence.
  return rejected ? `${sentence}.${rejected}` : sentence
}

/**
 * Why the proxy itself took the session cookie off a request (the cookie mirror, docs/browser.md):
 * it had expired on the engine's clock, or a simulated browser close discarded it.
 */
export type SessionCookieDrop = 'expired' | 'discarded'

function dropWords(drop: SessionCookieDrop): string {
  return drop === 'expired' ? 'had expired on the engine clock' : 'was discarded by a simulated browser close'
}

/**
 * The reason of a request whose session cookie the mirror removed. When the middleware sent
 * no session cookie itself, the deletion the proxy sent is the story; otherwise it is told
 * after the middleware's own sentence.
 */
export function explainSessionCookieDrop(drop: SessionCookieDrop, middlewareReason: string, middlewareSetCookie: boolean): string {
  if (!middlewareSetCookie) {
    return `Cookie deleted by the proxy: the browser's session cookie ${dropWords(drop)}, so it was removed from the request (the app saw no session) and the browser was told to forget it`
  }
  return `${middlewareReason}. The browser's old session cookie ${dropWords(drop)}, so the proxy had removed it from the request first`
}
