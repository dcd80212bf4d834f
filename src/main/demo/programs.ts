// The seeds' Django views, one program at a time, written against req.session as the
// originals are written against request.session.
import type { WireSession } from '../../adapters'
import { html, pyBool, pyRepr, pyStr, timeTag, type Html } from './html'
import type { ProgramNav } from './layout'

export interface ViewResult {
  title: string
  body: Html
}

export type View = (session: WireSession) => ViewResult

export interface Program {
  /** Where its pages live: /p1/, ..., /home/ (program 5), /page/. */
  base: string
  title: string
  /** One line for the first page. */
  summary: string
  /** Page name → view; the URL is base + name + '/'. */
  views: Record<string, View>
  /** Settings the program's settings.py changes, Django names. */
  settings?: Record<string, number | string | boolean>
  /** Its settings.py's TIME_ZONE, in which templates print dates (default UTC). */
  timeZone?: string
}

const SET_PAGE: ViewResult = { title: 'Set Session', body: html`<h1>Session setting up...........</h1>` }
// The seeds' template says "You session", typo included.
const DELETED_PAGE: ViewResult = { title: 'Delete Session', body: html`<h1>You session has been deleted successfully</h1>` }

/** Program 1's and 2's delete view: `if 'name' in request.session: del ...['name']; del ...['lname']`. */
function delNameAndLname(session: WireSession): ViewResult {
  if (session.has('name')) {
    session.delete('name')
    session.delete('lname')
  }
  return DELETED_PAGE
}

/** The expiry facts the timeout templates print, in their order. */
function expiryFacts(session: WireSession, withBrowserClose: boolean, timeZone = 'UTC'): Html {
  return html`<dl class="facts">
  <dt>get_session_cookie_age()</dt><dd class="cookie-age">${session.getSessionCookieAge()} seconds</dd>
  <dt>get_expiry_age()</dt><dd class="expiry-age">${session.getExpiryAge()} seconds</dd>
  <dt>get_expiry_date()</dt><dd class="expiry-date">${timeTag(session.getExpiryDate(), timeZone)}</dd>
  ${withBrowserClose ? html`<dt>get_expire_at_browser_close()</dt><dd class="browser-close">${pyBool(session.getExpireAtBrowserClose())}</dd>` : ''}
</dl>`
}

/** Program 3's views (program 5 reuses them under /home/, with its TIME_ZONE). */
const timeoutViews = (timeZone = 'UTC'): Record<string, View> => ({
  set(session) {
    session.set('name', 'Sonam')
    session.setExpiry(600)
    return SET_PAGE
  },
  get(session) {
    const name = session.getItem('name')
    return {
      title: 'Get Session',
      body: html`<p>Your name from the session</p>
<p class="name">${pyStr(name)}</p>
${expiryFacts(session, true, timeZone)}`
    }
  },
  del(session) {
    session.flush()
    session.clearExpired()
    return DELETED_PAGE
  }
})

export const PROGRAMS: Program[] = [
  {
    base: '/p1/',
    title: 'Program 1: set, get and delete',
    summary: "Stores name and lname; get shows them or 'Guest'; del removes both when 'name' is there.",
    views: {
      set(session) {
        session.set('name', 'Sonam')
        session.set('lname', 'rathore')
        return SET_PAGE
      },
      get(session) {
        const name = session.get('name', 'Guest')
        const lname = session.get('lname', 'Guest')
        return {
          title: 'Get Session',
          body: html`<p>Your name from the session</p>
<p class="name">${pyStr(name)} ${pyStr(lname)}</p>`
        }
      },
      del: delNameAndLname
    }
  },
  {
    base: '/p2/',
    title: 'Program 2: dictionary methods',
    summary: "keys(), items() and setdefault('age', '26') on the session; get adds 'age' the first time.",
    views: {
      set(session) {
        session.set('name', 'Sonam')
        session.set('lname', 'Ronaldo')
        return SET_PAGE
      },
      get(session) {
        const name = session.get('name')
        const lname = session.get('lname')
        // In Python keys() and items() are live views, and the template renders them after
        // setdefault() ran, so the page lists 'age' too: read them after it here.
        const age = session.setdefault('age', '26')
        const keys = session.keys()
        const items = session.items()
        return {
          title: 'Get Session',
          body: html`<p>Your name from the session</p>
<p class="name">${pyStr(name)} ${pyStr(lname)}</p>
<h2>keys()</h2>
<p class="keys">${keys.map((k) => html`<code>${k}</code> `)}</p>
<h2>items()</h2>
<p class="items">${items.map(([k, v]) => html`<code>(${pyRepr(k)}, ${pyRepr(v)})</code> `)}</p>
<ul class="pairs">${items.map(([k, v]) => html`<li>${k} ${pyStr(v)}</li>`)}</ul>
<h2>setdefault('age', '26')</h2>
<p class="age">${pyStr(age)}</p>`
        }
      },
      del: delNameAndLname
    }
  },
  {
    base: '/p3/',
    title: 'Program 3: session timeout',
    summary: "set_expiry(600) and the expiry methods; get raises KeyError when 'name' is gone; del flushes and clears expired sessions.",
    views: timeoutViews()
  },
  {
    base: '/p4/',
    title: 'Program 4: the test cookie',
    summary: 'set_test_cookie(), then test_cookie_worked() on a later request, then delete_test_cookie() (a KeyError when there is none).',
    views: {
      set(session) {
        session.setTestCookie()
        return { title: 'Set Test Cookie', body: html`<h1>Set Test Cookie..........</h1>` }
      },
      check(session) {
        const worked = session.testCookieWorked()
        return {
          title: 'Check Test Cookie',
          body: html`<p>Check Test Cookie</p>
<p class="worked">${pyBool(worked)}</p>`
        }
      },
      del(session) {
        session.deleteTestCookie()
        return { title: 'Delete Cookie', body: html`<h1>Your cookie has been deleted successfully</h1>` }
      }
    }
  },
  {
    base: '/home/',
    title: 'Program 5: session settings',
    summary: "Program 3's views under /home/, for the settings of program 5's settings.py.",
    views: timeoutViews('Asia/Kathmandu'),
    timeZone: 'Asia/Kathmandu',
    settings: {
      SESSION_COOKIE_AGE: 400,
      SESSION_COOKIE_NAME: 'sessionname',
      SESSION_COOKIE_PATH: '/home',
      SESSION_COOKIE_HTTPONLY: true,
      SESSION_COOKIE_SECURE: true,
      SESSION_EXPIRE_AT_BROWSER_CLOSE: true
    }
  },
  {
    base: '/page/',
    title: 'Page session',
    summary: "A 20-second session that every read renews (session.modified = True); once it lapses, get says it has expired.",
    views: {
      set(session) {
        session.set('name', 'Sonam')
        return SET_PAGE
      },
      get(session) {
        if (!session.has('name')) {
          return { title: 'Session Expired', body: html`<p class="expired">Your session has Expired...</p>` }
        }
        const name = session.getItem('name')
        // Every read renews the session: it is saved again, so expiry counts from now.
        session.markModified()
        return {
          title: 'Get Session',
          body: html`<p>Your name from the session</p>
<p class="name">${pyStr(name)}</p>
${expiryFacts(session, false)}`
        }
      },
      del(session) {
        session.flush()
        session.clearExpired()
        return DELETED_PAGE
      }
    },
    settings: { SESSION_COOKIE_AGE: 20 }
  }
]

/** The navigation bar of a program. */
export function programNav(program: Program): ProgramNav {
  return { title: program.title, links: Object.keys(program.views).map((name) => [name, `${program.base}${name}/`]) }
}
