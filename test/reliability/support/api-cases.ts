// Generated hostile requests to the control API (fast-check): bad JSON, wrong types, huge
// bodies, unknown routes and verbs, traversal in `:key` and in static paths (encoded too),
// invalid values for every setting, and every way around the token, Host and Origin checks.
// Each case says what must come back; none may change the settings or the sessions.
import fc from 'fast-check'
import { SETTING_NAMES, type SettingName } from '../../../src/shared/settings'
import type { RawRequest } from './api-raw'

export type Expect =
  /** 400 or another 4xx, with a JSON `{error, code}`; `mentions`: the error names one of these. */
  | { kind: 'api-4xx'; status?: number[]; mentions?: string[] }
  /** Refused by the token (401), Host, Origin or preflight check (403). */
  | { kind: 'refused'; status: 401 | 403 }
  /** A static path outside the UI: 4xx (a page inside the UI is fine too: never anything outside). */
  | { kind: 'static' }

export interface ApiCase {
  group: string
  /** One line saying what was sent. */
  what: string
  request: RawRequest
  expect: Expect
  /** Whether the request carries the right token (answers without it must not hold the token). */
  authorised: boolean
}

export interface CaseContext {
  port: number
  token: string
  keys: string[]
  clients: string[]
  /** The biggest body generated (bench: several MiB beyond the 2 MiB limit). */
  hugeMax: number
}

const MiB = 1024 * 1024
const LIMIT = 2 * MiB

function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const host = (c: CaseContext): [string, string] => ['Host', `127.0.0.1:${c.port}`]
const bearer = (c: CaseContext): [string, string] => ['Authorization', `Bearer ${c.token}`]
const json: [string, string] = ['Content-Type', 'application/json']

function authed(c: CaseContext, method: string, target: string, body?: RawRequest['body']): RawRequest {
  return { method, target, headers: [host(c), bearer(c), json], body }
}

// ---- values of the wrong type --------------------------------------------------------------

const smallObject = fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 })
const notBoolean = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }), smallObject, fc.constantFrom('true', 'false', 0, 1))
const notStringNorNull = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), smallObject)
const notString = fc.oneof(notStringNorNull, fc.constant(null))
const tokenChars = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-'), maxLength: 8 })

/** For every setting, values its validator must refuse. */
export const INVALID_SETTING: Record<SettingName, fc.Arbitrary<unknown>> = {
  DJANGO_VERSION: fc.oneof(fc.constantFrom('', '2.2', '1.11', 'five', '5', 5, 'latest', null, true, [5.2], 'v5.2'), smallObject),
  SECRET_KEY_FALLBACKS: fc.oneof(fc.constantFrom('old-key', null, true, 3, [''], [1], ['ok', null], {}), smallObject),
  SESSION_ENGINE: fc.oneof(
    notString,
    fc.constantFrom('', 'DB', ' db', 'signed-cookies', 'cached-db', 'redis', 'django.contrib.sessions.backends.redis', 'django.contrib.sessions.backends.'),
    fc.string({ maxLength: 20 }).filter((s) => !['db', 'file', 'cache', 'cached_db', 'signed_cookies'].includes(s.replace('django.contrib.sessions.backends.', '')))
  ),
  SESSION_COOKIE_AGE: fc.oneof(
    fc.integer({ max: -1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((x) => !Number.isInteger(x)),
    fc.integer({ min: 2 ** 31 + 1, max: Number.MAX_SAFE_INTEGER }),
    fc.constantFrom('20', '1209600', '', true, false, null, [20], { seconds: 20 }, 1e300, -0.5)
  ),
  SESSION_EXPIRE_AT_BROWSER_CLOSE: notBoolean,
  SESSION_SAVE_EVERY_REQUEST: notBoolean,
  SESSION_COOKIE_NAME: fc.oneof(
    notString,
    fc.constantFrom('', 'si_client', 'session id', 'a;b', 'a=b', 'a,b', '"q"', 'sé', 'tab\tname', 'a/b', 'a:b', 'a@b', 'nul\0'),
    fc.tuple(tokenChars, fc.constantFrom(' ', ';', '=', ',', '"', '(', ')', '<', '>', '@', '[', ']', '{', '}', '?', '/', '\\', 'é', '\n', '\0'), tokenChars).map(([a, b, d]) => a + b + d)
  ),
  SESSION_COOKIE_PATH: fc.oneof(
    notString,
    fc.string({ maxLength: 20 }).filter((s) => !s.startsWith('/')),
    fc.tuple(tokenChars, fc.constantFrom(';', ' ', '\t', '\n', '\r', '\0', '\u007f'), tokenChars).map(([a, b, d]) => `/${a}${b}${d}`)
  ),
  SESSION_COOKIE_DOMAIN: fc.oneof(
    notStringNorNull,
    fc.constantFrom('', ' ', '.', '..com', 'a..b', '-bad.com', 'exa mple.com', 'example.com/', 'host:80', 'ex_ample.com', `${'a'.repeat(64)}.com`, 'é.com', 'a.com;x')
  ),
  SESSION_COOKIE_SECURE: notBoolean,
  SESSION_COOKIE_HTTPONLY: notBoolean,
  SESSION_COOKIE_SAMESITE: fc.oneof(
    notStringNorNull.filter((v) => v !== false),
    fc.constant(true),
    fc.string({ maxLength: 10 }).filter((s) => !['strict', 'lax', 'none'].includes(s.toLowerCase()))
  ),
  SESSION_CACHE_ALIAS: fc.oneof(notString, fc.constantFrom('', 'nope', 'DEFAULT', 'default '), tokenChars.filter((s) => s !== 'default' && s.length > 0)),
  CACHES: fc.oneof(
    fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.boolean(), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 })),
    fc.constant({}),
    fc.constant({ other: 'locmem://' }),
    fc
      .constantFrom('http://x', 'redis://', 'memcached://127.0.0.1:11211', 'locmem://?max_entries=abc', 'file:///tmp', '', 42, null, ['locmem://'])
      .map((url) => ({ default: 'locmem://', broken: url }))
  ),
  SESSION_FILE_PATH: fc.oneof(
    notStringNorNull,
    fc.constantFrom('', 'relative/dir', './x', '..', '~/x', 'C:relative'),
    fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(s) && !s.startsWith('\\\\'))
  ),
  SESSION_SERIALIZER: fc.oneof(
    notString,
    fc.constantFrom('pickle', 'django.contrib.sessions.serializers.PickleSerializer', 'JSON', 'yaml', ''),
    fc.string({ maxLength: 12 }).filter((s) => !['json', 'django.contrib.sessions.serializers.JSONSerializer', 'JSONSerializer'].includes(s))
  ),
  SECRET_KEY: fc.oneof(fc.constant(''), notString)
}

const UNKNOWN_SETTING = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'session_cookie_age', 'SESSION_COOKIE_AGE ', 'DEBUG', 'ALLOWED_HOSTS'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !(SETTING_NAMES as readonly string[]).includes(s))
)

/** Changes that would be accepted alone: sent with an invalid one, none may be applied. */
const VALID_CHANGE: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.integer({ min: 0, max: 10 ** 6 }).map((n) => ['SESSION_COOKIE_AGE', n] as [string, unknown]),
  fc.constant(['SESSION_COOKIE_NAME', 'other_session'] as [string, unknown]),
  fc.constant(['SESSION_SAVE_EVERY_REQUEST', true] as [string, unknown]),
  fc.constant(['SESSION_ENGINE', 'cache'] as [string, unknown]),
  fc.constant(['SESSION_COOKIE_SAMESITE', 'strict'] as [string, unknown]),
  fc.constant(['SECRET_KEY', 'a-new-secret-that-must-not-land'] as [string, unknown])
)

function settingsCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  const invalid: fc.Arbitrary<[string, unknown]> = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...SETTING_NAMES).chain((name) => INVALID_SETTING[name].map((v) => [name, v] as [string, unknown])) },
    { weight: 1, arbitrary: UNKNOWN_SETTING.map((name) => [name, 1] as [string, unknown]) }
  )
  const patch = fc.tuple(fc.array(VALID_CHANGE, { maxLength: 3 }), fc.array(invalid, { minLength: 1, maxLength: 3 })).map(([good, bad]) => {
    const body: Record<string, unknown> = {}
    for (const [name, value] of good) body[name] = value
    // Defined after the good ones so a bad value of the same name wins.
    for (const [name, value] of bad) Object.defineProperty(body, name, { value, enumerable: true, configurable: true, writable: true })
    return { body, bad: bad.map(([name]) => name) }
  })
  return fc.oneof(
    { weight: 9, arbitrary: patch.map(({ body, bad }) => ({
      group: 'settings',
      what: `PATCH /api/settings ${JSON.stringify(body).slice(0, 160)}`,
      request: authed(c, 'PATCH', '/api/settings', JSON.stringify(body)),
      expect: { kind: 'api-4xx', status: [400], mentions: bad },
      authorised: true
    }) as ApiCase) },
    { weight: 1, arbitrary: fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.boolean()).map((body) => ({
      group: 'settings',
      what: `PATCH /api/settings ${JSON.stringify(body)}`,
      request: authed(c, 'PATCH', '/api/settings', JSON.stringify(body)),
      expect: { kind: 'api-4xx', status: [400] },
      authorised: true
    }) as ApiCase) }
  )
}

// ---- bad JSON ----------------------------------------------------------------------------

function bodyRoutes(c: CaseContext): [string, string][] {
  const key = c.keys[0] as string
  const client = c.clients[0] ?? 'none'
  return [
    ['PATCH', '/api/settings'],
    ['POST', '/api/clock/advance'],
    ['POST', '/api/clock/set'],
    ['POST', '/api/clock/freeze'],
    ['PUT', `/api/sessions/${key}/data`],
    ['PUT', `/api/sessions/${key}/expiry`],
    ['PATCH', `/api/clients/${encodeURIComponent(client)}`],
    ['POST', '/api/browser/close'],
    ['DELETE', '/api/traffic'],
    ['GET', '/api/sessions'],
    ['GET', '/api/health']
  ]
}

const notJsonText = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 3 }).chain((v) => {
      const text = JSON.stringify(v)
      return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut))
    }),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(',', '}', ']', 'x', ' {}', '\0', '//c')).map(([v, tail]) => JSON.stringify(v) + tail),
    fc.constantFrom("{'seconds': 1}", '{"seconds": NaN}', '{"seconds": Infinity}', '{seconds: 1}', '{"a":1,}', '[1,]', 'undefined', '{"a": 01}', '\ufeff{"frozen": true}', '{"frozen": true} /* c */', 'nul', 'tru')
  )
  .filter((text) => text.trim() !== '' && !parses(text))

const notJsonBytes = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => Buffer.from(bytes))
  .filter((buf) => buf.toString('utf8').trim() !== '' && !parses(buf.toString('utf8')))

function badJsonCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  return fc.tuple(fc.constantFrom(...bodyRoutes(c)), fc.oneof(notJsonText.map((t) => Buffer.from(t)), notJsonBytes)).map(([[method, path], body]) => ({
    group: 'bad JSON',
    what: `${method} ${path} ${JSON.stringify(body.toString('utf8').slice(0, 80))}`,
    request: authed(c, method, path, body),
    expect: { kind: 'api-4xx', status: [400] },
    authorised: true
  }))
}

// ---- well-formed JSON of the wrong shape ---------------------------------------------------

const notObject = fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.boolean())
const nonDate = fc.oneof(
  fc.constantFrom('2020-13-45T00:00:00Z', '2020-02-30T00:00:00Z', '2020-01-01T25:61:00Z', 'yesterday', 'now', '', '2020-01-01T00:00:00+24:00', '12/31/2020', 'T10:00'),
  fc.string({ maxLength: 16 }).filter((s) => !/^\s*\d/.test(s))
)
const nested = (depth: number): string => `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`

function wrongShapeCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  const key = c.keys[0] as string
  const client = encodeURIComponent(c.clients[0] ?? 'none')
  const body = (method: string, path: string, value: unknown, raw?: string): ApiCase => ({
    group: 'wrong types',
    what: `${method} ${path} ${(raw ?? JSON.stringify(value)).slice(0, 120)}`,
    request: authed(c, method, path, raw ?? JSON.stringify(value)),
    expect: { kind: 'api-4xx', status: [400] },
    authorised: true
  })
  const query = (path: string): ApiCase => ({ group: 'wrong types', what: `GET ${path.slice(0, 120)}`, request: authed(c, 'GET', path), expect: { kind: 'api-4xx', status: [400] }, authorised: true })
  const seconds = fc.oneof(
    fc.integer({ max: -1 }),
    fc.double({ max: -1e-6, noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: 1e12 + 1, max: 1e300, noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 6 }),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 2 }),
    smallObject
  )
  const numberText = fc.constantFrom('0', '-1', 'abc', '1.5', '100001', '1e3', 'NaN', '0x10', ' 5')
  return fc.oneof(
    notObject.map((v) => body('POST', '/api/clock/advance', v)),
    seconds.map((v) => body('POST', '/api/clock/advance', { seconds: v })),
    fc.constant(body('POST', '/api/clock/advance', {})),
    fc.tuple(tokenChars.filter((s) => s !== 'seconds' && s.length > 0), fc.integer()).map(([name, v]) => body('POST', '/api/clock/advance', { seconds: 1, [name]: v })),
    nonDate.map((v) => body('POST', '/api/clock/set', { now: v })),
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), smallObject).map((v) => body('POST', '/api/clock/set', { now: v })),
    notBoolean.map((v) => body('POST', '/api/clock/freeze', { frozen: v })),
    notObject.map((v) => body('PUT', `/api/sessions/${key}/data`, { data: v })),
    fc.integer({ min: 101, max: 3000 }).map((depth) => body('PUT', `/api/sessions/${key}/data`, null, `{"data":${nested(depth)}}`)),
    fc.integer({ min: 101, max: 3000 }).map((depth) => body('PUT', `/api/sessions/${key}/data`, null, `{"data":{"l":${'['.repeat(depth)}${']'.repeat(depth)}}}`)),
    nonDate.filter((s) => s !== '').map((v) => body('PUT', `/api/sessions/${key}/data`, { data: { user: 'x', _session_expiry: v } })),
    fc.constant(body('PUT', `/api/sessions/${key}/data`, { data: { user: 'x' }, key: 'another' })),
    fc.constant(body('PUT', `/api/sessions/${key}/data`, { data: { user: 'x' }, extra: 1 })),
    fc.constant(body('PUT', `/api/sessions/${key}/data`, { user: 'x' })),
    fc.oneof(nonDate, fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), smallObject).map((v) => body('PUT', `/api/sessions/${key}/expiry`, { value: v })),
    fc.constant(body('PUT', `/api/sessions/${key}/expiry`, {})),
    fc.oneof(notString, fc.string({ minLength: 101, maxLength: 300 })).map((v) => body('PATCH', `/api/clients/${client}`, { name: v })),
    fc.constant(body('PATCH', `/api/clients/${client}`, { name: 'x', id: 'another' })),
    fc.oneof(fc.constant(''), notString, fc.string({ minLength: 201, maxLength: 300 })).map((v) => body('POST', '/api/browser/close', { client: v })),
    notObject.map((v) => body('POST', '/api/browser/close', v)),
    fc.constant(body('DELETE', '/api/traffic', { all: true })),
    fc.constantFrom('/api/health', '/api/status', '/api/settings', '/api/clock', '/api/clients', '/api/settings/cookie-preview', '/api/settings/secret-key').map((p) => body('GET', p, { junk: 1 })),
    fc.tuple(fc.constantFrom('limit', 'offset'), numberText).filter(([n, t]) => !(n === 'offset' && ['0', '100001'].includes(t))).map(([n, t]) => query(`/api/sessions?${n}=${encodeURIComponent(t)}`)),
    fc.string({ minLength: 1001, maxLength: 1200 }).map((s) => query(`/api/sessions?search=${encodeURIComponent(s)}`)),
    fc.oneof(fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !['created', 'modified', 'cycled', 'flushed', 'deleted', 'read', 'untouched', 'rejected', 'upstream-error'].includes(s.trim()) && s.trim() !== ''), fc.constant('CREATED')).map((e) => query(`/api/traffic?effect=${encodeURIComponent(e)}`)),
    fc.constantFrom('limit=0', 'limit=-3', 'limit=100001', 'before=0', 'before=-1', 'limit=x').map((q) => query(`/api/traffic?${q}`)),
    fc.constantFrom('ids=a,b', 'ids=0', 'ids=-1', 'ids=1,,2', 'ids=1.5').map((q) => query(`/api/har?${q}`)),
    fc.constant(query('/api/traffic/0'))
  )
}

// ---- huge bodies -------------------------------------------------------------------------

function hugeCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  const size = fc.integer({ min: LIMIT + 1, max: Math.max(LIMIT + 2, c.hugeMax) })
  const key = c.keys[0] as string
  return fc
    .tuple(
      fc.constantFrom(
        ['PATCH', '/api/settings', 'token'],
        ['POST', '/api/clock/advance', 'token'],
        ['PUT', `/api/sessions/${key}/data`, 'token'],
        ['POST', '/api/clock/reset', 'token'],
        ['POST', '/api/settings/reset', 'token'],
        ['POST', '/api/nope', 'token'],
        ['PATCH', '/api/settings', 'none'],
        ['PATCH', '/api/settings', 'foreign-host'],
        ['POST', '/index.html', 'none'],
        ['GET', '/api/health', 'token']
      ),
      size,
      fc.boolean(),
      fc.constantFrom(' ', '[', 'a')
    )
    .map(([[method, path, who], bytes, chunked, filler]) => {
      const headers: [string, string][] = [who === 'foreign-host' ? ['Host', 'evil.example'] : host(c), json]
      if (who !== 'none') headers.push(bearer(c))
      const status = who === 'none' && path.startsWith('/api') ? [401] : who === 'foreign-host' ? [403] : path === '/api/nope' ? [404] : path === '/index.html' ? [405] : [413]
      return {
        group: 'huge bodies',
        what: `${method} ${path} ${who} with ${(bytes / MiB).toFixed(1)} MiB (${chunked ? 'chunked' : 'Content-Length'})`,
        request: { method, target: path, headers, body: { size: bytes, chunked, filler } },
        expect: path.startsWith('/api') ? { kind: 'api-4xx', status } : { kind: 'static' },
        authorised: who !== 'none'
      } as ApiCase
    })
}

// ---- unknown routes and verbs --------------------------------------------------------------

const FIRST_SEGMENTS = ['health', 'status', 'settings', 'clock', 'sessions', 'clients', 'browser', 'traffic', 'har', 'events']
const segment = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.~%'), minLength: 1, maxLength: 12 }).filter((s) => !/^\.{1,2}$/.test(s))

function unknownRouteCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'REPORT', 'TRACE')
  const unknownPath = fc
    .tuple(segment.filter((s) => !FIRST_SEGMENTS.includes(s)), fc.array(segment, { maxLength: 3 }))
    .map(([first, rest]) => `/api/${[first, ...rest].join('/')}`)
  const wrongVerb = fc.constantFrom<[string, string]>(
    ['DELETE', '/api/settings'],
    ['PUT', '/api/settings'],
    ['POST', '/api/health'],
    ['DELETE', '/api/clock'],
    ['GET', '/api/clock/advance'],
    ['GET', '/api/settings/reset'],
    ['PUT', '/api/sessions'],
    ['POST', `/api/sessions/${c.keys[0]}`],
    ['GET', `/api/sessions/${c.keys[0]}/data`],
    ['PATCH', '/api/traffic'],
    ['POST', '/api/events'],
    ['PROPFIND', '/api/settings'],
    ['TRACE', '/api/health']
  )
  return fc.oneof(
    fc.tuple(method, unknownPath).map(([m, p]) => ({ m, p, status: [404] })),
    wrongVerb.map(([m, p]) => ({ m, p, status: [405] })),
    fc.constantFrom('/api', '/api/', '/api/sessions/x/y/z', '/api/settings/secret-key/x', '/api/health/x', '/API/health', '/api/Health').map((p) => ({ m: 'GET', p, status: [404] }))
  ).map(({ m, p, status }) => ({
    group: 'unknown routes',
    what: `${m} ${p}`,
    request: authed(c, m, p),
    expect: { kind: 'api-4xx', status },
    authorised: true
  }))
}

// ---- traversal -----------------------------------------------------------------------------

/** Ways to spell "another file or session" in one path segment. */
const TRAVERSAL = [
  '..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%252f..%252f', '%252e%252e%252f',
  '..%5c..%5c', '..\\..\\victim', '%5c..%5cvictim', '%00', 'abc%00def', '....//', '%c0%ae%c0%ae%c0%af', '%2fetc%2fpasswd', '%2f..%2fvictim',
  '%2f..%2f..%2fvictim', '%2f..%2f..%2f..%2fvictim', '%2f..%2f..%2fsecret.txt', '..;', '%u002e%u002e', '%25', '%zz', '%', 'a%2f..%2f..'
]

function keyVariants(key: string): string[] {
  return [`${key}%2f..`, `..%2f${key}`, `%2e%2e%2f${key}`, `${key}%00`, `${key}%5c`, `${key}%252f`, `${key}.`, `${key}%20`, key.toUpperCase(), `x\\..\\${key}`, `x/%2e%2e/${key}`, `${key}/.`, `${key}%2e`]
}

function traversalCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  const payload = fc.oneof(fc.constantFrom(...TRAVERSAL), fc.constantFrom(...c.keys).chain((k) => fc.constantFrom(...keyVariants(k))))
  const template = fc.constantFrom<[string, (p: string) => string, string | undefined]>(
    ['GET', (p) => `/api/sessions/${p}`, undefined],
    ['DELETE', (p) => `/api/sessions/${p}`, undefined],
    ['PUT', (p) => `/api/sessions/${p}/data`, '{"data":{"pwned":true}}'],
    ['PUT', (p) => `/api/sessions/${p}/expiry`, '{"value":0}'],
    ['POST', (p) => `/api/sessions/${p}/expire`, undefined],
    ['PATCH', (p) => `/api/clients/${p}`, '{"name":"pwned"}'],
    ['GET', (p) => `/api/traffic/${p}`, undefined]
  )
  const apiCase = fc.tuple(template, payload).map(([[method, build, body], p]) => ({
    group: 'traversal in :key',
    what: `${method} ${build(p)}`,
    request: authed(c, method, build(p), body),
    expect: { kind: 'api-4xx' },
    authorised: true
  }) as ApiCase)
  const staticPath = fc.oneof(
    fc.constantFrom(...TRAVERSAL).map((p) => `/${p}/secret.txt`),
    fc.constantFrom(...TRAVERSAL).map((p) => `/assets/${p}/${p}/secret.txt`),
    fc.constantFrom('/.env', '/%2eenv', '/assets/..%2f.env', '/index.html%00.js', '/..%5c..%5csecret.txt', '/%252e%252e%252fsecret.txt', '/%E0%A4%A', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '//secret.txt', '/\\..\\secret.txt', '/c:%5csecret.txt', '/assets/', '/assets')
  )
  const staticCase = fc.tuple(staticPath, fc.constantFrom('GET', 'HEAD')).map(([path, method]) => ({
    group: 'traversal in static files',
    what: `${method} ${path}`,
    request: { method, target: path, headers: [host(c)] },
    expect: { kind: 'static' },
    authorised: false
  }) as ApiCase)
  return fc.oneof(apiCase, staticCase)
}

// ---- auth ----------------------------------------------------------------------------------

/** Valid requests that would read the secret or change state if they got through. */
function valuable(c: CaseContext): [string, string, string | undefined][] {
  const key = c.keys[1] as string
  return [
    ['GET', '/api/settings/secret-key', undefined],
    ['PATCH', '/api/settings', '{"SESSION_COOKIE_AGE":7}'],
    ['POST', '/api/settings/reset', undefined],
    ['POST', '/api/settings/secret-key/regenerate', undefined],
    ['POST', '/api/clock/advance', '{"seconds":100000}'],
    ['DELETE', `/api/sessions/${key}`, undefined],
    ['PUT', `/api/sessions/${key}/data`, '{"data":{"pwned":true}}'],
    ['POST', '/api/browser/close', '{}'],
    ['GET', `/api/sessions/${key}`, undefined],
    ['GET', '/api/events', undefined],
    ['GET', '/api/sessions', undefined]
  ]
}

function authCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  const t = c.token
  const wrongAuthorization = fc.oneof(
    fc.constantFrom(`Bearer ${t}x`, `Bearer ${t.slice(0, -1)}`, `Bearer ${t.toUpperCase()}`, `Basic ${t}`, t, 'Bearer ', 'Bearer', `Bearer  ${t} x`, `Token ${t}`, `Bearer ${Buffer.from(t).toString('base64')}`, `Bearer "${t}"`, `Bearer ${encodeURIComponent(t)}%00`),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 1, maxLength: 60 }).map((s) => `Bearer ${s}`)
  )
  const way = fc.oneof(
    fc.constant({ how: 'no token', headers: [] as [string, string][], query: '' }),
    wrongAuthorization.map((a) => ({ how: `Authorization: ${a.slice(0, 30)}`, headers: [['Authorization', a]] as [string, string][], query: '' })),
    fc.constantFrom('token', 'access_token', 'auth', 'bearer').map((q) => ({ how: `token in ?${q}=`, headers: [] as [string, string][], query: `${q}=${encodeURIComponent(t)}` })),
    fc.constant({ how: 'token in a cookie', headers: [['Cookie', `token=${t}`]] as [string, string][], query: '' }),
    fc.constant({ how: 'token in X-Token', headers: [['X-Token', t]] as [string, string][], query: '' })
  )
  const noToken = fc.tuple(fc.constantFrom(...valuable(c)), way).map(([[method, path, body], w]) => ({
    group: 'auth: token',
    what: `${method} ${path} ${w.how}`,
    request: { method, target: w.query ? `${path}?${w.query}` : path, headers: [host(c), json, ...w.headers], body },
    expect: { kind: 'refused', status: 401 },
    authorised: false
  }) as ApiCase)
  const foreignHost = fc.constantFrom(
    'evil.example', `evil.example:${c.port}`, `127.0.0.1.evil.example:${c.port}`, `127.0.0.1:${c.port + 1}`, `localhost.:${c.port}`, `0x7f.0.0.1:${c.port}`,
    `2130706433:${c.port}`, `[::ffff:7f00:1]:${c.port}`, `127.1:${c.port}`, `0.0.0.0:${c.port}`, '', `127.0.0.1:${c.port}@evil.example`, `LOCALHOST.evil:${c.port}`, `127.0.0.1`
  )
  const badHost = fc.tuple(fc.constantFrom(...valuable(c), ['GET', '/', undefined] as [string, string, undefined]), foreignHost).map(([[method, path, body], h]) => ({
    group: 'auth: foreign Host',
    what: `${method} ${path} Host: ${h}`,
    request: { method, target: path, headers: [['Host', h], bearer(c), json] as [string, string][], body },
    expect: { kind: 'refused', status: 403 },
    authorised: false
  }) as ApiCase)
  const foreignOrigin = fc.constantFrom('http://evil.example', `http://127.0.0.1:${c.port + 1}`, `https://127.0.0.1:${c.port}`, 'null', `http://127.0.0.1:${c.port}@evil.example`, `http://localhost:${c.port}.evil.example`, 'file://')
  const badOrigin = fc.tuple(fc.constantFrom(...valuable(c), ['GET', '/', undefined] as [string, string, undefined]), foreignOrigin).map(([[method, path, body], o]) => ({
    group: 'auth: foreign Origin',
    what: `${method} ${path} Origin: ${o}`,
    request: { method, target: path, headers: [host(c), bearer(c), json, ['Origin', o]] as [string, string][], body },
    expect: { kind: 'refused', status: 403 },
    authorised: false
  }) as ApiCase)
  const preflight = fc.tuple(fc.constantFrom(...valuable(c)), fc.constantFrom('http://evil.example', 'null', `http://127.0.0.1:${c.port}`)).map(([[method, path], o]) => ({
    group: 'auth: CORS preflight',
    what: `OPTIONS ${path} for ${method} from ${o}`,
    request: { method: 'OPTIONS', target: path, headers: [host(c), ['Origin', o], ['Access-Control-Request-Method', method], ['Access-Control-Request-Headers', 'authorization, content-type']] as [string, string][] },
    expect: { kind: 'refused', status: 403 },
    authorised: false
  }) as ApiCase)
  return fc.oneof({ weight: 3, arbitrary: noToken }, { weight: 2, arbitrary: badHost }, { weight: 2, arbitrary: badOrigin }, { weight: 1, arbitrary: preflight })
}

/** Pages anyone may fetch without the token: none may hold it. */
export function publicPages(c: CaseContext, assets: string[]): ApiCase[] {
  return ['/', '/index.html', '/favicon.svg', ...assets].map((path) => ({
    group: 'pages without the token',
    what: `GET ${path}`,
    request: { method: 'GET', target: path, headers: [host(c)] },
    expect: { kind: 'static' },
    authorised: false
  }))
}

/** Every generated case, in a mix: the relative weights follow the list. */
export function apiCases(c: CaseContext): fc.Arbitrary<ApiCase> {
  return fc.oneof(
    { weight: 3, arbitrary: badJsonCases(c) },
    { weight: 4, arbitrary: wrongShapeCases(c) },
    { weight: 1, arbitrary: hugeCases(c) },
    { weight: 2, arbitrary: unknownRouteCases(c) },
    { weight: 4, arbitrary: traversalCases(c) },
    { weight: 4, arbitrary: settingsCases(c) },
    { weight: 4, arbitrary: authCases(c) }
  )
}
