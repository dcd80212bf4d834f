// Hash routing (#/sessions, #/traffic/42): works from file:// in Electron and from the
// control server alike, and survives a reload.
import { useCallback, useSyncExternalStore } from 'react'

export interface Route {
  screen: string
  param: string | null
}

export function parseRoute(hash: string, fallback: string): Route {
  const m = /^#\/([\w-]+)(?:\/(.*))?$/.exec(hash)
  if (!m) return { screen: fallback, param: null }
  let param: string | null = null
  if (m[2]) {
    try {
      param = decodeURIComponent(m[2])
    } catch {
      param = m[2]
    }
  }
  return { screen: m[1] as string, param }
}

export function routeHash(screen: string, param?: string | null): string {
  return param ? `#/${screen}/${encodeURIComponent(param)}` : `#/${screen}`
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener)
  return () => window.removeEventListener('hashchange', listener)
}

export function useRoute(fallback: string): [Route, (screen: string, param?: string | null) => void] {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash)
  const navigate = useCallback((screen: string, param?: string | null) => {
    window.location.hash = routeHash(screen, param)
  }, [])
  return [parseRoute(hash, fallback), navigate]
}
