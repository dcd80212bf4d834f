// The demo's page frame (header, program navigation, session footer) and its error pages.
import type { WireSession } from '../../adapters'
import { html, pyRepr, timeTag, type Html } from './html'

/** A program's pages, for the navigation bar: [label, path]. */
export interface ProgramNav {
  title: string
  links: [string, string][]
}

export interface PageOptions {
  title: string
  body: Html
  session: WireSession | null
  nav?: ProgramNav
}

function footer(session: WireSession | null): Html {
  if (!session) return html``
  const key = session.sessionKey
  return html`<footer>
  <span>session_key: <code class="session-key">${key ?? 'None'}</code></span>
  <span>engine clock: ${timeTag(session.now())}</span>
  ${session.inspected ? '' : html`<span class="warn">not behind Session Inspector: nothing is saved</span>`}
</footer>`
}

function navigation(nav: ProgramNav | undefined): Html {
  const links = nav ? nav.links.map(([label, href]) => html` <a href="${href}">${label}</a>`) : []
  return html`<header>
  <a class="home" href="/">Session Inspector demo</a>
  ${nav ? html`<nav><span>${nav.title}:</span>${links}</nav>` : ''}
</header>`
}

/** A whole HTML document. */
export function page(options: PageOptions): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Session Inspector demo</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
${navigation(options.nav)}
<main>
${options.body}
</main>
${footer(options.session)}
</body>
</html>
`.text
}

/** Django's debug page for a KeyError, in short: what `request.session['name']` raises. */
export function keyErrorPage(key: string, method: string, path: string, session: WireSession | null, nav?: ProgramNav): string {
  const value = pyRepr(key)
  return page({
    title: `KeyError at ${path}`,
    session,
    nav,
    body: html`<section class="error">
  <h1>KeyError: ${value}</h1>
  <p>The view read <code>request.session[${value}]</code> (or deleted it), and the session has no ${value}.
  Django answers this with a 500 (its debug page with <code>DEBUG = True</code>).</p>
  <table>
    <tr><th>Request Method:</th><td>${method}</td></tr>
    <tr><th>Request Path:</th><td>${path}</td></tr>
    <tr><th>Exception Type:</th><td>KeyError</td></tr>
    <tr><th>Exception Value:</th><td><pre>${value}</pre></td></tr>
  </table>
</section>`
  })
}

/** Any other error in a view: a 500 naming it. */
export function serverErrorPage(error: Error, session: WireSession | null): string {
  return page({
    title: 'Server Error (500)',
    session,
    body: html`<section class="error"><h1>Server Error (500)</h1><pre>${error.name}: ${error.message}</pre></section>`
  })
}

export function notFoundPage(path: string, session: WireSession | null): string {
  return page({
    title: 'Page not found',
    session,
    body: html`<section class="error"><h1>Page not found (404)</h1><p>No page at <code>${path}</code>. The programs are listed on the <a href="/">first page</a>.</p></section>`
  })
}
