// The session auth hash as Django computes it (salted_hmac, get_session_auth_hash), checked
// against Django 3.2's and 5.2's own code, with the algorithm per version and 5.2's
// SECRET_KEY_FALLBACKS.
import { execFileSync } from 'node:child_process'
import { describe, expect, inject, it } from 'vitest'
import { acceptedAuthHashes, saltedHmac } from '../../src/main/engine/observe/auth-hash'
import { SESSION_AUTH_HASH_SALT } from '../../src/shared/auth'
import { DJANGO_PYTHON } from '../django/django-server'

const PASSWORD = 'pbkdf2_sha256$260000$salt$hash/é='

/** Django's own answer: get_session_auth_hash() of a user with PASSWORD, and the fallback hashes. */
function djangoHashes(python: string, secret: string, fallbacks: string[]): { version: string; hash: string; legacy: string | null; fallback: string[] } {
  const script = `
import json, sys, django
from django.conf import settings
settings.configure(SECRET_KEY=sys.argv[1], SECRET_KEY_FALLBACKS=json.loads(sys.argv[2]), INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes'])
django.setup()
from django.contrib.auth.models import User
u = User(password=sys.argv[3])
legacy = u._legacy_get_session_auth_hash() if hasattr(u, '_legacy_get_session_auth_hash') else None
fallback = list(u.get_session_auth_fallback_hash()) if hasattr(u, 'get_session_auth_fallback_hash') else []
print(json.dumps({'version': django.get_version(), 'hash': u.get_session_auth_hash(), 'legacy': legacy, 'fallback': fallback}))`
  return JSON.parse(execFileSync(python, ['-c', script, secret, JSON.stringify(fallbacks), PASSWORD], { encoding: 'utf8' }).trim().split('\n').at(-1) as string)
}

describe('session auth hash', () => {
  it("is Django 3.2's get_session_auth_hash() (sha256) and its legacy sha1", () => {
    const d = djangoHashes(DJANGO_PYTHON, 'secret-3.2', [])
    expect(saltedHmac(SESSION_AUTH_HASH_SALT, PASSWORD, 'secret-3.2', 'sha256')).toBe(d.hash)
    expect(acceptedAuthHashes(PASSWORD, 'secret-3.2', [], d.version)).toEqual([d.hash, d.legacy])
  })

  it("is Django 5.2's, sha256 only, and accepts the SECRET_KEY_FALLBACKS' hashes", () => {
    const d = djangoHashes(inject('django5Python'), 'new-secret', ['old-secret', 'older-secret'])
    expect(d.legacy).toBeNull()
    expect(acceptedAuthHashes(PASSWORD, 'new-secret', ['old-secret', 'older-secret'], d.version)).toEqual([d.hash, ...d.fallback])
    // A session made under the old key is still good; a session of another password is not.
    expect(acceptedAuthHashes(PASSWORD, 'new-secret', ['old-secret'], d.version)).toContain(d.fallback[0])
    expect(acceptedAuthHashes(`${PASSWORD}x`, 'new-secret', ['old-secret'], d.version)).not.toContain(d.hash)
  })

  it('uses sha1 alone before Django 3.1, and both algorithms when the version is unknown', () => {
    expect(acceptedAuthHashes(PASSWORD, 's', [], '3.0.14')).toEqual([saltedHmac(SESSION_AUTH_HASH_SALT, PASSWORD, 's', 'sha1')])
    expect(acceptedAuthHashes(PASSWORD, 's', ['f'], null)).toHaveLength(4)
    // SECRET_KEY_FALLBACKS do not exist before Django 4.1.
    expect(acceptedAuthHashes(PASSWORD, 's', ['f'], '4.0.10')).toHaveLength(1)
  })
})
