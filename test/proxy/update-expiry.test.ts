// `_session_expiry` seconds out of range (issue 13's fuzzing): an update with 1e300 seconds
// replaced the app's answer with a 500 (the expiry date was no date). It is refused like any
// bad update, the app's answer arrives, and the API refuses the same data with a 400.
import { afterAll, describe, expect, it } from 'vitest'
import { encodeBase64UrlJson } from '../../src/shared/wire'
import { MAX_EXPIRY_SECONDS } from '../../src/shared/expiry'
import { Browser } from './support/browser'
import { useInspector, withEntry } from './support/inspector'
import { serve, type Upstream } from './support/servers'

let app: Upstream
const started = useInspector(async () => {
  app = await serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid')
    if (url.pathname === '/login') res.setHeader('X-Session-Update', encodeBase64UrlJson({ modified: true, data: { user: 'alice' } }))
    if (url.pathname === '/expiry') res.setHeader('X-Session-Update', encodeBase64UrlJson({ modified: true, data: { user: 'alice', _session_expiry: Number(url.searchParams.get('s')) } }))
    res.end(`app saw ${req.url}`)
  })
  return { upstream: app.url }
})
const inspector = () => started().inspector
afterAll(async () => {
  await app?.close()
})

describe('_session_expiry seconds out of range', () => {
  for (const s of [1e300, -1e300, 8.7e12, MAX_EXPIRY_SECONDS + 1]) {
    it(`${s} seconds in an update: the app's 200 arrives, the update is refused naming the bound, the session is unchanged`, async () => {
      const b = new Browser(inspector().proxyUrl)
      await b.get('/login')
      const key = b.cookie('sessionid') as string
      const path = `/expiry?s=${encodeURIComponent(s)}`
      const { result, entry } = await withEntry(inspector(), path, () => b.get(path))
      expect(result.status).toBe(200)
      expect(result.body).toBe(`app saw ${path}`)
      expect(entry.effect).toBe('rejected')
      expect(entry.error).toContain('_session_expiry')
      expect(entry.error).toContain('at most 1e+12 seconds')
      expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
      expect((await b.get('/after')).status).toBe(200)
    })
  }

  it(`${MAX_EXPIRY_SECONDS} seconds (the bound) is applied`, async () => {
    const b = new Browser(inspector().proxyUrl)
    const { result, entry } = await withEntry(inspector(), `/expiry?s=${MAX_EXPIRY_SECONDS}`, () => b.get(`/expiry?s=${MAX_EXPIRY_SECONDS}`))
    expect(result.status).toBe(200)
    expect(entry.effect).toBe('created')
    expect(result.setCookies.find((c) => c.startsWith('sessionid='))).toContain(`Max-Age=${MAX_EXPIRY_SECONDS}`)
  })

  it('the API refuses session data with such an expiry with a 400 naming it', async () => {
    const b = new Browser(inspector().proxyUrl)
    await b.get('/login')
    const key = b.cookie('sessionid') as string
    await expect(inspector().api.updateSessionData({ key, data: { user: 'mallory', _session_expiry: 1e300 } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('_session_expiry') })
    expect((await inspector().api.getSession({ key })).data).toEqual({ user: 'alice' })
  })
})
