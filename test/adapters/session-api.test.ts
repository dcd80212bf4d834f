// Every Session API method of the Node adapter, seen from outside: real requests with a
// hand-built X-Session, and the X-Session-Update (and flags) each one produces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withSession, type WireSession } from '../../src/adapters'
import type { SessionData } from '../../src/shared/json'
import { call, FAR_NOW, KEY, listen, sessionHeader, type Server } from './support'

type Action = (session: WireSession) => unknown

let server: Server
let action: Action = () => null
const warnings: string[] = []

beforeAll(async () => {
  server = await listen(
    withSession(
      (req, res) => {
        const result = action(req.session)
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify({ result: result === undefined ? null : result }))
      },
      { warn: (m) => warnings.push(m) }
    )
  )
})
afterAll(() => server.close())

/** Runs `fn` on a session holding `data` and returns its result and the update. */
async function run(fn: Action, header: Parameters<typeof sessionHeader>[0] = {}) {
  action = fn
  const reply = await call(server.url, { session: sessionHeader(header) })
  return { ...reply, result: reply.status === 200 ? (JSON.parse(reply.body) as { result: unknown }).result : undefined }
}

const DATA: SessionData = { name: 'Sonam', lname: 'rathore' }

describe('reading', () => {
  it('sends no header at all when the view never touches the session', async () => {
    const r = await run(() => 'hello', { data: DATA })
    expect(r.status).toBe(200)
    expect(r.headers.has('x-session-update')).toBe(false)
    expect(r.update).toBeNull()
  })

  it('reading sessionKey, getSessionCookieAge() or now() is not an access, as in Django', async () => {
    const r = await run((s) => [s.sessionKey, s.getSessionCookieAge(), s.now().toISOString(), s.inspected], { data: DATA, cookieAge: 400 })
    expect(r.result).toEqual([KEY, 400, FAR_NOW, true])
    expect(r.update).toBeNull()
  })

  it('get(k) and get(k, default) answer {accessed: true} only', async () => {
    const r = await run((s) => [s.get('name'), s.get('missing', 'Guest'), s.get('missing') ?? 'undefined'], { data: DATA })
    expect(r.result).toEqual(['Sonam', 'Guest', 'undefined'])
    expect(r.update).toEqual({ accessed: true })
  })

  it('getItem(k) of a missing key throws a KeyError: a 500, still reported as accessed', async () => {
    const r = await run((s) => s.getItem('missing'), { data: DATA })
    expect(r.status).toBe(500)
    expect(r.body).toContain('SessionKeyError')
    expect(r.update).toEqual({ accessed: true })
  })

  it('has, keys, values, items are reads', async () => {
    const r = await run((s) => [s.has('name'), s.has('nope'), s.keys(), s.values(), s.items()], { data: DATA })
    expect(r.result).toEqual([true, false, ['name', 'lname'], ['Sonam', 'rathore'], [['name', 'Sonam'], ['lname', 'rathore']]])
    expect(r.update).toEqual({ accessed: true })
  })

  it('the flags are readable and start false', async () => {
    const r = await run((s) => {
      const before = [s.accessed, s.modified]
      s.get('name')
      return [...before, s.accessed, s.modified]
    })
    expect(r.result).toEqual([false, false, true, false])
  })
})

describe('writing', () => {
  it('set(k, v) sends the whole dict, modified', async () => {
    const r = await run((s) => s.set('age', 26), { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', lname: 'rathore', age: 26 } })
  })

  it('a value that is not JSON is refused before anything changes', async () => {
    const r = await run((s) => s.set('when', new Date() as never), { data: DATA })
    expect(r.status).toBe(500)
    expect(r.body).toContain('NotJsonError')
    expect(r.update).toBeNull()
  })

  it('a value nested deeper than the limit (here 3,000 levels) is a NotJsonError naming the limit, not a stack overflow', async () => {
    const deep = JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) as never
    const r = await run((s) => s.set('deep', deep), { data: DATA })
    expect(r.status).toBe(500)
    expect(r.body).toContain('NotJsonError')
    expect(r.body).toContain('nests more than 100 levels deep')
    expect(r.update).toBeNull()
  })

  it('delete(k) removes it; a missing key is a KeyError and changes nothing', async () => {
    const ok = await run((s) => s.delete('lname'), { data: DATA })
    expect(ok.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam' } })
    const missing = await run((s) => s.delete('nope'), { data: DATA })
    expect(missing.status).toBe(500)
    expect(missing.update).toEqual({ accessed: true })
  })

  it('pop(k) of a present key is a change; pop of a missing key with a default is not', async () => {
    const present = await run((s) => s.pop('name'), { data: DATA })
    expect(present.result).toBe('Sonam')
    expect(present.update).toEqual({ accessed: true, modified: true, data: { lname: 'rathore' } })
    const missing = await run((s) => s.pop('nope', 'fallback'), { data: DATA })
    expect(missing.result).toBe('fallback')
    expect(missing.update).toEqual({ accessed: true })
    const noDefault = await run((s) => s.pop('nope'), { data: DATA })
    expect(noDefault.status).toBe(500)
  })

  it('setdefault on an existing key returns it unchanged; on a new key it writes', async () => {
    const existing = await run((s) => s.setdefault('name', 'Other'), { data: DATA })
    expect(existing.result).toBe('Sonam')
    expect(existing.update).toEqual({ accessed: true })
    const added = await run((s) => s.setdefault('age', '26'), { data: DATA })
    expect(added.result).toBe('26')
    expect(added.update).toEqual({ accessed: true, modified: true, data: { ...DATA, age: '26' } })
  })

  it('update(obj) merges', async () => {
    const r = await run((s) => s.update({ lname: 'Ronaldo', city: 'Kathmandu' }), { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', lname: 'Ronaldo', city: 'Kathmandu' } })
  })

  it('clear() empties the dict: accessed and modified', async () => {
    const r = await run((s) => s.clear(), { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, data: {} })
  })

  it('markModified() alone asks for a save without reading (no accessed, no data)', async () => {
    const r = await run((s) => s.markModified(), { data: DATA })
    expect(r.update).toEqual({ modified: true })
    const assigned = await run((s) => {
      s.modified = true
    })
    expect(assigned.update).toEqual({ modified: true })
  })

  it('markModified() after a read sends the data as it is (the page session)', async () => {
    const r = await run((s) => {
      s.get('name')
      s.markModified()
    }, { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, data: DATA })
  })

  it('a value changed in place is not saved unless marked modified (Django\'s documented gotcha)', async () => {
    const cart = { data: { cart: ['apple'] } }
    const push = (s: WireSession) => (s.get('cart') as string[]).push('pear')
    expect((await run(push, cart)).update).toEqual({ accessed: true })
    const marked = await run((s) => {
      push(s)
      s.markModified()
    }, cart)
    expect(marked.update).toEqual({ accessed: true, modified: true, data: { cart: ['apple', 'pear'] } })
  })

  it('with SESSION_SAVE_EVERY_REQUEST a value changed in place is sent, as Django saves the dict anyway', async () => {
    const header = { data: { cart: ['apple'] }, saveEveryRequestSetting: true }
    const changed = await run((s) => (s.get('cart') as string[]).push('pear'), header)
    expect(changed.update).toEqual({ accessed: true, data: { cart: ['apple', 'pear'] } })
    const unchanged = await run((s) => s.get('cart'), header)
    expect(unchanged.update).toEqual({ accessed: true })
  })
})

describe('flush, cycleKey, clearExpired, isEmpty', () => {
  it('flush() empties the session and drops the key', async () => {
    const r = await run((s) => {
      s.flush()
      return [s.sessionKey, s.isEmpty(), s.keys()]
    }, { data: DATA })
    expect(r.result).toEqual([null, true, []])
    expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: {} })
  })

  it('writing after flush() sends the flush and the new data (saved under a new key)', async () => {
    const r = await run((s) => {
      s.flush()
      s.set('name', 'Again')
    }, { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: { name: 'Again' } })
  })

  it('cycleKey() keeps the data under a new key chosen by the proxy', async () => {
    const r = await run((s) => {
      s.cycleKey()
      return [s.sessionKey, s.isEmpty(), s.get('name')]
    }, { data: DATA })
    expect(r.result).toEqual([null, false, 'Sonam'])
    expect(r.update).toEqual({ accessed: true, modified: true, cycleKey: true, data: DATA })
  })

  it('cycleKey() then flush() ends with no session, as in Django: only the flush is sent', async () => {
    const r = await run((s) => {
      s.cycleKey()
      s.flush()
    }, { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: {} })
  })

  it('clearExpired() is an intent of its own, no access', async () => {
    const r = await run((s) => s.clearExpired(), { data: DATA })
    expect(r.update).toEqual({ clearExpired: true })
  })

  it('the seeds\' delete view: flush() then clear_expired()', async () => {
    const r = await run((s) => {
      s.flush()
      s.clearExpired()
    }, { data: DATA })
    expect(r.update).toEqual({ accessed: true, modified: true, flush: true, data: {}, clearExpired: true })
  })

  it('isEmpty() is Django\'s: no key and no loaded data; it does not load', async () => {
    const noKey = await run((s) => s.isEmpty(), { key: null, data: {} })
    expect(noKey.result).toBe(true)
    expect(noKey.update).toBeNull()
    const withKey = await run((s) => s.isEmpty(), { data: DATA })
    expect(withKey.result).toBe(false)
    const loaded = await run((s) => {
      s.set('x', 1)
      return s.isEmpty()
    }, { key: null, data: {} })
    expect(loaded.result).toBe(false)
  })
})

describe('expiry, on the engine clock of the header', () => {
  const now = Date.parse(FAR_NOW)

  it('setExpiry(seconds) and setExpiry(0) store the number in _session_expiry', async () => {
    expect((await run((s) => s.setExpiry(600), { data: DATA })).update?.data).toEqual({ ...DATA, _session_expiry: 600 })
    expect((await run((s) => s.setExpiry(0), { data: DATA })).update?.data).toEqual({ ...DATA, _session_expiry: 0 })
  })

  it('setExpiry(Date) stores the moment as Python\'s isoformat', async () => {
    const r = await run((s) => s.setExpiry(new Date('2041-06-16T00:00:00.250Z')), { data: {} })
    expect(r.update?.data).toEqual({ _session_expiry: '2041-06-16T00:00:00.250000+00:00' })
  })

  it('setExpiry(duration) counts from the header\'s now, not the app\'s clock', async () => {
    const r = await run((s) => s.setExpiry({ hours: 1, minutes: 30 }), { data: {} })
    expect(r.update?.data).toEqual({ _session_expiry: '2041-06-15T10:00:00+00:00' })
  })

  it('setExpiry(null) removes a custom expiry; with none it is only a read', async () => {
    const removed = await run((s) => s.setExpiry(null), { data: { ...DATA, _session_expiry: 600 } })
    expect(removed.update).toEqual({ accessed: true, modified: true, data: DATA })
    const none = await run((s) => s.setExpiry(null), { data: DATA })
    expect(none.update).toEqual({ accessed: true })
  })

  it('setExpiry of something else is a clear error', async () => {
    const r = await run((s) => s.setExpiry('next tuesday'), { data: DATA })
    expect(r.status).toBe(500)
    expect(r.body).toContain('not an ISO-8601 datetime')
  })

  it('getExpiryAge / getExpiryDate: no custom expiry → SESSION_COOKIE_AGE from now (the header\'s)', async () => {
    const r = await run((s) => [s.getExpiryAge(), s.getExpiryDate().toISOString()], { data: DATA, cookieAge: 400 })
    expect(r.result).toEqual([400, new Date(now + 400_000).toISOString()])
    expect(r.update).toEqual({ accessed: true })
  })

  it('a stored moment is counted from the header\'s now (years away from real time)', async () => {
    const r = await run((s) => [s.getExpiryAge(), s.getExpiryDate().toISOString()], {
      data: { _session_expiry: '2041-06-15T09:30:00+00:00' }
    })
    expect(r.result).toEqual([3600, '2041-06-15T09:30:00.000Z'])
  })

  it('seconds and browser-close expiries, and the {modification, expiry} arguments', async () => {
    const r = await run(
      (s) => [
        s.getExpiryAge(),
        s.getExpiryDate().toISOString(),
        s.getExpiryAge({ expiry: 0 }),
        s.getExpiryAge({ expiry: null }),
        s.getExpiryAge({ modification: new Date(now - 100_000), expiry: new Date(now + 500_000) }),
        s.getExpiryDate({ modification: new Date(now - 100_000) }).toISOString()
      ],
      { data: { _session_expiry: 600 }, cookieAge: 400 }
    )
    expect(r.result).toEqual([
      600,
      new Date(now + 600_000).toISOString(),
      400,
      400,
      600,
      new Date(now + 500_000).toISOString()
    ])
  })

  it('getExpireAtBrowserClose follows SESSION_EXPIRE_AT_BROWSER_CLOSE from the header unless set_expiry said otherwise', async () => {
    const setting = { expireAtBrowserCloseSetting: true }
    expect((await run((s) => s.getExpireAtBrowserClose(), { ...setting, data: {} })).result).toBe(true)
    expect((await run((s) => s.getExpireAtBrowserClose(), { ...setting, data: { _session_expiry: 600 } })).result).toBe(false)
    expect((await run((s) => s.getExpireAtBrowserClose(), { data: { _session_expiry: 0 } })).result).toBe(true)
    const afterReset = await run(
      (s) => {
        s.setExpiry(null)
        return s.getExpireAtBrowserClose()
      },
      { ...setting, data: { _session_expiry: 600 } }
    )
    expect(afterReset.result).toBe(true)
  })

  it('without expireAtBrowserCloseSetting it falls back to expireAtBrowserClose when no custom expiry is stored', async () => {
    const old = { expireAtBrowserCloseSetting: undefined, expireAtBrowserClose: true }
    expect((await run((s) => s.getExpireAtBrowserClose(), { ...old, data: {} })).result).toBe(true)
    expect((await run((s) => s.getExpireAtBrowserClose(), { ...old, data: { _session_expiry: 600 } })).result).toBe(false)
  })
})

describe('the test cookie', () => {
  it('setTestCookie() writes testcookie = "worked"', async () => {
    const r = await run((s) => s.setTestCookie(), { data: {} })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { testcookie: 'worked' } })
  })

  it('testCookieWorked() is a read', async () => {
    const worked = await run((s) => s.testCookieWorked(), { data: { testcookie: 'worked' } })
    expect(worked.result).toBe(true)
    expect(worked.update).toEqual({ accessed: true })
    expect((await run((s) => s.testCookieWorked(), { data: {} })).result).toBe(false)
  })

  it('deleteTestCookie() removes it; without one it is a KeyError, as in Django', async () => {
    const r = await run((s) => s.deleteTestCookie(), { data: { testcookie: 'worked', name: 'Sonam' } })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam' } })
    const missing = await run((s) => s.deleteTestCookie(), { data: {} })
    expect(missing.status).toBe(500)
    expect(missing.body).toContain('testcookie')
    expect(missing.update).toEqual({ accessed: true })
  })
})
