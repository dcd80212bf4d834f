// An Api that calls a control server over HTTP, built from ROUTES: what a script does, and what
// lets one API test suite run both against the service and through the server.
import { API_METHODS, type Api, type ApiEvent, type ApiMethod } from '../../src/shared/api'
import { ApiError } from '../../src/shared/errors'
import { buildPath, routeOf, writeQuery, type Route } from '../../src/shared/routes'

/** The request a route makes for an input: path with query, and the JSON body if any. */
export function requestFor(route: Route, input: Record<string, unknown>): { path: string; body?: string } {
  const path = buildPath(route, input) + writeQuery(route, input)
  const spec = route.body ?? 'merge'
  if (spec === 'none') return { path }
  if (spec !== 'merge') return { path, body: JSON.stringify(input[spec.field]) }
  const rest: Record<string, unknown> = {}
  const taken = new Set([...(route.path.match(/:(\w+)/g) ?? []).map((p) => p.slice(1)), ...Object.keys(route.query ?? {})])
  for (const [name, value] of Object.entries(input)) if (!taken.has(name)) rest[name] = value
  if (route.verb === 'GET' || Object.keys(rest).length === 0) return { path }
  return { path, body: JSON.stringify(rest) }
}

/** An Api over HTTP. Errors come back as ApiError; the 204 of deleteSession reads as `{deleted: true}`. */
export function httpApi(baseUrl: string, token: string): Api {
  const api = {} as Record<ApiMethod, (input: unknown) => Promise<unknown>>
  for (const method of API_METHODS) {
    const route = routeOf(method)
    api[method] = async (input: unknown) => {
      const { path, body } = requestFor(route, (input ?? {}) as Record<string, unknown>)
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` }
      if (body !== undefined) headers['Content-Type'] = 'application/json'
      const res = await fetch(baseUrl + path, { method: route.verb, headers, body })
      if (res.status === 204) return { deleted: true }
      const data: unknown = await res.json().catch(() => null)
      if (!res.ok) throw ApiError.fromWire(data, res.status)
      return data
    }
  }
  return api as unknown as Api
}

/** Reads /api/events with fetch and a stream reader, as the browser client does. */
export async function openEvents(baseUrl: string, token: string): Promise<{ next(): Promise<ApiEvent>; close(): void }> {
  const controller = new AbortController()
  const res = await fetch(`${baseUrl}/api/events`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal })
  if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  const queue: ApiEvent[] = []
  return {
    async next() {
      for (;;) {
        const frame = queue.shift()
        if (frame) return frame
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const type = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (type && data !== undefined) queue.push({ type, payload: JSON.parse(data) } as ApiEvent)
          continue
        }
        const { value, done } = await reader.read()
        if (done) throw new Error('event stream ended')
        buffer += value
      }
    },
    close() {
      controller.abort()
    }
  }
}
