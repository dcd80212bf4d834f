// The REST face of the API (CONTROL-API.md): one route per method. The control server and
// the browser client both loop over this table, so a path is written down once.
import type { ApiMethod } from './api'

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Route {
  method: ApiMethod
  verb: HttpVerb
  /** Path with `:name` parameters, e.g. /api/sessions/:key */
  path: string
  /** Query parameters read into the input, with their types. */
  query?: Record<string, 'string' | 'number' | 'number-list' | 'boolean'>
  /** Where the JSON body goes: merged into the input (default), or under one field. */
  body?: 'merge' | { field: string } | 'none'
  /** Path parameters that are numbers. */
  numericParams?: string[]
  /** Status on success (default 200); 204 sends no body. */
  status?: 200 | 204
}

export const ROUTES: readonly Route[] = [
  { method: 'health', verb: 'GET', path: '/api/health' },
  { method: 'getStatus', verb: 'GET', path: '/api/status' },

  { method: 'getSettings', verb: 'GET', path: '/api/settings' },
  { method: 'updateSettings', verb: 'PATCH', path: '/api/settings', body: { field: 'settings' } },
  { method: 'resetSettings', verb: 'POST', path: '/api/settings/reset', body: 'none' },
  { method: 'revealSecretKey', verb: 'GET', path: '/api/settings/secret-key' },
  { method: 'regenerateSecretKey', verb: 'POST', path: '/api/settings/secret-key/regenerate', body: 'none' },
  { method: 'previewCookie', verb: 'GET', path: '/api/settings/cookie-preview' },

  { method: 'getClock', verb: 'GET', path: '/api/clock' },
  { method: 'advanceClock', verb: 'POST', path: '/api/clock/advance' },
  { method: 'setClock', verb: 'POST', path: '/api/clock/set' },
  { method: 'freezeClock', verb: 'POST', path: '/api/clock/freeze' },
  { method: 'resetClock', verb: 'POST', path: '/api/clock/reset', body: 'none' },

  { method: 'listSessions', verb: 'GET', path: '/api/sessions', query: { search: 'string', limit: 'number', offset: 'number', user: 'string' } },
  { method: 'clearExpired', verb: 'POST', path: '/api/sessions/clear-expired', body: 'none' },
  { method: 'getSession', verb: 'GET', path: '/api/sessions/:key' },
  { method: 'updateSessionData', verb: 'PUT', path: '/api/sessions/:key/data' },
  { method: 'setSessionExpiry', verb: 'PUT', path: '/api/sessions/:key/expiry' },
  { method: 'expireSession', verb: 'POST', path: '/api/sessions/:key/expire', body: 'none' },
  { method: 'deleteSession', verb: 'DELETE', path: '/api/sessions/:key', status: 204 },

  { method: 'getUser', verb: 'GET', path: '/api/users/:id' },
  { method: 'logoutUser', verb: 'POST', path: '/api/users/:id/logout' },

  { method: 'listClients', verb: 'GET', path: '/api/clients' },
  { method: 'renameClient', verb: 'PATCH', path: '/api/clients/:id' },
  { method: 'closeBrowser', verb: 'POST', path: '/api/browser/close' },

  {
    method: 'listTraffic', verb: 'GET', path: '/api/traffic',
    query: { limit: 'number', before: 'number', sessionKey: 'string', search: 'string', effect: 'string' }
  },
  { method: 'clearTraffic', verb: 'DELETE', path: '/api/traffic' },
  { method: 'exportHar', verb: 'GET', path: '/api/har', query: { ids: 'number-list', redact: 'boolean' } },
  { method: 'getTraffic', verb: 'GET', path: '/api/traffic/:id', numericParams: ['id'] }
]

/** The route of a method (every method has exactly one). */
export function routeOf(method: ApiMethod): Route {
  const route = ROUTES.find((r) => r.method === method)
  if (!route) throw new Error(`no route for ${method}`)
  return route
}

/** Matches a request path against a route; returns its parameters, or null. */
export function matchRoute(route: Route, pathname: string): Record<string, string> | null {
  const want = route.path.split('/')
  const got = pathname.replace(/\/+$/, '').split('/')
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string
    const g = got[i] as string
    if (w.startsWith(':')) {
      if (!g) return null
      let value: string
      try {
        value = decodeURIComponent(g)
      } catch {
        return null
      }
      if (route.numericParams?.includes(w.slice(1)) && !/^\d+$/.test(value)) return null
      params[w.slice(1)] = value
    } else if (w !== g) {
      return null
    }
  }
  return params
}

/** Fills a route's path with parameters from an input. */
export function buildPath(route: Route, input: Record<string, unknown>): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(input[name])))
}

/** Reads query values into input fields, typed as the route says (invalid numbers stay strings for the validator to refuse). */
export function readQuery(route: Route, search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, type] of Object.entries(route.query ?? {})) {
    const raw = search.get(name)
    if (raw === null || raw === '') continue
    if (type === 'number') out[name] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw
    else if (type === 'boolean') out[name] = raw === 'true' ? true : raw === 'false' ? false : raw
    else if (type === 'number-list') out[name] = raw.split(',').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
    else out[name] = raw
  }
  return out
}

/** Writes input fields into a query string, for the clients. */
export function writeQuery(route: Route, input: Record<string, unknown>): string {
  const params = new URLSearchParams()
  for (const name of Object.keys(route.query ?? {})) {
    const value = input[name]
    if (value === undefined || value === null || value === '') continue
    params.set(name, Array.isArray(value) ? value.join(',') : String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}
