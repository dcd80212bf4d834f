// What the window may load, who may call IPC, which links leave the app, and which permissions
// exist. Pure checks first (tested under Node); the hardening at the end takes Electron's objects.
import type { HandlerDetails, Session, WebContents } from 'electron'
import { UI_CSP } from '../control/http-util'

/** The app's own scheme: the built UI is served from app://session-inspector/ with CSP headers. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'session-inspector'
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** The production CSP (the web UI's, same policy in the browser and the window). */
export const APP_CSP = UI_CSP

/**
 * The dev server's CSP: Vite injects an inline React-refresh preamble and inline styles, and
 * talks to its HMR socket, so only in dev may inline code and that one socket be allowed.
 */
export function devCsp(devUrl: string): string {
  const url = new URL(devUrl)
  const ws = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`
  return APP_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws}`)
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * True when `url` is a page of the app loaded from `appUrl`: the same file for file://, the
 * same scheme and host otherwise (custom schemes have an opaque origin, so compare by parts).
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const target = parse(url)
  const app = parse(appUrl)
  if (!target || !app || target.protocol !== app.protocol) return false
  if (app.protocol === 'file:') return decodeURIComponent(target.pathname) === decodeURIComponent(app.pathname)
  return target.host === app.host && target.username === '' && target.password === ''
}

/** Links the system browser may open: http and https only (no file:, javascript:, custom schemes). */
export function isExternalLink(url: string): boolean {
  const target = parse(url)
  return target !== null && (target.protocol === 'http:' || target.protocol === 'https:')
}

/** The parts of an IPC event the sender check reads. */
export interface IpcSender {
  sender: unknown
  senderFrame: { url: string; parent: unknown } | null
}

/**
 * Only the main frame of our own window, showing our own page, may call the API: not another
 * window, not an iframe, not a page the window was somehow navigated to.
 */
export function isTrustedSender(event: IpcSender, trusted: { webContents: unknown; appUrl: string } | null): boolean {
  if (!trusted || event.sender !== trusted.webContents) return false
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return false
  return isAppUrl(frame.url, trusted.appUrl)
}

/** The one permission the UI uses (copy buttons), for its own page only. */
export function isPermissionAllowed(permission: string, requestingUrl: string, appUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl, appUrl)
}

// ---------------------------------------------------------------- hardening (Electron objects)

/** Session-wide: permissions denied, and the dev server's pages get a CSP header. */
export function hardenSession(session: Session, appUrl: string, devUrl: string | null): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, appUrl))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin, appUrl))
  if (devUrl) {
    const csp = devCsp(devUrl)
    session.webRequest.onHeadersReceived((details, callback) => {
      if (!isAppUrl(details.url, appUrl)) return callback({})
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
    })
  }
}

/** Per window: no navigation away, no new windows, no webviews; web links go to the system browser. */
export function hardenWebContents(contents: WebContents, appUrl: string, openExternal: (url: string) => void): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url, appUrl)) return
    event.preventDefault()
    if (isExternalLink(url)) openExternal(url)
  }
  contents.on('will-navigate', (event) => guard(event, event.url))
  contents.on('will-redirect', (event) => guard(event, event.url))
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler((details: HandlerDetails) => {
    if (isExternalLink(details.url)) openExternal(details.url)
    return { action: 'deny' }
  })
}
