// A browser's cookie mirror is bounded as a browser's jar is (issue 13): an app that sets a
// new cookie name on every response grew it without end, and every response serialised it.
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_COOKIES_PER_DOMAIN } from '../../src/main/proxy/cookie-mirror'
import { Browser } from './support/browser'
import { useInspector } from './support/inspector'
import { serve, type Upstream } from './support/servers'

let app: Upstream
let n = 0
const started = useInspector(async () => {
  app = await serve((_req, res) => {
    res.setHeader('Set-Cookie', `track${n++}=1; Path=/; Max-Age=3600`)
    res.end('ok')
  })
  return { upstream: app.url }
})
afterAll(async () => {
  await app?.close()
})

describe("the proxy's mirror of a browser's cookies", () => {
  it(`keeps the ${MAX_COOKIES_PER_DOMAIN} most recently set of an app's cookies, and the browser keeps being served`, { timeout: 60_000 }, async () => {
    const b = new Browser(started().inspector.proxyUrl)
    for (let i = 0; i < 300; i++) expect((await b.get(`/page/${i}`)).status).toBe(200)
    const id = b.cookie('si_client') as string
    const client = (await started().inspector.api.listClients({})).clients.find((c) => c.id === id)
    const names = (client?.cookies ?? []).map((c) => c.name)
    expect(names).toHaveLength(MAX_COOKIES_PER_DOMAIN)
    expect(names).toContain(`track${n - 1}`)
    expect(names).not.toContain('track0')
  })
})
