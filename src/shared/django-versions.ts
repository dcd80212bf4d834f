// The Django versions the engine can behave as (DJANGO_VERSION), and where their session
// framework differs. Each difference is named once here, with the release that made it,
// and the engine asks these predicates instead of comparing version strings itself.
// docs/django-versions.md explains each with Django's ticket or release note.

/** The long-term support releases the engine follows; 5.2 is the current one. */
export const DJANGO_VERSIONS = ['3.2', '4.2', '5.2'] as const
export type DjangoVersion = (typeof DJANGO_VERSIONS)[number]
export const DEFAULT_DJANGO_VERSION: DjangoVersion = '5.2'

/**
 * The supported release whose session behaviour a Django version has: 3.x → 3.2, 4.x → 4.2,
 * 5.x and later → 5.2; null for what is not a Django 3 or later version number. "5.2.17",
 * "4.1.8" and "5.2" are all read; the LTS of a series is what a release of it behaves like
 * for everything in DJANGO_DIFFERENCES but SECRET_KEY_FALLBACKS (4.1+), which 4.0 lacks.
 */
export function djangoSeries(version: string | number): DjangoVersion | null {
  const text = String(version).trim()
  const m = /^(\d+)\.(\d+)(?:\.\d+)?(?:[a-z]+\d*)?$/i.exec(text)
  if (!m) return null
  const major = Number(m[1])
  if (major === 3) return '3.2'
  if (major === 4) return '4.2'
  if (major >= 5) return '5.2'
  return null
}

const order = (v: DjangoVersion) => DJANGO_VERSIONS.indexOf(v)
/** True when `version` behaves as `since` or a later supported release. */
export function djangoAtLeast(version: DjangoVersion, since: DjangoVersion): boolean {
  return order(version) >= order(since)
}

/** What the engine does differently by version; each answer names the first release that does it. */
export const djangoBehaviour = {
  /** SessionMiddleware adds Vary: Cookie whenever it sets the session cookie (not only when the view read the session). */
  varyWhenCookieSet: (v: DjangoVersion) => djangoAtLeast(v, '5.2'),
  /** The save is skipped for every 5xx response (3.2: only for 500). */
  skipSaveOn5xx: (v: DjangoVersion) => djangoAtLeast(v, '4.2'),
  /** SECRET_KEY_FALLBACKS are tried when a signature does not match SECRET_KEY (4.1+). */
  secretKeyFallbacks: (v: DjangoVersion) => djangoAtLeast(v, '4.2'),
  /** Signatures made with SHA-1 (Django 3.0 and older) and the pre-3.1 session format still load (removed in 4.0). */
  legacyDecode: (v: DjangoVersion) => !djangoAtLeast(v, '4.2'),
  /** cached_db: a failed cache write is logged and the save still succeeds (5.1+); before, the request fails. */
  cachedDbLogsCacheErrors: (v: DjangoVersion) => djangoAtLeast(v, '5.2')
}

/** One row of the table in the README and docs/django-versions.md. */
export interface DjangoDifference {
  what: string
  /** What each supported release does. */
  byVersion: Record<DjangoVersion, string>
  /** Django's ticket or release note. */
  source: string
}

export const DJANGO_DIFFERENCES: readonly DjangoDifference[] = [
  {
    what: 'Vary: Cookie on a response that sets the session cookie',
    byVersion: { '3.2': 'only if the view read the session', '4.2': 'only if the view read the session', '5.2': 'always' },
    source: 'contrib/sessions/middleware.py: need_vary_cookie (5.x)'
  },
  {
    what: 'save skipped for',
    byVersion: { '3.2': 'status 500 only', '4.2': 'every 5xx', '5.2': 'every 5xx' },
    source: 'middleware.py: "Skip session save for 5xx responses" (refs #3881)'
  },
  {
    what: 'SECRET_KEY_FALLBACKS',
    byVersion: { '3.2': 'not read', '4.2': 'old keys still verify; the next save signs with SECRET_KEY', '5.2': 'as 4.2' },
    source: 'Django 4.1 release notes (ticket #30360); auth hash: 4.1.8 (#34384)'
  },
  {
    what: 'sessions signed with SHA-1 or in the pre-3.1 format',
    byVersion: { '3.2': 'still load', '4.2': 'empty session, "Session data corrupted" logged', '5.2': 'as 4.2' },
    source: 'Django 4.0 release notes, features removed in 4.0 (DEFAULT_HASHING_ALGORITHM, the pre-3.1 session format)'
  },
  {
    what: 'cached_db: the cache write fails on save',
    byVersion: { '3.2': 'the request fails (500)', '4.2': 'the request fails (500)', '5.2': 'logged on django.contrib.sessions; the save succeeds' },
    source: 'Django 5.1 release notes, contrib.sessions'
  },
  {
    what: 'async session API (aget, aset, asave, acycle_key, ...)',
    byVersion: { '3.2': 'absent', '4.2': 'absent', '5.2': 'present (the drop-in adapter supports it)' },
    source: 'Django 5.1 release notes, contrib.sessions'
  },
  {
    what: 'SESSION_SERIALIZER = PickleSerializer',
    byVersion: { '3.2': 'allowed (not followed here)', '4.2': 'deprecated', '5.2': 'removed' },
    source: 'Django 4.1 release notes (deprecation), 5.0 (removal)'
  }
]
