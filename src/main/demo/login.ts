// The demo's login program (issue 20): one user, a login form, a page only for logged-in
// users and a logout, written the way django.contrib.auth does it: login() cycles the key
// (or flushes a session that belongs to someone else) and stores _auth_user_id,
// _auth_user_backend and _auth_user_hash; logout() flushes. Like the drop-in middleware, the
// app names the user to the proxy in X-Session-User.
import { createHmac, createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WireSession } from '../../adapters'
import { AUTH_USER_BACKEND, AUTH_USER_HASH, AUTH_USER_ID, SESSION_AUTH_HASH_SALT } from '../../shared/auth'
import { encodeBase64UrlJson } from '../../shared/wire'
import { html } from './html'
import { page, type ProgramNav } from './layout'

/** The demo's one user. */
export const DEMO_USER = { id: '1', username: 'sonam', password: 'session-inspector' }
const BACKEND = 'django.contrib.auth.backends.ModelBackend'
/** What the user table would hold: a password hash (the demo's own, fixed), and the app's secret. */
const PASSWORD_HASH = `sha256$demo$${createHash('sha256').update(DEMO_USER.password).digest('hex')}`
const DEMO_SECRET = 'session-inspector-demo-secret'

export const LOGIN_BASE = '/login/'
export const LOGIN_NAV: ProgramNav = {
  title: 'Program 6: log in and out',
  links: [['login', '/login/'], ['private page', '/login/private/'], ['logout', '/login/logout/']]
}
export const LOGIN_SUMMARY = `Log in as ${DEMO_USER.username} / ${DEMO_USER.password}: login() cycles the session key, the private page needs the login, logout() flushes.`

/** get_session_auth_hash(): salted_hmac(key_salt, password, algorithm='sha256'). */
function sessionAuthHash(): string {
  const key = createHash('sha256').update(SESSION_AUTH_HASH_SALT + DEMO_SECRET).digest()
  return createHmac('sha256', key).update(PASSWORD_HASH).digest('hex')
}

/** The logged-in user, as get_user() finds it: the id, the backend and a matching hash. */
function currentUser(session: WireSession): typeof DEMO_USER | null {
  const ok = session.has(AUTH_USER_ID) && session.getItem(AUTH_USER_ID) === DEMO_USER.id && session.has(AUTH_USER_BACKEND)
  if (!ok) return null
  if (session.has(AUTH_USER_HASH) && session.getItem(AUTH_USER_HASH) === sessionAuthHash()) return DEMO_USER
  session.flush() // Django's get_user(): a hash that no longer matches ends the session
  return null
}

/** django.contrib.auth.login(): a session of another user is flushed, else its key cycled. */
function login(session: WireSession): void {
  if (session.has(AUTH_USER_ID) && session.getItem(AUTH_USER_ID) !== DEMO_USER.id) session.flush()
  else session.cycleKey()
  session.set(AUTH_USER_ID, DEMO_USER.id)
  session.set(AUTH_USER_BACKEND, BACKEND)
  session.set(AUTH_USER_HASH, sessionAuthHash())
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
      if (body.length > 8192) reject(new Error('the login form is over 8 KiB'))
    })
    req.on('end', () => resolve(new URLSearchParams(body)))
    req.on('error', reject)
  })
}

type Send = (status: number, body: string, headers?: Record<string, string>) => void

function form(session: WireSession, error: string | null): string {
  const user = currentUser(session)
  return page({
    title: 'Log in',
    session,
    nav: LOGIN_NAV,
    body: html`<h1>Log in</h1>
${user ? html`<p class="who">You are logged in as <strong>${user.username}</strong>. Logging in again cycles the key once more.</p>` : html`<p class="who">You are not logged in.</p>`}
${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/login/">
  <p><label>Username <input name="username" autocomplete="username" value="${DEMO_USER.username}"></label></p>
  <p><label>Password <input name="password" type="password" autocomplete="current-password"></label></p>
  <p><button type="submit">Log in</button></p>
</form>
<p class="note">The user is <code>${DEMO_USER.username}</code>, password <code>${DEMO_USER.password}</code>.</p>`
  })
}

/** Answers /login/, /login/private/ and /login/logout/; false for other paths. */
export async function handleLogin(req: IncomingMessage, res: ServerResponse, path: string, session: WireSession, send: Send): Promise<boolean> {
  if (!path.startsWith(LOGIN_BASE)) return false
  const method = req.method ?? 'GET'
  const named = () => res.setHeader('X-Session-User', encodeBase64UrlJson({ id: DEMO_USER.id, username: DEMO_USER.username }))
  if (path === LOGIN_BASE && method === 'POST') {
    const f = await readForm(req)
    if (f.get('username') !== DEMO_USER.username || f.get('password') !== DEMO_USER.password) {
      send(200, form(session, 'Please enter a correct username and password.'))
      return true
    }
    login(session)
    named()
    send(302, '', { Location: '/login/private/' })
    return true
  }
  if (path === LOGIN_BASE) {
    if (currentUser(session)) named()
    send(200, form(session, null))
    return true
  }
  if (path === `${LOGIN_BASE}private/`) {
    const user = currentUser(session)
    if (!user) {
      send(302, '', { Location: `/login/?next=${encodeURIComponent(path)}` })
      return true
    }
    named()
    send(200, page({
      title: 'Private page',
      session,
      nav: LOGIN_NAV,
      body: html`<h1>Only for logged-in users</h1>
<p class="who">Hello <strong>${user.username}</strong>. This page is only shown with a session that holds <code>_auth_user_id</code> and a matching <code>_auth_user_hash</code>.</p>
<form method="post" action="/login/logout/"><button type="submit">Log out</button></form>`
    }))
    return true
  }
  if (path === `${LOGIN_BASE}logout/`) {
    // django.contrib.auth.logout(): flush(), whatever the session held.
    session.flush()
    send(200, page({ title: 'Logged out', session, nav: LOGIN_NAV, body: html`<h1>Logged out</h1><p>logout() flushed the session: its key and data are gone. <a href="/login/">Log in again</a>.</p>` }))
    return true
  }
  send(404, page({ title: 'Page not found', session, nav: LOGIN_NAV, body: html`<h1>Page not found (404)</h1>` }))
  return true
}
