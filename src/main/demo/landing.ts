// The demo's first page: each program in one line with links to its pages, and the
// settings that programs 5 and the page session expect.
import type { WireSession } from '../../adapters'
import { html } from './html'
import { page } from './layout'
import { LOGIN_NAV, LOGIN_SUMMARY } from './login'
import { PROGRAMS, programNav, type Program } from './programs'

function settingValue(value: number | string | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return typeof value === 'string' ? `'${value}'` : String(value)
}

function programSection(program: Program) {
  const nav = programNav(program)
  return html`<section class="program">
  <h2>${program.title}</h2>
  <p>${program.summary}</p>
  <p class="links">${nav.links.map(([, href]) => html`<a href="${href}">${href}</a> `)}</p>
  ${
    program.settings
      ? html`<table class="settings">
    <caption>settings.py</caption>
    ${Object.entries(program.settings).map(([name, value]) => html`<tr><th>${name}</th><td><code>${settingValue(value)}</code></td></tr>`)}
  </table>
  <p class="note">Session Inspector owns the session cookie and the store, so set these in its
  Settings panel (or start it with <code>${Object.entries(program.settings)
    .map(([name, value]) => `--set ${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')}</code>), not in the app.</p>`
      : ''
  }
  ${program.timeZone ? html`<p class="note">Its <code>TIME_ZONE = '${program.timeZone}'</code> is the app's own: its pages print dates in that zone.</p>` : ''}
</section>`
}

export function landingPage(session: WireSession | null): string {
  return page({
    title: 'Django sessions, reproduced',
    session,
    body: html`<h1>Django sessions, reproduced</h1>
<p>Each program below is a Django example from the session notes, rewritten view for view on
Session Inspector's Node adapter: <code>req.session</code> here is <code>request.session</code>
there. The proxy in front of this app plays Django's SessionMiddleware: it owns the cookie and
the store, and its window shows what every request did to the session and why a cookie was or
was not set. Fast-forward its clock to watch a session expire.</p>
<p class="note">Program 5 sets <code>SESSION_COOKIE_SECURE = True</code>: browsers then keep the
cookie only over HTTPS or on localhost.</p>
${PROGRAMS.map(programSection)}
<section class="program">
  <h2>${LOGIN_NAV.title}</h2>
  <p>${LOGIN_SUMMARY}</p>
  <p class="links">${LOGIN_NAV.links.map(([, href]) => html`<a href="${href}">${href}</a> `)}</p>
</section>`
  })
}
