// A realistic inspector state for the screenshots: a clean store, then several browser
// profiles clicking through different demo programs, one session expired by a fast-forward,
// one ending at browser close, named clients. Driven through the control API and Chromium.
import type { Browser, BrowserContext } from 'playwright-core'
import type { Api } from '../../../src/shared/api'
import { cookieValue, visit } from './ui'

export interface Showcase {
  /** Session keys by role, for detail views. */
  keys: { cart: string; expired: string; browserClose: string }
  contexts: BrowserContext[]
  close(): Promise<void>
}

interface Visitor {
  name: string
  userAgent: string
  paths: string[]
}

const UA = {
  chrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:143.0) Gecko/20100101 Firefox/143.0',
  safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15'
}

async function browse(browser: Browser, proxyUrl: string, visitor: Visitor, api: Api): Promise<{ context: BrowserContext; key: string }> {
  const context = await browser.newContext({ userAgent: visitor.userAgent })
  const page = await context.newPage()
  for (const path of visitor.paths) await visit(page, proxyUrl, path)
  await page.close()
  const key = await cookieValue(context, proxyUrl, 'sessionid')
  const client = await cookieValue(context, proxyUrl, 'si_client')
  if (!key || !client) throw new Error(`${visitor.name}: no session or client cookie after ${visitor.paths.join(', ')}`)
  await api.renameClient({ id: client, name: visitor.name })
  return { context, key }
}

/** Empties the store and the traffic, resets settings and clock, then builds the scene. */
export async function buildShowcase(browser: Browser, proxyUrl: string, api: Api): Promise<Showcase> {
  await api.resetSettings({})
  await api.resetClock({})
  for (const s of (await api.listSessions({ limit: 1000 })).sessions) await api.deleteSession({ key: s.key })
  await api.clearTraffic({})

  const contexts: BrowserContext[] = []
  const run = async (visitor: Visitor) => {
    const r = await browse(browser, proxyUrl, visitor, api)
    contexts.push(r.context)
    return r.key
  }
  // Program 3's set_expiry(600): twelve minutes later it has expired.
  const expired = await run({ name: 'QA laptop · Firefox', userAgent: UA.firefox, paths: ['/p3/set/', '/p3/get/'] })
  await api.advanceClock({ seconds: 12 * 60 })
  await run({ name: 'Sonam · Chrome', userAgent: UA.chrome, paths: ['/p1/set/', '/p1/get/'] })
  const cart = await run({ name: 'Checkout test', userAgent: UA.chrome, paths: ['/p2/set/', '/p2/get/'] })
  await run({ name: 'Safari on macOS', userAgent: UA.safari, paths: ['/p4/set/', '/p4/check/'] })
  const browserClose = await run({ name: 'Kiosk', userAgent: UA.chrome, paths: ['/page/set/', '/page/get/'] })
  // set_expiry(0): this one ends when the browser closes.
  await api.setSessionExpiry({ key: browserClose, value: 0 })
  // A richer session to show the data tree: what a shop keeps next to program 2's keys.
  const current = await api.getSession({ key: cart })
  await api.updateSessionData({
    key: cart,
    data: { ...current.data, cart: { items: [{ sku: 'TEA-042', qty: 2 }, { sku: 'MUG-007', qty: 1 }], currency: 'EUR' }, theme: 'dark' }
  })
  return {
    keys: { cart, expired, browserClose },
    contexts,
    async close() {
      for (const c of contexts) await c.close()
    }
  }
}
