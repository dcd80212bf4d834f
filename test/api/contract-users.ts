// The contract suite's users (issue 20): the demo's login program logs browsers in through the
// proxy; the sessions carry their user, listSessions filters by it, getUser lists a user's
// browsers, and logoutUser ends their sessions in the store.
import { describe, expect, it } from 'vitest'
import { DEMO_USER } from '../../src/main/demo/login'
import type { GetFixture } from './contract'
import { Browser } from './support'

async function loggedIn(get: GetFixture, userAgent: string): Promise<Browser> {
  const b = new Browser(get().proxyUrl, userAgent)
  const r = await b.post('/login/', { username: DEMO_USER.username, password: DEMO_USER.password })
  expect(r.status).toBe(302)
  return b
}

export function describeUsers(get: GetFixture): void {
  describe('users', () => {
    it('a logged-in session carries its user; listSessions filters by user', async () => {
      const { api } = get()
      const b = await loggedIn(get, 'Users/1.0')
      const anonymous = new Browser(get().proxyUrl)
      await anonymous.get('/p1/set/')
      const mine = await api.listSessions({ user: DEMO_USER.id })
      expect(mine.sessions.map((s) => s.key)).toEqual([b.sessionKey()])
      expect(mine.sessions[0]?.user).toEqual({ id: DEMO_USER.id, username: DEMO_USER.username, backend: 'django.contrib.auth.backends.ModelBackend', source: 'middleware' })
      expect((await api.getSession({ key: anonymous.sessionKey() })).user).toBeNull()
    })

    it("getUser lists a user's sessions with their browsers; logoutUser keeps one, then deletes all", async () => {
      const { api } = get()
      const one = await loggedIn(get, 'Users/one')
      const two = await loggedIn(get, 'Users/two')
      const view = await api.getUser({ id: DEMO_USER.id })
      expect(view.user).toEqual({ id: DEMO_USER.id, username: DEMO_USER.username, source: 'middleware' })
      expect(view.sessions.map((s) => [s.key, s.browser?.userAgent]).sort()).toEqual([[one.sessionKey(), 'Users/one'], [two.sessionKey(), 'Users/two']].sort())
      expect(await api.logoutUser({ id: DEMO_USER.id, except: one.sessionKey() })).toEqual({ deleted: 1 })
      expect((await one.get('/login/private/')).status).toBe(200)
      expect((await two.get('/login/private/')).status).toBe(302)
      expect(await api.logoutUser({ id: DEMO_USER.id })).toEqual({ deleted: 1 })
      expect(await api.logoutUser({ id: DEMO_USER.id })).toEqual({ deleted: 0 })
      expect((await api.getUser({ id: DEMO_USER.id })).sessions).toEqual([])
    })
  })
}
