// One name per client everywhere: the user's name, else the User-Agent in a few words and a
// short id, so that two unnamed browsers of the same kind can be told apart.
import { describe, expect, it } from 'vitest'
import { clientDisplayName, shortClientId, summariseUserAgent, userAgentFamily } from '../../src/shared/client-name'

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

describe('user agents', () => {
  it.each([
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Chrome 126 on macOS', 'Chrome on macOS'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128 on Linux', 'Firefox on Linux'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari 17 on iPhone', 'Safari on iPhone'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87', 'Edge 126 on Windows', 'Edge on Windows'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Headless Chrome 131 on Linux', 'Headless Chrome on Linux'],
    ['curl/8.5.0', 'curl 8.5.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests 2.31.0', 'python-requests'],
    ['MyTool/1.0 (+https://example.com)', 'MyTool/1.0', 'MyTool'],
    ['', 'unknown client', 'unknown client']
  ])('summarises %j as %j, its family as %j', (ua, words, family) => {
    expect(summariseUserAgent(ua)).toBe(words)
    expect(userAgentFamily(ua)).toBe(family)
  })
})

describe('clientDisplayName', () => {
  const a = { id: '3f2a9c0d1e2f3a4b5c6d7e8f9a0b1c2d', name: '', userAgent: CHROME_LINUX }
  const b = { id: '7b1e44aa0000000000000000000000ff', name: '', userAgent: CHROME_LINUX }

  it('names an unnamed client after its User-Agent and the first characters of its id', () => {
    expect(clientDisplayName(a)).toBe('Chrome on Linux · 3f2a9c')
    expect(clientDisplayName({ ...a, userAgent: 'curl/8.5.0' })).toBe('curl · 3f2a9c')
    expect(shortClientId(a.id)).toBe('3f2a9c')
  })

  it('tells two unnamed browsers of the same kind apart', () => {
    expect(clientDisplayName(a)).not.toBe(clientDisplayName(b))
  })

  it("uses the user's name once it has one (trimmed), and the derived one for a blank name", () => {
    expect(clientDisplayName({ ...a, name: '  QA laptop  ' })).toBe('QA laptop')
    expect(clientDisplayName({ ...a, name: '   ' })).toBe('Chrome on Linux · 3f2a9c')
  })
})
