// Port of the exceptions of django/contrib/sessions/exceptions.py, backends/base.py and
// django/core/signing.py: tiny named classes under one EngineError with a stable code.

export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** save(mustCreate) found the key taken (base.CreateError). */
export class CreateError extends EngineError {
  constructor(message = 'session key already exists') {
    super('create_error', message)
  }
}

/** save() found its record gone: deleted by a concurrent request (base.UpdateError). */
export class UpdateError extends EngineError {
  constructor(message = 'session record to update no longer exists') {
    super('update_error', message)
  }
}

/** The middleware's answer to UpdateError (exceptions.SessionInterrupted): a 400. */
export class SessionInterrupted extends EngineError {
  constructor() {
    super(
      'session_interrupted',
      "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example."
    )
  }
}

/** Forged or corrupt session data (exceptions.SuspiciousSession). */
export class SuspiciousSession extends EngineError {
  constructor(message: string) {
    super('suspicious_session', message)
  }
}

/** A key with characters a store refuses (file backend: path traversal). */
export class InvalidSessionKey extends SuspiciousSession {
  constructor(message = 'Invalid characters in session key') {
    super(message)
  }
}

/** signing.BadSignature */
export class BadSignature extends EngineError {
  constructor(message = 'Signature does not match') {
    super('bad_signature', message)
  }
}

/** signing.SignatureExpired */
export class SignatureExpired extends BadSignature {
  constructor(message: string) {
    super(message)
  }
}

/** A store cannot be reached (Redis down, file path missing): the request fails clearly. */
export class StoreUnavailable extends EngineError {
  constructor(message: string) {
    super('store_unavailable', message)
  }
}

/** An operation the current engine cannot do (e.g. listing signed_cookies sessions). */
export class Unsupported extends EngineError {
  constructor(message: string) {
    super('unsupported', message)
  }
}

/** Session data that is not JSON: Django's JSONSerializer would raise; nothing is saved. */
export class SerializationError extends EngineError {
  constructor(message: string) {
    super('not_json', message)
  }
}
