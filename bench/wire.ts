// The X-Session header's cost on both sides (npm run bench:wire [-- --rounds=7 --round-ms=200]),
// and issue 10's step 7 measured before it is built: a slimmer header that sends the settings
// fields once per settings version ({v, key, data, now, s: version}) instead of on every
// request, the adapter working out expiryAge / expiryDate / expireAtBrowserClose itself.
// Both sides are timed in alternating rounds in one run, for three sizes of session data.
// Prints figures; asserts nothing.
import { getExpireAtBrowserClose, getExpiryAge, getExpiryDate, EXPIRY_KEY, parseIsoDate } from '../src/shared/expiry'
import { isPlainObject, type SessionData } from '../src/shared/json'
import { DEFAULT_SETTINGS, type Settings } from '../src/shared/settings'
import { decodeBase64UrlJson, parseWireSession } from '../src/shared/wire'
import { buildWireSession, encodeHead, encodeWireSession } from '../src/main/proxy/wire-protocol'
import { formatTable, measurePaired, type MeasureOptions } from './support/measure'
import { sessionData } from './support/sessions'

const USAGE = 'usage: npm run bench:wire [-- --rounds=7 --round-ms=200 --warmup-ms=200]'
const args = new Map<string, string>()
for (const arg of process.argv.slice(2)) {
  const m = /^--(rounds|round-ms|warmup-ms)=(\d+)$/.exec(arg)
  if (!m) {
    console.error(arg === '--help' ? USAGE : `unknown argument ${JSON.stringify(arg)}\n${USAGE}`)
    process.exit(arg === '--help' ? 0 : 2)
  }
  args.set(m[1] as string, m[2] as string)
}
const options: MeasureOptions = {
  rounds: Number(args.get('rounds') ?? 7),
  roundMs: Number(args.get('round-ms') ?? 200),
  warmupMs: Number(args.get('warmup-ms') ?? 200)
}

const SETTINGS = { ...DEFAULT_SETTINGS, SECRET_KEY: 'bench' } as Settings
const KEY = '2y3da7yizcx17w0wl2r0md3z3thrgoc9'
const SIZES: [string, SessionData][] = [
  ['the proxy benchmark\'s session (3 keys)', { user: 'bench', name: 'Sonam', cart: [1, 2, 3] }],
  ['a logged-in user with a cart (~300 B)', sessionData(1)],
  ['a large session (~4 KB)', { ...sessionData(2), history: Array.from({ length: 60 }, (_, i) => `/catalogue/${i}/?page=${i % 7}`) }]
]

/** The encoded {v, key, data, of a stored version, kept as the proxy keeps it for v1. */
const slimHeads = new WeakMap<SessionData, string>()
function slimHead(key: string | null, data: SessionData): string {
  let head = slimHeads.get(data)
  if (head === undefined) {
    head = encodeHead({ v: 1, key, data })
    slimHeads.set(data, head)
  }
  return head
}

/** The slim header of step 7: the settings fields left out (an adapter keeps them by version `s`). */
function encodeSlim(key: string | null, data: SessionData, now: Date): string {
  return slimHead(key, data) + Buffer.from(`"now":${JSON.stringify(now.toISOString())},"s":1}`, 'utf8').toString('base64url')
}

/**
 * What an adapter would do with it: the same checks as parseWireSession, then the time
 * questions answered from the settings it keeps by version.
 */
function decodeSlim(header: string, settings: Settings): number {
  const raw = decodeBase64UrlJson(header.trim())
  if (!isPlainObject(raw) || raw.v !== 1) throw new Error('X-Session is not protocol v1')
  if (!(raw.key === null || typeof raw.key === 'string')) throw new Error('X-Session: bad "key"')
  if (!isPlainObject(raw.data)) throw new Error('X-Session: "data" must be an object')
  const now = typeof raw.now === 'string' ? parseIsoDate(raw.now) : null
  if (!now) throw new Error('X-Session: bad "now"')
  if (raw.s !== 1) throw new Error('X-Session: settings version unknown')
  const stored = (raw.data as SessionData)[EXPIRY_KEY]
  return getExpiryAge(stored, now, settings.SESSION_COOKIE_AGE) + getExpiryDate(stored, now, settings.SESSION_COOKIE_AGE).getTime() + (getExpireAtBrowserClose(stored, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE) ? 1 : 0)
}

const us = (rate: number) => (1e6 / rate).toFixed(2)

async function main(): Promise<void> {
  console.log('X-Session: the proxy encodes it, the app\'s adapter decodes it, once per request')
  console.log(`${options.rounds} paired rounds of ${options.roundMs} ms (median), Node ${process.version}`)
  const rows: string[][] = [['session data', 'side', 'header bytes: v1 / slim', 'v1 µs', 'slim µs', 'saved µs']]
  for (const [label, data] of SIZES) {
    const version = {} // one stored row version: the proxy keeps its encoded head
    const now = new Date()
    const v1 = encodeWireSession(buildWireSession(KEY, data, SETTINGS, now, version))
    const slim = encodeSlim(KEY, data, now)
    const sizes = `${v1.length} / ${slim.length}`
    const encode = await measurePaired(
      { op: (i) => void encodeSlim(KEY, data, new Date(now.getTime() + i)) },
      { op: (i) => void encodeWireSession(buildWireSession(KEY, data, SETTINGS, new Date(now.getTime() + i), version)) },
      options
    )
    rows.push([label, 'proxy: encode', sizes, us(encode.baseline.median), us(encode.subject.median), (1e6 / encode.baseline.median - 1e6 / encode.subject.median).toFixed(2)])
    // An adapter answers the same questions either way: with v1 they are read off the header.
    const answerV1 = (w: ReturnType<typeof parseWireSession>) => w.expiryAge + Date.parse(w.expiryDate) + (w.expireAtBrowserClose ? 1 : 0)
    const decode = await measurePaired({ op: () => void decodeSlim(slim, SETTINGS) }, { op: () => void answerV1(parseWireSession(v1)) }, options)
    rows.push(['', 'adapter: decode', '', us(decode.baseline.median), us(decode.subject.median), (1e6 / decode.baseline.median - 1e6 / decode.subject.median).toFixed(2)])
  }
  console.log(`\n${formatTable(rows, 2)}`)
  console.log(
    '\nv1: the header as sent today (the proxy reuses the encoded {v, key, data} per row version).' +
      '\nslim: step 7 of issue 10, settings fields once per settings version; the adapter answers the time questions itself.' +
      '\nFor scale: the proxy spends about 250 µs of CPU per proxied request (npm run bench:proxy).'
  )
}

main().catch((e: unknown) => {
  console.error(`bench:wire: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
