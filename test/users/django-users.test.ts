// Issue 20 against real Django, 3.2 (Debian's) and 5.2 (the test venv): log in through the
// admin behind the proxy, in observe mode (Django's own SessionMiddleware, the project read
// with --django-project's reader) and in drop-in mode (the adapter's middleware); the
// username shows; log out everywhere and Django's next request from each browser is
// anonymous; in observe mode, a password changed in Django flags the session before Django
// drops it, and the request where it does says why.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Inspector } from '../../src/main/inspector'
import { readDjangoProject } from '../../src/main/service/django-project'
import { CookieClient } from '../django/cookie-client'
import { DJANGO_PYTHON, FIXTURE_DIR, run, startDjangoServer, type DjangoServer } from '../django/django-server'

const ADMIN = { username: 'admin', password: 'admin-password-20' }

async function adminLogin(c: CookieClient): Promise<string> {
  const form = await c.get('/admin/login/?next=/admin/')
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(form.body)?.[1]
  if (!token) throw new Error(`no CSRF token on the admin login page (${form.status})`)
  const r = await c.request('/admin/login/?next=/admin/', { form: { ...ADMIN, csrfmiddlewaretoken: token, next: '/admin/' } })
  expect(r.status, r.body.slice(0, 300)).toBe(302)
  const home = await c.get('/admin/')
  expect(home.status).toBe(200)
  const key = await c.cookie('sessionid')
  expect(key).toBeTruthy()
  return key as string
}

const whoami = async (c: CookieClient) => (await c.get('/whoami/')).body

const PYTHONS: [string, () => string][] = [
  ['Django 3.2', () => DJANGO_PYTHON],
  ['Django 5.2', () => inject('django5Python')]
]

for (const [label, python] of PYTHONS) {
  for (const mode of ['observe', 'drop-in'] as const) {
    describe(`${label}, ${mode} mode: users and logins through the admin`, () => {
      let app: DjangoServer
      let inspector: Inspector
      let adminId: string
      const dataDir = mkdtempSync(join(tmpdir(), 'si-users-django-'))

      beforeAll(async () => {
        app = await startDjangoServer({ middleware: mode === 'observe' ? 'django' : 'inspector', python: python() })
        await run(['createsuperuser', '--noinput', '--username', ADMIN.username, '--email', 'admin@example.com'], { ...app.env, DJANGO_SUPERUSER_PASSWORD: ADMIN.password }, python())
        adminId = (await run(['shell', '-c', `from django.contrib.auth.models import User; print(User.objects.get(username=${JSON.stringify(ADMIN.username)}).pk)`], app.env, python())).trim().split('\n').at(-1) as string
        if (mode === 'observe') {
          const project = await readDjangoProject({ dir: FIXTURE_DIR, python: python(), env: app.env })
          expect(project.observe.users).toMatchObject({ table: 'auth_user', pk: 'id', username: 'username', password: 'password', isActive: 'is_active' })
          inspector = await Inspector.start({ dataDir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, observeDjango: true, observe: project.observe, secretKeyFallbacks: project.secretKeyFallbacks, settings: project.settings, log: () => undefined })
        } else {
          inspector = await Inspector.start({ dataDir, upstream: app.url, listen: { host: '127.0.0.1', port: 0 }, log: () => undefined })
        }
      }, 120_000)
      afterAll(async () => {
        await inspector?.close()
        await app?.stop()
        rmSync(dataDir, { recursive: true, force: true })
      })

      it('shows the username of a session logged in through the admin, and explains the login', async () => {
        const b = new CookieClient(inspector.proxyUrl)
        const key = await adminLogin(b)
        expect(await whoami(b)).toBe('user: admin')
        const s = await inspector.api.getSession({ key })
        expect(s.user).toMatchObject({ id: adminId, username: 'admin', backend: 'django.contrib.auth.backends.ModelBackend', source: mode === 'observe' ? 'user-table' : 'middleware' })
        expect(s.user?.stale).toBeUndefined()
        expect((await inspector.api.listSessions({ user: adminId })).sessions.map((x) => x.key)).toContain(key)
        const login = (await inspector.api.listTraffic({ search: '/admin/login/' })).entries.find((e) => e.method === 'POST')!
        expect(login.reason).toMatch(new RegExp(`^Login of admin \\(user ${adminId}\\): key cycled: login\\(\\) calls cycle_key\\(\\)`))
      })

      it("logs out everywhere: Django's next request from each browser is anonymous", async () => {
        const browsers = [new CookieClient(inspector.proxyUrl), new CookieClient(inspector.proxyUrl)]
        for (const b of browsers) await adminLogin(b)
        for (const b of browsers) expect(await whoami(b)).toBe('user: admin')
        const { deleted } = await inspector.api.logoutUser({ id: adminId })
        expect(deleted).toBeGreaterThanOrEqual(2)
        for (const b of browsers) expect(await whoami(b)).toBe('user: anonymous')
        expect((await inspector.api.getUser({ id: adminId })).sessions).toEqual([])
      })

      it('explains a logout', async () => {
        const b = new CookieClient(inspector.proxyUrl)
        await adminLogin(b)
        await b.get('/logout/')
        const logout = (await inspector.api.listTraffic({ search: '/logout/' })).entries[0]!
        expect(logout.reason).toMatch(new RegExp(`^Logout of admin \\(user ${adminId}\\): flushed: logout\\(\\)`))
        expect(await whoami(b)).toBe('user: anonymous')
      })

      if (mode === 'observe') {
        it('flags a session whose password changed in Django before Django drops it', async () => {
          const b = new CookieClient(inspector.proxyUrl)
          const key = await adminLogin(b)
          await run(['shell', '-c', `from django.contrib.auth.models import User; u = User.objects.get(pk=${adminId}); u.set_password('changed-20'); u.save()`], app.env, python())
          const flagged = await inspector.api.getSession({ key })
          expect(flagged.user?.stale).toMatch(/_auth_user_hash no longer matches the user's password hash/)
          expect(await whoami(b)).toBe('user: anonymous')
          const dropped = (await inspector.api.listTraffic({ search: '/whoami/' })).entries[0]!
          expect(dropped.reason).toMatch(new RegExp(`^admin \\(user ${adminId}\\) logged out by Django: flushed by Django: _auth_user_hash no longer matches`))
          await run(['shell', '-c', `from django.contrib.auth.models import User; u = User.objects.get(pk=${adminId}); u.set_password(${JSON.stringify(ADMIN.password)}); u.save()`], app.env, python())
        })
      }
    })
  }
}
