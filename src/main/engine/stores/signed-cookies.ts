// Port of django/contrib/sessions/backends/signed_cookies.py: the session lives in the
// cookie itself. Expiry is the signature's age against SESSION_COOKIE_AGE only: Django
// ignores set_expiry() here (ticket #19201), and so do we.
import type { SessionData } from '../../../shared/json'
import { isPlainObject } from '../../../shared/json'
import { Unsupported } from '../errors'
import { SessionStore, type SessionRecord } from '../session-store'
import { dumps, loads } from '../signing'

export const SIGNED_COOKIES_SALT = 'django.contrib.sessions.backends.signed_cookies'
const CANNOT_LIST = 'signed_cookies sessions live in the browser\'s cookie: the server keeps nothing to list, expire or delete.'

export class SignedCookiesSessionStore extends SessionStore {
  readonly engine = 'signed_cookies'
  /** The cookie did not load (bad, tampered or expired) or the session was deleted: a save starts a new one. */
  private fresh = false

  private get signer() {
    return { key: this.settings.SECRET_KEY, salt: SIGNED_COOKIES_SALT }
  }

  protected async load(): Promise<SessionData> {
    try {
      const value = loads(this.sessionKey as string, this.signerOptions(SIGNED_COOKIES_SALT), this.now(), this.getSessionCookieAge())
      if (isPlainObject(value)) return value as SessionData
    } catch {
      // BadSignature, SignatureExpired, bad payload: reset the session
    }
    await this.create()
    return {}
  }

  /** Nothing to create: the next save computes the cookie. */
  async create(): Promise<void> {
    this.fresh = true
    this.modified = true
  }

  /** Every save writes a new cookie value; it is a new session only when the cookie's did not load, or was deleted. */
  override isNewSession(cookieKey: string | null): boolean {
    return cookieKey === null || this.fresh
  }

  /** The "key" is the signed, compressed data. */
  async save(_mustCreate = false): Promise<void> {
    this.setKey(dumps(await this.getSession(), this.signer, this.now(), true))
    this.modified = true
  }

  async exists(_key: string): Promise<boolean> {
    return false
  }

  async delete(_key: string | null = null): Promise<void> {
    this.fresh = true
    this.setKey(null)
    this.clear()
  }

  override async cycleKey(): Promise<void> {
    await this.save()
  }

  async clearExpired(): Promise<number> {
    return 0
  }

  async list(): Promise<SessionRecord[]> {
    throw new Unsupported(CANNOT_LIST)
  }

  async record(_key: string): Promise<SessionRecord | null> {
    throw new Unsupported(CANNOT_LIST)
  }

  async expireNow(_key: string): Promise<boolean> {
    throw new Unsupported(CANNOT_LIST)
  }
}
