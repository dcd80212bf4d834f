// The REST routes: a loop over ROUTES turning a request into one validated API call.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Api, ApiMethod } from '../../shared/api'
import { ApiError, toApiError } from '../../shared/errors'
import { isPlainObject } from '../../shared/json'
import { matchRoute, readQuery, ROUTES, type Route } from '../../shared/routes'
import { validateInput } from '../../shared/validate'
import { readBodyText, readJsonBody } from './body'
import { sendError, sendJson } from './http-util'

export type RouteMatch = { route: Route; params: Record<string, string> } | { allowed: string[] } | null

/** The route for a verb and path; else the verbs the path allows (405), or null (404). */
export function findRoute(verb: string, pathname: string): RouteMatch {
  const allowed: string[] = []
  for (const route of ROUTES) {
    const params = matchRoute(route, pathname)
    if (!params) continue
    if (route.verb === verb) return { route, params }
    if (!allowed.includes(route.verb)) allowed.push(route.verb)
  }
  return allowed.length ? { allowed } : null
}

/** Builds a method's input from path parameters, the query and the body, as the route says. */
export function buildInput(route: Route, params: Record<string, string>, search: URLSearchParams, body: unknown): Record<string, unknown> {
  const fromPath: Record<string, unknown> = { ...params }
  for (const name of route.numericParams ?? []) if (name in fromPath) fromPath[name] = Number(fromPath[name])
  const query = readQuery(route, search)
  const spec = route.body ?? 'merge'
  if (spec === 'none') return { ...query, ...fromPath }
  if (spec !== 'merge') return { ...query, ...fromPath, [spec.field]: body }
  if (body === undefined) return { ...query, ...fromPath }
  if (!isPlainObject(body)) throw new ApiError('bad_request', `${route.method}: the request body must be a JSON object`)
  for (const name of Object.keys(fromPath)) {
    if (name in body && body[name] !== fromPath[name]) {
      throw new ApiError('bad_request', `${route.method}.${name} is given by the path; leave it out of the body`)
    }
  }
  return { ...body, ...query, ...fromPath }
}

export interface ApiContext {
  api: Api
  log: (line: string) => void
}

/** Answers one authorised /api request (except /api/events, which the server streams). */
export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<void> {
  const verb = req.method ?? 'GET'
  const found = findRoute(verb, url.pathname)
  if (!found) throw new ApiError('not_found', `no API endpoint ${url.pathname}`)
  if ('allowed' in found) {
    res.setHeader('Allow', found.allowed.join(', '))
    throw new ApiError('method_not_allowed', `${verb} is not allowed on ${url.pathname} (allowed: ${found.allowed.join(', ')})`)
  }
  const { route, params } = found
  // Routes without a body still read (and bound) whatever was sent, so the connection stays usable.
  const body = route.body === 'none' ? await readBodyText(req).then(() => undefined) : await readJsonBody(req)
  const input = validateInput(route.method, buildInput(route, params, url.searchParams, body))
  const result = await callApi(ctx, route.method, input)
  if (route.status === 204) {
    res.statusCode = 204
    res.end()
    return
  }
  sendJson(res, route.status ?? 200, result)
}

async function callApi(ctx: ApiContext, method: ApiMethod, input: unknown): Promise<unknown> {
  const fn = ctx.api[method] as (input: unknown) => Promise<unknown>
  return fn.call(ctx.api, input)
}

/** The one error handler: ApiErrors go out as they are; anything else is logged and sent as internal. */
export function answerError(res: ServerResponse, error: unknown, log: (line: string) => void, where: string): void {
  const apiError = toApiError(error)
  if (!(error instanceof ApiError)) log(`control: ${where} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendError(res, apiError)
}
