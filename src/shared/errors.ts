// Error codes of the API and the one code → HTTP status table. No stack traces on the wire.
import type { SettingError } from './settings'

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_setting: 400,
  session_interrupted: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  unsupported: 409,
  payload_too_large: 413,
  internal: 500,
  upstream: 502,
  /** A session store that cannot be reached (Redis down, SESSION_FILE_PATH gone): try again once it is back. */
  store_unavailable: 503
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** The JSON body of every API error: `{"error": "message", "code": "...", ...}` (docs/control-api.md). */
export interface WireError {
  error: string
  code: ErrorCode
  /** For invalid_setting: the first refused setting, and all of them. */
  setting?: string
  errors?: SettingError[]
}

/** An error every transport knows how to carry. */
export class ApiError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: SettingError[]
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = ERROR_STATUS[code]
  }

  toWire(): WireError {
    const wire: WireError = { error: this.message, code: this.code }
    if (this.errors?.length) {
      wire.errors = this.errors
      wire.setting = this.errors[0]?.setting
    }
    return wire
  }

  /** Rebuilds an ApiError from its wire form (clients). */
  static fromWire(wire: unknown, fallbackStatus = 500): ApiError {
    if (typeof wire === 'object' && wire !== null && typeof (wire as WireError).error === 'string') {
      const w = wire as WireError
      const code = w.code && w.code in ERROR_STATUS ? w.code : statusToCode(fallbackStatus)
      return new ApiError(code, w.error, w.errors)
    }
    return new ApiError(statusToCode(fallbackStatus), `request failed with status ${fallbackStatus}`)
  }
}

function statusToCode(status: number): ErrorCode {
  const found = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).find(([, s]) => s === status)
  return found ? found[0] : status >= 500 ? 'internal' : 'bad_request'
}

/** Anything thrown → an ApiError; unknown errors become `internal` with a safe message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof Error && typeof (error as unknown as { code?: unknown }).code === "string") {
    const code = (error as unknown as { code: string }).code
    if (code in ERROR_STATUS) return new ApiError(code as ErrorCode, error.message)
  }
  return new ApiError('internal', error instanceof Error ? error.message : String(error))
}
