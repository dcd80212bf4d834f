// fast-check arbitraries for the bad-input scenario: each generates one request (and the
// app's planned answer) together with the answers the proxy may give to it.
import fc from 'fast-check'
import type { AppPlan } from './proxy-app'

export interface Case {
  kind: string
  /** A short description, for the report. */
  summary: string
  method: string
  target: string
  /** A request line written as is (instead of `method target HTTP/1.1`). */
  requestLine?: string
  /** Headers after Host and X-Fuzz, written as given. */
  headers: [string, string][]
  /** Add `Connection: close`. */
  close: boolean
  body?: Buffer
  framing?: 'length' | 'chunked'
  chunkCuts?: number[]
  /** Write the request in pieces cut at these fractions, pausing between them. */
  cuts?: number[]
  pauseMs?: number
  /** FIN after the request. */
  halfClose?: boolean
  /** Send only this fraction of the request (then FIN when halfClose). */
  partial?: number
  head?: boolean
  /** Bytes sent as they are instead of a built request. */
  raw?: Buffer
  plan?: AppPlan
  /** What the proxy must make of the app's X-Session-Update. */
  verdict?: 'valid' | 'refused' | 'either'
  expect: {
    /** Statuses the browser may get; 0: the connection closed without one. */
    statuses: number[]
    /** The path the app must see (when the case keeps to ordinary paths). */
    path?: string
  }
}

const TOKEN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^_`|~'
const tokenChar = fc.constantFrom(...TOKEN)
const token = (minLength = 1, maxLength = 16) => fc.string({ unit: tokenChar, minLength, maxLength })
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n))
const obsText = fc.integer({ min: 0x80, max: 0xff }).map((n) => String.fromCharCode(n))
/** Header-value text a parser accepts: printable ASCII, now and then obs-text (latin1). */
const value = (maxLength = 40, minLength = 0) => fc.string({ unit: fc.oneof({ weight: 12, arbitrary: printable }, { weight: 1, arbitrary: obsText }), minLength, maxLength })
/** Bytes no header may hold. */
const controlChar = fc.constantFrom('\x00', '\x01', '\x08', '\x0b', '\x0c', '\x1b', '\x7f', '\r', '\n')
const methodsWithApp = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'PURGE', 'MKCALENDAR', 'LINK', 'UNLINK']
const PLAN_STATUSES = [200, 200, 200, 201, 302, 404, 409]

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
const plainPlan = fc.constantFrom(...PLAN_STATUSES).map((status): AppPlan => ({ status, updates: [] }))

/** An origin-form path the app must see unchanged (no '//' runs, no backslashes). */
const pathChar = fc.constantFrom(...'abcxyzABC0129-._~!$&\'()*+,;=:@%/?')
const simplePath = fc.string({ unit: pathChar, maxLength: 60 }).map((s) => `/${s}`.replace(/%(?![0-9a-fA-F]{2})/g, '%25'))

function appCase(kind: string, summary: string, headers: [string, string][], plan: AppPlan, extra: Partial<Case> = {}): Case {
  return { kind, summary, method: 'GET', target: '/', headers, close: true, plan, expect: { statuses: [plan.status], path: '/' }, ...extra }
}

// ---------------------------------------------------------------- cookies and session keys

const sessionKey = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 32, maxLength: 32 }),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 0, maxLength: 7 }),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 33, maxLength: 400 }),
  fc.constantFrom('null', 'None', '""', '"quoted"', '../../etc/passwd', '%00', 'a%2fb', '..', '*', '\\', 'AAAA\u00ff\u00fe'),
  value(60).map((s) => s.replace(/;/g, '')),
  fc.integer({ min: 1000, max: 6000 }).map((n) => 'k'.repeat(n))
)
const cookieName = fc.oneof({ weight: 4, arbitrary: fc.constant('sessionid') }, fc.constantFrom('si_client', 'csrftoken', '', ' sessionid', 'SESSIONID', 'sessionid '), token(1, 12))
const cookiePair = fc.tuple(cookieName, fc.oneof(sessionKey, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }))).map(([n, v]) => `${n}=${v}`)
const cookieLine = fc.oneof(
  { weight: 5, arbitrary: fc.array(cookiePair, { minLength: 1, maxLength: 8 }).map((p) => p.join('; ')) },
  { weight: 2, arbitrary: value(120) },
  { weight: 1, arbitrary: fc.constantFrom(';', ';;;', '=', '==', 'sessionid', 'sessionid=', '=x', 'a=b;c', ' ; sessionid=x ; ') },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 12_000 }).map((n) => `big=${'x'.repeat(n)}`) }
)
const cookieCase = fc.tuple(fc.array(cookieLine, { minLength: 1, maxLength: 4 }), fc.constantFrom('Cookie', 'cookie', 'COOKIE'), plainPlan).map(([lines, name, plan]) =>
  appCase(lines.length > 1 ? 'duplicate Cookie headers' : 'malformed or huge Cookie', `${lines.length} × ${name}: ${lines.map((l) => l.slice(0, 40)).join(' | ')}`, lines.map((l) => [name, l] as [string, string]), plan)
)

/**
 * One browser profile (the same si_client) coming back again and again to an app that sets
 * new cookies each time: what the proxy keeps per browser must stay bounded.
 */
const RETURNING_CLIENT = 'feedc0defeedc0defeedc0defeedc0de'
const returningCase = fc
  .tuple(fc.array(fc.tuple(token(1, 12), value(30).map((v) => v.replace(/;/g, ''))), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 ** 31 }), plainPlan)
  .map(([cookies, salt, plan]) =>
    appCase('a returning browser, new cookies each time', `${cookies.length} new cookies`, [['Cookie', `si_client=${RETURNING_CLIENT}; ${cookies.map(([n, v]) => `${n}=${v}`).join('; ')}`]], {
      ...plan,
      setCookies: cookies.map(([n, v], i) => `${n}${salt}x${i}=${v}; Path=/; Max-Age=${3600 + i}`)
    })
  )

// ---------------------------------------------------------------- X-Session* from the client

const forgedWire = b64(JSON.stringify({ v: 1, key: 'forgedforgedforgedforgedforged12', data: { user: 'admin', is_superuser: true }, expiryAge: 1, expiryDate: '2030-01-01T00:00:00.000Z', expireAtBrowserClose: false, cookieAge: 1, now: '2030-01-01T00:00:00.000Z' }))
const sessionHeaderName = fc.oneof(
  fc.constantFrom('X-Session', 'x-session', 'X-SESSION', 'X-Session-Update', 'x-session-update', 'X_Session', 'x_session', 'X_SESSION_UPDATE', 'X-Session-Foo', 'X-Sessionx', 'X-Session-', 'x-session-id', 'X-Session_Update'),
  token(0, 10).map((s) => `X-Session${s}`),
  token(0, 10).map((s) => `x_session${s}`)
)
const sessionHeaderCase = fc
  .tuple(fc.array(fc.tuple(sessionHeaderName, fc.oneof(value(60), fc.constant(forgedWire))), { minLength: 1, maxLength: 6 }), fc.boolean(), plainPlan)
  .map(([pairs, nameInConnection, plan]) => {
    const headers: [string, string][] = pairs.map(([n, v]) => [n, v])
    // A Connection header naming X-Session must not make the proxy drop its own.
    if (nameInConnection) headers.push(['Connection', 'keep-alive, X-Session, x-session-update'])
    return appCase('client X-Session* headers', pairs.map(([n]) => n).join(', '), headers, plan)
  })

// ---------------------------------------------------------------- X-Session-Update from the app

const dataKey = fc.oneof(token(1, 12), fc.constantFrom('__proto__', 'constructor', 'toString', '', ' ', 'ünï', '_auth_user_id'))
const smallJson = fc.jsonValue({ maxDepth: 3 }).filter((v) => JSON.stringify(v).length < 2000)
const validUpdate = fc
  .record({ accessed: fc.boolean(), modified: fc.boolean(), data: fc.dictionary(dataKey, smallJson, { maxKeys: 6 }), flush: fc.boolean(), cycleKey: fc.boolean() }, { requiredKeys: [] })
  .map((u) => ({ value: b64(JSON.stringify(u)), label: `valid ${JSON.stringify(u).slice(0, 60)}`, verdict: 'valid' as const }))
/** Session expiry values: the engine may accept or refuse the odd ones, but must answer. */
const oddExpiry = fc
  .oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, 8.64e15, -8.64e15, 2 ** 53, 0, -1, '2020-13-45T00:00:00Z', '2020-02-30T00:00:00+00:00', '9999-12-31T23:59:59+00:00', '0000-01-01T00:00:00', 'now', true, [], {}))
  .filter((v) => typeof v !== 'number' || Number.isFinite(v))
  .map((e) => ({ value: b64(JSON.stringify({ modified: true, data: { user: 'x', _session_expiry: e } })), label: `_session_expiry ${JSON.stringify(e)}`, verdict: 'either' as const }))
const refused = (label: string, value: string) => ({ value, label, verdict: 'refused' as const })
const badUpdate = fc.oneof(
  // not base64url: a character outside the alphabet, or a length of 4n+1
  fc.tuple(value(40), fc.constantFrom('+', '/', '=', '!', ' ', '.', '*')).map(([s, bad]) => refused('bad base64', `${b64(s)}${bad}${b64(s)}`.trim() + bad)),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), minLength: 1, maxLength: 60 }).map((s) => refused('base64 of 4n+1 characters', s.length % 4 === 1 ? s : s.slice(0, s.length - ((s.length % 4) + 3) % 4) || 'a')),
  // base64url, but not UTF-8 JSON
  fc.uint8Array({ minLength: 1, maxLength: 60 }).map((bytes) => refused('not UTF-8', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes)]).toString('base64url'))),
  value(60).map((s) => refused('not JSON', b64(`{'${s}`))),
  // JSON, wrong types
  fc.constantFrom('[]', '[1]', '1', '"x"', 'null', 'true', '{"accessed":"yes"}', '{"modified":1}', '{"flush":null}', '{"data":[]}', '{"data":5}', '{"data":null}', '{"data":"x"}', '{"unknown":1}', '{"v":1}', '{"data":{"x":1},"extra":true}').map((j) => refused(`wrong types ${j}`, b64(j))),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v) ? false : true).map((v) => refused(`not an object ${JSON.stringify(v).slice(0, 30)}`, b64(JSON.stringify(v)))),
  // huge: over 1 MiB encoded
  fc.integer({ min: 800_000, max: 1_500_000 }).map((n) => refused(`huge (${n} characters of data)`, b64(JSON.stringify({ modified: true, data: { blob: 'a'.repeat(n) } })))),
  // deep nesting, as text (JSON.stringify would overflow)
  fc.tuple(fc.integer({ min: 101, max: 120_000 }), fc.boolean()).map(([depth, arrays]) =>
    refused(`nested ${depth} deep`, b64(`{"modified":true,"data":{"x":${arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"x":'.repeat(depth) + '1' + '}'.repeat(depth)}}}`))
  ),
  // empty, and repeated headers
  fc.constant(refused('empty object but padded', `${b64('{}')}==`))
)
const updateCase = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: validUpdate }, { weight: 1, arbitrary: oddExpiry }, { weight: 6, arbitrary: badUpdate }),
    fc.constantFrom(...PLAN_STATUSES),
    fc.integer({ min: 1, max: 12 }),
    fc.boolean(),
    simplePath
  )
  .map(([u, status, copies, reflect, path]) => {
    // Now and then the app sends the header twice: refused, whatever it says.
    const twice = copies === 1
    const plan: AppPlan = { status, updates: twice ? [u.value, u.value] : [u.value], reflectSessionHeaders: reflect }
    return appCase('X-Session-Update from the app', `${twice ? '2 × ' : ''}${u.label}`, [], plan, { target: path, verdict: twice ? 'refused' : u.verdict, expect: { statuses: [status], path } })
  })

// ---------------------------------------------------------------- methods, paths, bodies

const body = fc.oneof({ weight: 3, arbitrary: fc.uint8Array({ maxLength: 2000 }) }, { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => new Uint8Array(n).fill(97)) })
const methodCase = fc
  .tuple(fc.constantFrom(...methodsWithApp), simplePath, fc.option(fc.tuple(body, fc.constantFrom('length', 'chunked') as fc.Arbitrary<'length' | 'chunked'>, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }))), plainPlan)
  .map(([method, path, withBody, plan]) => {
    const c = appCase('methods and bodies', `${method} ${path.slice(0, 40)}${withBody ? ` with a ${withBody[1]} body of ${withBody[0].length} bytes` : ''}`, [], plan, { method, target: path, head: method === 'HEAD', expect: { statuses: [plan.status], path } })
    if (withBody) {
      c.body = Buffer.from(withBody[0])
      c.framing = withBody[1]
      c.chunkCuts = withBody[2]
    }
    return c
  })
/** Targets that are odd but valid HTTP: the app answers; the path it sees is the proxy's business. */
const oddTarget = fc.oneof(
  fc.constantFrom('*', '//', '//evil.example/x', '/a//b///c', '/..', '/../../etc/passwd', '/%2e%2e/%2e%2e/', '/%00', '/%zz', '/?', '/??&&==', '/#frag', '/a\\b', '/http:/x', '/https:/y', 'http://other.example/abs', 'http://other.example', '/\u00e9\u00ff', '/;jsessionid=1'),
  fc.integer({ min: 2000, max: 14_000 }).map((n) => `/${'p'.repeat(n)}`),
  fc.string({ unit: fc.oneof(pathChar, obsText, fc.constantFrom('"', '<', '>', '{', '}', '|', '^', '`', '[', ']')), maxLength: 80 }).map((s) => `/${s}`)
)
const oddTargetCase = fc.tuple(oddTarget, fc.constantFrom('GET', 'OPTIONS', 'POST'), plainPlan).map(([target, method, plan]) =>
  appCase('odd paths', `${method} ${target.slice(0, 60)}`, [], plan, { method, target, expect: { statuses: [plan.status, 400], path: target.startsWith('/') ? target : undefined } })
)
/** Request lines a parser must refuse (or, for the lenient ones, pass on): never a 5xx. */
const badRequestLine = fc.oneof(
  fc.tuple(token(1, 10), simplePath).map(([m, p]) => ({ line: `${m.toUpperCase()}X ${p} HTTP/1.1`, label: 'unknown method' })),
  fc.constantFrom('get / HTTP/1.1', 'G ET / HTTP/1.1', 'GET  / HTTP/1.1', 'GET / HTTP/1.2', 'GET / HTTP/2.0', 'GET / HTTP/0.9', 'GET / http/1.1', 'GET /', 'GET / HTTP/1.1 extra', ' GET / HTTP/1.1', 'GET\t/\tHTTP/1.1', 'PRI * HTTP/2.0', 'GET /a b HTTP/1.1').map((line) => ({ line, label: 'malformed request line' })),
  fc.tuple(controlChar, simplePath).map(([ch, p]) => ({ line: `GET ${p}${ch}x HTTP/1.1`, label: 'control character in the path' }))
)
const badRequestLineCase = fc.tuple(badRequestLine, plainPlan).map(([{ line, label }, plan]) => {
  const [method = 'GET', target = '/'] = line.trim().split(/\s+/)
  return appCase('malformed request lines', `${label}: ${JSON.stringify(line)}`, [], plan, { method, target, requestLine: line, expect: { statuses: [400, 405, 505, 0, plan.status] } })
})

// ---------------------------------------------------------------- oversized and odd heads

const oversizedCase = fc.oneof(
  fc.integer({ min: 17_000, max: 200_000 }).map((n) => ({ ...appCase('oversized heads', `one header of ${n} bytes`, [['X-Big', 'v'.repeat(n)]], { status: 200, updates: [] }), expect: { statuses: [431] } })),
  fc.integer({ min: 17_000, max: 100_000 }).map((n) => ({ ...appCase('oversized heads', `a path of ${n} bytes`, [], { status: 200, updates: [] }), target: `/${'q'.repeat(n)}`, expect: { statuses: [431, 414] } })),
  fc.integer({ min: 3000, max: 8000 }).map((n) => ({ ...appCase('oversized heads', `${n} headers`, Array.from({ length: n }, (_, i) => [`h${i}`, 'v'] as [string, string]), { status: 200, updates: [] }), expect: { statuses: [431] } })),
  // Many headers within the size limit: forwarded (Node keeps the first 2,000), the app answers.
  fc.tuple(fc.integer({ min: 900, max: 2500 }), plainPlan).map(([n, plan]) => appCase('many headers', `${n} small headers`, Array.from({ length: n }, (_, i) => [`h${i % 50}`, String(i % 10)] as [string, string]), plan)),
  fc.tuple(fc.integer({ min: 1000, max: 2500 }), fc.constantFrom('DELETE', 'OPTIONS', 'POST'), plainPlan).map(([n, method, plan]) =>
    appCase('many headers', `${method}, ${n} headers and a chunked body`, Array.from({ length: n }, (_, i) => [`h${i}`, 'v'] as [string, string]), plan, { method, body: Buffer.from('hello chunked'), framing: 'chunked', chunkCuts: [0.5], expect: { statuses: [plan.status], path: '/' } })
  )
)
const badHeaderCase = fc.oneof(
  fc.tuple(token(1, 10), value(20), controlChar, value(20)).map(([n, a, ch, b]) => ({ name: n, value: `${a}${ch}${b}`, label: `control character ${JSON.stringify(ch)} in a value` })),
  fc.tuple(value(10, 1), value(10)).map(([n, v]) => ({ name: `${n} :`, value: v, label: 'bad header name' })),
  fc.constantFrom(
    { name: 'Content-Length', value: '-1', label: 'negative Content-Length' },
    { name: 'Content-Length', value: '1, 2', label: 'two Content-Lengths' },
    { name: 'Content-Length', value: 'abc', label: 'Content-Length not a number' },
    { name: 'Content-Length', value: '99999999999999999999', label: 'huge Content-Length' },
    { name: 'Transfer-Encoding', value: 'gzip', label: 'Transfer-Encoding not chunked' },
    { name: 'Transfer-Encoding', value: 'chunked, chunked', label: 'chunked twice' },
    { name: 'Host', value: 'second.example', label: 'a second Host' },
    { name: 'Expect', value: '100-continue', label: 'Expect: 100-continue (no body)' },
    { name: 'Expect', value: 'something-else', label: 'unknown Expect' },
    { name: 'Upgrade', value: 'h2c', label: 'Upgrade: h2c' },
    { name: 'Upgrade', value: 'websocket', label: 'Upgrade: websocket without a key' },
    { name: 'X-Forwarded-For', value: '1.2.3.4, evil', label: 'X-Forwarded-For from the client' },
    { name: 'Connection', value: 'close, Host, Cookie, Content-Length', label: 'Connection naming framing headers' }
  )
)
const oddHeaderCase = fc.tuple(badHeaderCase, plainPlan).map(([h, plan]) =>
  appCase('malformed headers', `${h.label}: ${JSON.stringify(`${h.name}: ${h.value}`).slice(0, 60)}`, [[h.name, h.value]], plan, { expect: { statuses: [plan.status, 400, 417, 413, 501, 0] } })
)

// ---------------------------------------------------------------- sockets: half-close, slow, garbage

const someValidCase = fc.oneof(cookieCase, sessionHeaderCase, methodCase, updateCase)
const halfClosedCase = fc.oneof(
  someValidCase.map((c) => ({ ...c, kind: 'half-closed sockets', summary: `FIN after a complete request (${c.summary.slice(0, 60)})`, halfClose: true })),
  fc.tuple(someValidCase, fc.double({ min: 0.01, max: 0.97, noNaN: true })).map(([c, f]) => ({ ...c, kind: 'half-closed sockets', summary: `FIN after ${Math.round(f * 100)}% of a request`, halfClose: true, partial: f, verdict: undefined, expect: { statuses: [400, 0] } }))
)
const slowCase = fc
  .tuple(someValidCase, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 30 }))
  .map(([c, cuts, pauseMs]) => ({ ...c, kind: 'slow partial writes', summary: `${cuts.length + 1} pieces, ${pauseMs} ms apart (${c.summary.slice(0, 60)})`, cuts, pauseMs }))
const garbageCase = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((b) => Buffer.from(b)),
    fc.uint8Array({ minLength: 1, maxLength: 500 }).map((b) => Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from(b), Buffer.from('\r\n\r\n')])),
    fc.constantFrom(Buffer.from('\r\n\r\n'), Buffer.from('\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03'), Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'))
  )
  .map((raw): Case => ({ kind: 'garbage and TLS/HTTP2 on the plain port', summary: JSON.stringify(raw.subarray(0, 40).toString('latin1')), method: '', target: '', headers: [], close: true, raw, halfClose: true, expect: { statuses: [400, 405, 431, 0] } }))

/** Every kind, weighted. */
export function casesArb(): fc.Arbitrary<Case> {
  return fc.oneof(
    { weight: 14, arbitrary: cookieCase },
    { weight: 6, arbitrary: returningCase },
    { weight: 8, arbitrary: sessionHeaderCase },
    { weight: 22, arbitrary: updateCase },
    { weight: 10, arbitrary: methodCase },
    { weight: 6, arbitrary: oddTargetCase },
    { weight: 5, arbitrary: badRequestLineCase },
    { weight: 6, arbitrary: oversizedCase },
    { weight: 6, arbitrary: oddHeaderCase },
    { weight: 8, arbitrary: halfClosedCase },
    { weight: 8, arbitrary: slowCase },
    { weight: 4, arbitrary: garbageCase }
  )
}
