// The request target the app sees is the one the browser sent (issue 13's fuzzing: http-proxy
// collapsed runs of slashes, turned `http:/` into `http://` and escaped some characters).
import { afterAll, describe, expect, it } from 'vitest'
import { useInspector } from './support/inspector'
import { rawExchange } from './support/raw'
import { serve, type Upstream } from './support/servers'

let app: Upstream
const started = useInspector(async () => {
  app = await serve((req, res) => res.end(`app saw ${req.method} ${req.url}`))
  return { upstream: app.url }
})
const port = () => Number(new URL(started().inspector.proxyUrl).port)
afterAll(async () => {
  await app?.close()
})

const through = async (method: string, target: string) => (await rawExchange(port(), `${method} ${target} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n`)).body

describe('the request target', () => {
  for (const target of ['/a//b///c', '//double/slash', '/redirect/http:/example.com/x', '/next/https:/y', "/it's/'quoted'?q='1'", '/C/@-+\'%25+', '/%2e%2e/%2F?a=b//c', '/path;param=1?x=y?z']) {
    it(`${target} reaches the app unchanged`, async () => {
      expect(await through('GET', target)).toBe(`app saw GET ${target}`)
    })
  }

  it('OPTIONS * reaches the app as OPTIONS * (not /*)', async () => {
    expect(await through('OPTIONS', '*')).toBe('app saw OPTIONS *')
  })

  it('an absolute-form target reaches the app as its path', async () => {
    expect(await through('GET', 'http://other.example/abs/x?y=1')).toBe('app saw GET /abs/x?y=1')
  })
})
