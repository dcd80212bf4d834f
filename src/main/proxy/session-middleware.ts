// Django's SessionMiddleware around one proxied request: build the session from the cookie,
// hand it to the app (X-Session), apply what the app answered (X-Session-Update) in
// docs/protocol.md's order, then run the engine's response step.
import type { SessionSnapshot, SessionEffect, TrafficEntry } from '../../shared/api'
import { explainDecision, type ResponseDecision } from '../../shared/decision'
import type { WireSession, WireUpdate } from '../../shared/wire'
import { processResponse, type Engine, type SessionStore } from '../engine'
import { buildWireSession } from './wire-protocol'

export interface FinishResult {
  decision: ResponseDecision
  after: SessionSnapshot | null
  effect: SessionEffect
  /** Sessions whose stored state changed, for the UI's live list. */
  changed: { key: string; change: 'saved' | 'deleted' }[]
  /** clear_expired() removed this many. */
  clearedExpired: number
}

const touches = (u: WireUpdate) => Boolean(u.accessed || u.data || u.modified || u.flush || u.cycleKey || u.clearExpired)

export class RequestSession {
  private constructor(
    private readonly engine: Engine,
    private readonly store: SessionStore,
    /** The session cookie's value as the app's request carries it. */
    readonly cookieValue: string | undefined,
    readonly wire: WireSession,
    readonly before: SessionSnapshot | null
  ) {}

  /** Opens and peeks the session of a request (no load side effects yet). */
  static async begin(engine: Engine, cookieValue: string | undefined): Promise<RequestSession> {
    const store = engine.open(cookieValue ?? null)
    const peek = await store.peek()
    const settings = engine.settings()
    const wire = buildWireSession(peek.key, peek.data, settings, engine.clock.now(), peek.version)
    const before = cookieValue === undefined && peek.key === null ? null : { key: cookieValue ?? null, data: peek.data }
    return new RequestSession(engine, store, cookieValue, wire, before)
  }

  /**
   * Applies the app's update (null: none, or refused) and runs the response step for
   * the upstream's status. Throws SessionInterrupted (a 400) and store errors.
   */
  async finish(update: WireUpdate | null, status: number): Promise<FinishResult> {
    const store = this.store
    let clearedExpired = 0
    if (update && touches(update)) {
      await store.commitPeek()
      if (update.flush) await store.flush()
      if (update.cycleKey) await store.cycleKey()
      if (update.data) await store.replaceAll(update.data)
      if (update.modified) store.markModified()
      if (update.clearExpired) clearedExpired = await this.engine.open().clearExpired()
    }
    const decision = await processResponse(store, this.engine.settings(), { cookieValue: this.cookieValue, status })
    const data = store.peekData()
    const after = decision.cookie === 'delete' || (store.sessionKey === null && !data) ? null : { key: store.sessionKey, data: data ?? this.wire.data }
    const changed: FinishResult['changed'] = []
    const oldKey = this.wire.key
    if (oldKey && (update?.flush || update?.cycleKey) && oldKey !== store.sessionKey) changed.push({ key: oldKey, change: 'deleted' })
    if (decision.saved && decision.keyAfter && this.engine.settings().SESSION_ENGINE !== 'signed_cookies') changed.push({ key: decision.keyAfter, change: 'saved' })
    return { decision, after, effect: effectOf(update, decision, oldKey), changed, clearedExpired }
  }
}

/** The traffic badge: what happened to the session on this request. */
function effectOf(update: WireUpdate | null, d: ResponseDecision, keyBefore: string | null): SessionEffect {
  if (update?.flush) return 'flushed'
  // cycle_key() with no session before (login() on a first visit) only creates one.
  if (update?.cycleKey) return keyBefore === null ? (d.saved ? 'created' : 'untouched') : 'cycled'
  if (d.cookie === 'delete') return 'deleted'
  if (d.reason === 'created') return 'created'
  if (d.saved) return 'modified'
  if (update && touches(update)) return 'read'
  return 'untouched'
}

/** The traffic entry's reason for a SessionInterrupted 400 (the middleware's 'interrupted'). */
export function interrupted(keyBefore: string | null): Pick<TrafficEntry, 'reasonCode' | 'reason' | 'decision'> {
  const decision: ResponseDecision = { reason: 'interrupted', saved: false, vary: false, cookie: null, maxAge: null, expires: null, lifetime: null, customExpiry: null, status: 400, keyBefore, keyAfter: null, setCookie: null }
  return { reasonCode: 'interrupted', reason: explainDecision(decision), decision }
}
