// The control API over HTTP for code outside the inspector's process (the test-runner
// fixtures): each method is its REST route from src/shared/routes.ts, with the bearer token.
import { API_METHODS, type Api, type ApiMethod } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import { buildPath, routeOf, writeQuery } from '../../shared/routes'

/** The JSON body of a route, as the control server reads it (routes.ts `body`). */
function bodyOf(method: ApiMethod, input: Record<string, unknown>): unknown {
  const route = routeOf(method)
  const spec = route.body ?? 'merge'
  if (route.verb === 'GET' || spec === 'none') return undefined
  if (spec !== 'merge') return input[spec.field]
  const taken = new Set([...(route.path.match(/:(\w+)/g) ?? []).map((p) => p.slice(1)), ...Object.keys(route.query ?? {})])
  const rest = Object.fromEntries(Object.entries(input).filter(([name]) => !taken.has(name)))
  return Object.keys(rest).length ? rest : undefined
}

/** An `Api` that calls a running Session Inspector; errors come back as `ApiError` with the server's message. */
export function controlClient(controlUrl: string, token: string): Api {
  const base = controlUrl.replace(/\/+$/, '')
  const call = async (method: ApiMethod, rawInput: unknown): Promise<unknown> => {
    const input = (rawInput ?? {}) as Record<string, unknown>
    const route = routeOf(method)
    const body = bodyOf(method, input)
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(base + buildPath(route, input) + writeQuery(route, input), {
        method: route.verb,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body)
      })
    } catch (e) {
      throw new ApiError('internal', `cannot reach Session Inspector at ${base}: ${(e as Error).message}`)
    }
    if (res.status === 204) return { deleted: true }
    const data: unknown = await res.json().catch(() => undefined)
    if (!res.ok) throw ApiError.fromWire(data, res.status)
    return data
  }
  return Object.fromEntries(API_METHODS.map((method) => [method, (input: unknown) => call(method, input)])) as unknown as Api
}
