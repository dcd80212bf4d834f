// Keeps a Playwright browser context's cookie jar in agreement with the proxy's mirror of it.
//
// The proxy mirrors every cookie it forwards to a browser profile (recognised by its own
// persistent `si_client` cookie) and judges them on the engine's clock: after the clock is
// advanced, or after a simulated close, it drops the gone ones from the browser's next
// request and tells the browser to forget them. Until that request, Chromium's jar (which
// runs on real time and knows nothing of the close) still holds them, so `context.cookies()`
// in a test would disagree with what the app is about to see. These functions apply the
// mirror's verdict to the context at once, cookie by cookie (same name, value and path),
// exactly as the proxy's answer would; cookies the proxy never saw set are left alone.
import type { BrowserContext, Cookie } from '@playwright/test'
import type { Api, MirroredCookie } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import { CLIENT_COOKIE_NAME } from '../../shared/settings'

function ignoreNotFound(e: unknown): void {
  if (!(e instanceof ApiError && e.code === 'not_found')) throw e
}

/** The proxy's id for this context: its si_client cookie for the proxy's host, if it has been through the proxy. */
export async function clientIdOf(context: BrowserContext, proxyUrl: string): Promise<string | null> {
  const cookies = await context.cookies(proxyUrl)
  return cookies.find((c) => c.name === CLIENT_COOKIE_NAME)?.value ?? null
}

const sameCookie = (b: Cookie, m: MirroredCookie) =>
  b.name === m.name && b.value === m.value && b.path === m.path && (m.domain === null || b.domain.replace(/^\./, '') === m.domain)

async function forget(context: BrowserContext, cookies: Cookie[]): Promise<void> {
  for (const c of cookies) await context.clearCookies({ name: c.name, domain: c.domain, path: c.path })
}

/** Removes from the context the cookies the mirror holds as expired on the engine clock or discarded by a close. */
export async function applyMirror(context: BrowserContext, api: Api, proxyUrl: string): Promise<string[]> {
  const id = await clientIdOf(context, proxyUrl)
  if (!id) return []
  const client = (await api.listClients({})).clients.find((c) => c.id === id)
  if (!client) return []
  const gone = client.cookies.filter((m) => m.state !== 'live')
  const held = await context.cookies()
  const stale = held.filter((b) => gone.some((m) => sameCookie(b, m)))
  await forget(context, stale)
  return stale.map((c) => c.name)
}

/**
 * A browser close for this context, as a real one: every session cookie (no Expires or
 * Max-Age: Playwright's `expires: -1`) leaves the jar, for every site, persistent ones stay;
 * and the proxy discards the same cookies in its mirror of this client, so a request that
 * still carries one (sent before the close) loses it too. Pages stay open. The answer names
 * the cookies the jar held when the close began: a request still on its way (the page's
 * favicon) may meanwhile be told by the proxy to forget one it discarded.
 */
export async function closeContextBrowser(context: BrowserContext, api: Api, proxyUrl: string): Promise<{ discarded: string[]; kept: string[] }> {
  const held = await context.cookies()
  const id = await clientIdOf(context, proxyUrl)
  // A client the proxy does not know (forgotten past its 500) has nothing mirrored to discard.
  if (id) await api.closeBrowser({ client: id }).catch((e: unknown) => ignoreNotFound(e))
  await forget(context, (await context.cookies()).filter((c) => c.expires === -1))
  return { discarded: held.filter((c) => c.expires === -1).map((c) => c.name), kept: held.filter((c) => c.expires !== -1).map((c) => c.name) }
}
