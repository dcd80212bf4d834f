// A simulated browser close in one sentence, as the header's toast and the desktop menu's
// message say it.
import { describe, expect, it } from 'vitest'
import type { BrowserCloseClient } from '../../src/shared/api'
import { describeCloseAll, describeCloseOne } from '../../src/shared/browser-close'

const client = (displayName: string, discarded: string[], kept: string[] = []): BrowserCloseClient => ({ id: displayName.slice(-6), displayName, discarded, kept })

describe('describeCloseAll', () => {
  it('names each client with what it lost', () => {
    const clients = [client('Chrome on Linux · 3f2a9c', ['sessionid', 'cart']), client('Firefox on Linux · 77aa01', ['sessionid'], ['csrftoken'])]
    expect(describeCloseAll({ closed: 3, clients })).toBe('Browser closed: 3 cookies discarded (Chrome on Linux · 3f2a9c: sessionid, cart; Firefox on Linux · 77aa01: sessionid)')
  })
  it('says why nothing went: no browser yet, or only persistent cookies', () => {
    expect(describeCloseAll({ closed: 0, clients: [] })).toMatch(/no browser has come through the proxy yet/)
    expect(describeCloseAll({ closed: 0, clients: [client('curl · 000001', [], ['sessionid'])] })).toBe('Browser closed: no session-only cookies to discard; 1 persistent cookie survives (sessionid)')
  })
})

describe('describeCloseOne', () => {
  it("names the client's discarded cookies, or falls back to the name given", () => {
    expect(describeCloseOne({ closed: 1, clients: [client('Chrome on Linux · 3f2a9c', ['sessionid'])] }, 'x')).toBe('Chrome on Linux · 3f2a9c closed: 1 session-only cookie discarded (sessionid)')
    expect(describeCloseOne({ closed: 0, clients: [] }, 'Unnamed')).toBe('Unnamed closed: no session-only cookies to discard')
  })
})
