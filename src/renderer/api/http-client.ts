// The browser host: each API method is its REST route (src/shared/routes.ts) with a bearer
// token; events come from GET /api/events as Server-Sent Events.
import type { ApiEvent, ApiMethod } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import { buildPath, routeOf, writeQuery } from '../../shared/routes'
import { apiFromCall, isApiEvent, type ApiClient, type ConnectionState } from './api-client'
import { openEventStream, type SseFrame } from './sse'

export interface HttpClientOptions {
  /** e.g. http://127.0.0.1:8081 */
  baseUrl: string
  token: string
  fetch?: typeof fetch
  backoffMs?: readonly number[]
}

// A 204 has no body; the contract still promises these values.
const NO_CONTENT: Partial<Record<ApiMethod, unknown>> = { deleteSession: { deleted: true } }

export function createHttpClient(options: HttpClientOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const base = options.baseUrl.replace(/\/+$/, '')
  const auth = { Authorization: `Bearer ${options.token}` }

  const call = async (method: ApiMethod, rawInput: unknown): Promise<unknown> => {
    const input = (rawInput ?? {}) as Record<string, unknown>
    const route = routeOf(method)
    const url = base + buildPath(route, input) + writeQuery(route, input)
    const init: RequestInit = { method: route.verb, headers: { ...auth } }
    const body = requestBody(route.verb, route.body, route.path, route.query, input)
    if (body !== undefined) {
      init.body = JSON.stringify(body)
      init.headers = { ...auth, 'Content-Type': 'application/json' }
    }
    let response: Response
    try {
      response = await doFetch(url, init)
    } catch (error) {
      throw new ApiError('internal', `Cannot reach Session Inspector at ${base}: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (response.status === 204) return NO_CONTENT[method] ?? {}
    const text = await response.text()
    let json: unknown = undefined
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    if (!response.ok) throw ApiError.fromWire(json, response.status)
    if (json === undefined) throw new ApiError('internal', `${route.verb} ${route.path} answered ${response.status} without JSON`)
    return json
  }

  const listeners = new Set<(event: ApiEvent) => void>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  let connection: ConnectionState = { state: 'connecting' }
  let closeStream: (() => void) | null = null

  const onFrame = (frame: SseFrame) => {
    let payload: unknown
    try {
      payload = JSON.parse(frame.data)
    } catch {
      return // a malformed frame is skipped, the stream goes on
    }
    const event = { type: frame.event, payload }
    if (!isApiEvent(event)) return
    for (const listener of listeners) listener(event)
  }

  const setConnection = (state: ConnectionState) => {
    // Each reconnect attempt is news; a repeated "connecting" or "open" is not.
    if (state.state === connection.state && state.state !== 'reconnecting') return
    connection = state
    for (const listener of connectionListeners) listener(state)
  }

  return {
    ...apiFromCall(call),
    transport: 'http',
    subscribe(listener) {
      listeners.add(listener)
      closeStream ??= openEventStream({
        url: `${base}/api/events`,
        headers: auth,
        fetch: doFetch,
        onFrame,
        onState: setConnection,
        ...(options.backoffMs ? { backoffMs: options.backoffMs } : {})
      })
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && closeStream) {
          closeStream()
          closeStream = null
        }
      }
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      listener(connection)
      return () => connectionListeners.delete(listener)
    }
  }
}

/** What goes in the JSON body: nothing for GET/DELETE, one field, or the input minus path and query fields. */
function requestBody(
  verb: string,
  mode: 'merge' | { field: string } | 'none' | undefined,
  path: string,
  query: Record<string, unknown> | undefined,
  input: Record<string, unknown>
): unknown {
  if (verb === 'GET' || verb === 'DELETE' || mode === 'none') return undefined
  if (typeof mode === 'object') return input[mode.field] ?? {}
  const skip = new Set([...(path.match(/:(\w+)/g) ?? []).map((p) => p.slice(1)), ...Object.keys(query ?? {})])
  const body: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(input)) if (!skip.has(name)) body[name] = value
  return body
}
