// The one module that knows how the UI reaches the inspector: the Electron preload bridge,
// or the control server's REST + SSE in a browser (token from the URL's #token=...).
import { BRIDGE_KEY, type Bridge } from '../../shared/bridge'
import { ApiError } from '../../shared/errors'
import { apiFromCall, isApiEvent, type ApiClient } from './api-client'
import { createHttpClient } from './http-client'

export type { ApiClient, ConnectionState } from './api-client'

/** The Electron host: results are unwrapped, errors rebuilt from their wire form. */
export function createBridgeClient(bridge: Bridge): ApiClient {
  const api = apiFromCall(async (method, input) => {
    const call = bridge[method] as ((input: unknown) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>) | undefined
    if (typeof call !== 'function') throw new ApiError('internal', `the window's bridge has no method ${method}`)
    const result = await call(input)
    if (result.ok) return result.value
    throw ApiError.fromWire(result.error)
  })
  return {
    ...api,
    transport: 'electron',
    subscribe: (listener) => bridge.onEvent((event) => {
      if (isApiEvent(event)) listener(event)
    }),
    onConnection(listener) {
      // IPC does not drop: the window and the service live and die together.
      listener({ state: 'open' })
      return () => undefined
    }
  }
}

export const TOKEN_STORAGE_KEY = 'session-inspector.token'

/**
 * Takes the token from `#token=...` (then removes it from the visible URL, so it is not
 * bookmarked or shared by accident) or from this tab's sessionStorage.
 */
export function takeToken(win: Window): string | null {
  const fragment = new URLSearchParams(win.location.hash.replace(/^#/, ''))
  const fromUrl = fragment.get('token')
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // Storage can be disabled; the token still works for this page's lifetime.
    }
    const { pathname, search } = win.location
    win.history.replaceState(win.history.state, '', pathname + search)
    return fromUrl
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY)
  } catch {
    return null
  }
}

export type Resolved = { kind: 'client'; client: ApiClient } | { kind: 'none' }

/** Picks the host the page runs in. */
export function resolveClient(win: Window): Resolved {
  const bridge = (win as unknown as Record<string, unknown>)[BRIDGE_KEY] as Bridge | undefined
  if (bridge && typeof bridge.onEvent === 'function') return { kind: 'client', client: createBridgeClient(bridge) }
  const token = takeToken(win)
  if (token) return { kind: 'client', client: createHttpClient({ baseUrl: win.location.origin, token }) }
  return { kind: 'none' }
}
