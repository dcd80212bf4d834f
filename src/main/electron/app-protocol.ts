// The app:// scheme that serves the built UI to the window. A custom scheme rather than file://
// because file:// pages cannot get a CSP header, and a file:// origin could read other files.
import { readFile, stat } from 'node:fs/promises'
import { contentTypeOf, resolveStaticPath } from '../control/static-files'
import { APP_CSP, APP_HOST, APP_SCHEME } from './security'

/** What registerSchemesAsPrivileged needs (before app ready): a standard, secure origin for the UI. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true }
}

const headers = (type: string): Record<string, string> => ({
  'Content-Type': type,
  'Content-Security-Policy': APP_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache'
})

const plain = (status: number, text: string): Response => new Response(text, { status, headers: headers('text/plain; charset=utf-8') })

/** Answers one app:// request from the UI folder; nothing outside it, nothing but GET. */
export async function serveAppFile(uiDir: string, request: { url: string; method: string }): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed')
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return plain(400, 'Bad URL')
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'Not found')
  const file = resolveStaticPath(uiDir, url.pathname)
  const info = file ? await stat(file).catch(() => null) : null
  if (!file || !info?.isFile()) {
    const isIndex = url.pathname === '/' || url.pathname === '/index.html'
    return isIndex ? plain(503, 'The UI is not built: run npm run build') : plain(404, 'Not found')
  }
  const body = request.method === 'HEAD' ? null : await readFile(file)
  return new Response(body, { status: 200, headers: headers(contentTypeOf(file)) })
}
