// Serves the built web UI (out/renderer) read-only: index at `/`, assets by path, nothing outside it.
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { sendText } from './http-util'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8'
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The file a URL path names inside `root`, or null when the path is malformed or tries to
 * leave it (`..` in any spelling, encoded separators, NUL, hidden files). `/` is index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  const segments: string[] = []
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return null
    }
    if (segment.startsWith('.') || /[/\\\0:]/.test(segment)) return null
    segments.push(segment)
  }
  if (segments.length === 0) segments.push('index.html')
  const base = resolve(root)
  const file = resolve(join(base, ...segments))
  return file.startsWith(base + sep) ? file : null
}

/**
 * The UI's folder when nobody says: out/renderer next to the built main bundle. The bundle
 * may sit in out/main or in a chunk folder below it, so both are tried.
 */
export function defaultUiDir(): string {
  const candidates = [resolve(__dirname, '../renderer'), resolve(__dirname, '../../renderer')]
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[0] as string)
}

/** Answers a GET or HEAD for a UI file. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string, version: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    sendText(res, 405, 'Method not allowed\n', req)
    return
  }
  const file = resolveStaticPath(root, pathname)
  if (!file) {
    sendText(res, 404, 'Not found\n', req)
    return
  }
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) {
    const isIndex = file === join(resolve(root), 'index.html')
    if (isIndex) sendText(res, 503, `Session Inspector ${version}: the web UI is not built here; run npm run build\n`, req)
    else sendText(res, 404, 'Not found\n', req)
    return
  }
  const body = await readFile(file)
  res.statusCode = 200
  res.setHeader('Content-Type', contentTypeOf(file))
  res.setHeader('Content-Length', body.length)
  res.setHeader('Cache-Control', 'no-cache')
  res.end(req.method === 'HEAD' ? undefined : body)
}
