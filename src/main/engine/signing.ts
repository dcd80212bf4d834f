// Port of django/core/signing.py (Signer, TimestampSigner, dumps, loads) and
// django/utils/crypto.py (salted_hmac, constant_time_compare), byte-compatible with Django.
import { createHash, createHmac, hash, timingSafeEqual } from 'node:crypto'
import { deflate, inflate } from './deflate'
import { BadSignature, SignatureExpired } from './errors'

const SEP = ':'
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export function b64Encode(data: Buffer): string {
  return data.toString('base64url')
}

export function b64Decode(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new BadSignature('not base64')
  return Buffer.from(text, 'base64url')
}

export function b62Encode(n: number): string {
  if (n === 0) return '0'
  const sign = n < 0 ? '-' : ''
  let rest = Math.abs(Math.trunc(n))
  let out = ''
  while (rest > 0) {
    out = B62[rest % 62] + out
    rest = Math.floor(rest / 62)
  }
  return sign + out
}

export function b62Decode(text: string): number {
  if (text === '0') return 0
  let sign = 1
  if (text.startsWith('-')) {
    sign = -1
    text = text.slice(1)
  }
  if (!text) throw new BadSignature('bad timestamp')
  let n = 0
  for (const ch of text) {
    const digit = B62.indexOf(ch)
    if (digit === -1) throw new BadSignature('bad timestamp')
    n = n * 62 + digit
  }
  return sign * n
}

/** HMAC-SHA256's key blocks: the 32-byte key zero-padded to 64 bytes, XORed with ipad and opad. */
interface HmacKey {
  inner: Buffer
  outer: Buffer
}

// Deriving the key (sha256(key_salt + secret)) and building an Hmac object cost more than
// the HMAC itself; a server signs and checks with a handful of (salt, secret) pairs, so the
// key blocks are kept per salt and secret (bounded: a new pair past the limit starts afresh).
const hmacKeys = new Map<string, Map<string, HmacKey>>()
let hmacKeyCount = 0
const MAX_HMAC_KEYS = 64

function hmacKey(keySalt: string, secret: string): HmacKey {
  let bySecret = hmacKeys.get(keySalt)
  let key = bySecret?.get(secret)
  if (key) return key
  const derived = createHash('sha256').update(keySalt + secret).digest()
  const inner = Buffer.alloc(64, 0x36)
  const outer = Buffer.alloc(64, 0x5c)
  for (let i = 0; i < derived.length; i++) {
    inner[i]! ^= derived[i]!
    outer[i]! ^= derived[i]!
  }
  key = { inner, outer }
  if (hmacKeyCount >= MAX_HMAC_KEYS) {
    hmacKeys.clear()
    hmacKeyCount = 0
    bySecret = undefined
  }
  if (!bySecret) hmacKeys.set(keySalt, (bySecret = new Map()))
  bySecret.set(secret, key)
  hmacKeyCount++
  return key
}

/** HMAC (RFC 2104) over one-shot hashes: H(outer || H(inner || value)). */
function hmacSha256(key: HmacKey, value: string): Buffer {
  const message = Buffer.from(value, 'utf8')
  const innerHash = hash('sha256', Buffer.concat([key.inner, message], 64 + message.length), 'buffer')
  return hash('sha256', Buffer.concat([key.outer, innerHash], 96), 'buffer')
}

/** salted_hmac(key_salt, value, secret, algorithm='sha256'). */
export function saltedHmac(keySalt: string, value: string, secret: string): Buffer {
  return hmacSha256(hmacKey(keySalt, secret), value)
}

/** constant_time_compare for strings. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  if (x.length !== y.length) {
    timingSafeEqual(x, x) // keep the time spent independent of where a mismatch is
    return false
  }
  return timingSafeEqual(x, y)
}

export interface SignerOptions {
  /** SECRET_KEY */
  key: string
  salt: string
  /** SECRET_KEY_FALLBACKS (Django 4.1+): tried in order when `key` does not match; signing always uses `key`. */
  fallbackKeys?: readonly string[]
  /** Django 3.2: a signature made with SHA-1 under `key` (Django 3.0 and older) still matches. */
  legacySha1?: boolean
}

/** salted_hmac(key_salt, value, secret, algorithm='sha1'): Django 3.2's default, for the pre-3.1 formats. */
export function saltedHmacSha1(keySalt: string, value: string | Buffer, secret: string): Buffer {
  const key = createHash('sha1').update(keySalt + secret).digest()
  return createHmac('sha1', key).update(value).digest()
}

/** Does `sig` sign `value` under SECRET_KEY, one of the fallbacks, or (3.2) SHA-1? */
function signatureMatches(sig: string, value: string, opts: SignerOptions): boolean {
  if (constantTimeEqual(sig, signature(value, opts))) return true
  for (const key of opts.fallbackKeys ?? []) if (constantTimeEqual(sig, signature(value, { key, salt: opts.salt }))) return true
  return opts.legacySha1 === true && constantTimeEqual(sig, b64Encode(saltedHmacSha1(`${opts.salt}signer`, value, opts.key)))
}

function signature(value: string, { key, salt }: SignerOptions): string {
  return b64Encode(saltedHmac(`${salt}signer`, value, key))
}

/** TimestampSigner.sign: value:timestamp:signature, timestamp in base62 seconds of `now`. */
export function signWithTimestamp(value: string, opts: SignerOptions, now: Date): string {
  const stamped = `${value}${SEP}${b62Encode(Math.floor(now.getTime() / 1000))}`
  return `${stamped}${SEP}${signature(stamped, opts)}`
}

/** TimestampSigner.unsign: checks the signature in constant time, then the age against `now`. */
export function unsignWithTimestamp(signed: string, opts: SignerOptions, now: Date, maxAgeSeconds?: number): string {
  const cut = signed.lastIndexOf(SEP)
  if (cut === -1) throw new BadSignature(`No "${SEP}" found in value`)
  const value = signed.slice(0, cut)
  const sig = signed.slice(cut + 1)
  if (!signatureMatches(sig, value, opts)) throw new BadSignature(`Signature "${sig}" does not match`)
  const stampCut = value.lastIndexOf(SEP)
  if (stampCut === -1) throw new BadSignature('No timestamp found in value')
  const timestamp = b62Decode(value.slice(stampCut + 1))
  if (maxAgeSeconds !== undefined) {
    const age = now.getTime() / 1000 - timestamp
    if (age > maxAgeSeconds) throw new SignatureExpired(`Signature age ${age} > ${maxAgeSeconds} seconds`)
  }
  return value.slice(0, stampCut)
}

// ensure_ascii escapes everything outside printable ASCII, DEL (0x7f) included; JSON.stringify
// has already escaped what lies below 0x20, as Python does.
const NOT_ASCII = /[\u007f-\uffff]/g
// A string token (skipped), or a number JSON.stringify writes differently from Python's float
// repr: 0.00001 and 1.5e-7 where Python writes 1e-05 and 1.5e-07 (repr switches to an
// exponent below 1e-4, always with two or more exponent digits).
const SMALL_FLOAT = /"(?:[^"\\]|\\.)*"|(?<![\d.])-?(?:0\.0000\d+|\d(?:\.\d+)?e-\d+)/g

function pythonFloatRepr(token: string): string {
  const [mantissa, exponent] = Number(token).toExponential().split('e') as [string, string]
  const e = Number(exponent)
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
}

/**
 * Python's json.dumps(obj, separators=(',', ':')), byte for byte for what a JS value can
 * say: ensure_ascii escapes and Python's repr of small floats. (A JS number cannot tell
 * 1.0 from 1; both are written "1", which Python reads back as an int.)
 */
export function pythonJsonDumps(value: unknown): string {
  let text = JSON.stringify(value)
  if (/\de-|0\.0000/.test(text)) text = text.replace(SMALL_FLOAT, (t) => (t.startsWith('"') ? t : pythonFloatRepr(t)))
  return text.replace(NOT_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The base64 payload of signing.dumps for a JSON text: "." + zlib when that is shorter by more than a byte. */
function payloadOf(json: string, compress: boolean): string {
  let data: Buffer = Buffer.from(json, 'latin1')
  let compressed = false
  // A zlib stream of n > 0 bytes takes at least 9, so below 11 bytes compressing cannot
  // pass Django's "shorter by more than one byte" test: skip it, same output.
  if (compress && data.length > 10) {
    const z = deflate(data)
    if (z.length < data.length - 1) {
      data = z
      compressed = true
    }
  }
  return (compressed ? '.' : '') + b64Encode(data)
}

/** signing.dumps(obj, key, salt, compress=True) with Django's JSONSerializer. */
export function dumps(obj: unknown, opts: SignerOptions, now: Date, compress = true): string {
  const json = pythonJsonDumps(obj)
  const mode = compress ? COMPRESSED : PLAIN
  let b64 = payloads.get(mode, json)
  if (b64 === undefined) {
    b64 = payloadOf(json, compress)
    payloads.set(mode, json, b64)
  }
  const stamped = `${b64}${SEP}${b62Encode(Math.floor(now.getTime() / 1000))}`
  const signer = signerScope(opts)
  let sig = signatures.get(signer, stamped)
  if (sig === undefined) {
    sig = signature(stamped, opts)
    signatures.set(signer, stamped, sig)
  }
  const signed = `${stamped}${SEP}${sig}`
  // What loads() of this text under this key will find: the JSON just written (the next
  // request usually reads the session back).
  verified.set(signer, signed, json)
  return signed
}

/**
 * Strings worked out from strings, kept by their exact input under one scope (a salt and
 * secret), bounded by size in two generations: when the young one fills it becomes the old
 * one, and a hit in the old one moves back to the young (least recently used, roughly,
 * without reordering a map on every hit). The memos below are exact: a hit returns what
 * working it out again would.
 */
class TextMemo {
  private young = new Map<string, Map<string, string>>()
  private old = new Map<string, Map<string, string>>()
  private youngChars = 0

  constructor(private readonly generationChars: number) {}

  get(scope: string, input: string): string | undefined {
    const value = this.young.get(scope)?.get(input)
    if (value !== undefined) return value
    const aged = this.old.get(scope)?.get(input)
    if (aged !== undefined) this.set(scope, input, aged)
    return aged
  }

  set(scope: string, input: string, value: string): void {
    const size = input.length + value.length
    if (size > this.generationChars / 16) return
    if (this.youngChars + size > this.generationChars) {
      this.old = this.young
      this.young = new Map()
      this.youngChars = 0
    }
    let byInput = this.young.get(scope)
    if (!byInput) this.young.set(scope, (byInput = new Map()))
    byInput.set(input, value)
    this.youngChars += size
  }

  /** Characters held (inputs and values, both generations), for tests. */
  chars(): number {
    let n = 0
    for (const generation of [this.young, this.old]) for (const byInput of generation.values()) for (const [input, value] of byInput) n += input.length + value.length
    return n
  }

  clear(): void {
    this.young = new Map()
    this.old = new Map()
    this.youngChars = 0
  }
}

/**
 * Payloads already verified and decoded, by their exact signed text under one salt and
 * secret. A session is read on most requests and rewritten on few, and the inspector lists
 * the whole store on every refresh, while checking the HMAC and inflating cost more than the
 * SQLite read itself. The same text under the same key always verifies and decodes to the
 * same JSON, so a hit returns exactly what a fresh check would; checks that depend on the
 * time (max_age) are never answered from here. Two generations of 8 M characters: at most
 * about 32 MB of strings.
 */
const verified = new TextMemo(8 * 1024 * 1024)

/**
 * What a save writes, worked out once per input: the base64 payload (compressed or not) by
 * its JSON text, and the signature by the stamped text under one salt and secret. A session
 * saved on every request (SESSION_SAVE_EVERY_REQUEST, modified=True) writes the same JSON
 * again and again, and within one second the same stamped text: deflate and the HMAC were
 * most of a save. Two generations of 4 M characters each: at most about 16 MB per memo.
 */
const payloads = new TextMemo(4 * 1024 * 1024)
const signatures = new TextMemo(4 * 1024 * 1024)
const COMPRESSED = 'z'
const PLAIN = 'p'

/** The memos' scope for a salt and secret; the last one is kept (a server signs with one or two). */
let lastScope = { salt: '', key: '', scope: '\u0000' }
function signerScope({ salt, key }: SignerOptions): string {
  if (salt !== lastScope.salt || key !== lastScope.key) lastScope = { salt, key, scope: `${salt}\u0000${key}` }
  return lastScope.scope
}

/** Forgets every verified payload (tests and benchmarks that measure a cold decode). */
export function forgetVerifiedPayloads(): void {
  verified.clear()
}

/** Forgets every memoised payload and signature of dumps() (benchmarks that measure a cold save). */
export function forgetSignedPayloads(): void {
  payloads.clear()
  signatures.clear()
}

/** Characters held by the memos of dumps(), for tests of their bound. */
export function signedPayloadMemoChars(): { payloads: number; signatures: number } {
  return { payloads: payloads.chars(), signatures: signatures.chars() }
}

/** The JSON text of a signed value, checked and decoded (no cache). */
function unsignedJson(signed: string, opts: SignerOptions, now: Date, maxAgeSeconds?: number): string {
  let b64 = unsignWithTimestamp(signed, opts, now, maxAgeSeconds)
  const decompress = b64.startsWith('.')
  if (decompress) b64 = b64.slice(1)
  let data = b64Decode(b64)
  if (decompress) data = inflate(data)
  return data.toString('utf8')
}

/** signing.loads(s, key, salt, max_age): throws BadSignature/SignatureExpired, or Error for bad payloads. */
export function loads(signed: string, opts: SignerOptions, now: Date, maxAgeSeconds?: number): unknown {
  if (maxAgeSeconds !== undefined) return JSON.parse(unsignedJson(signed, opts, now, maxAgeSeconds))
  const signer = signerScope(opts)
  let json = verified.get(signer, signed)
  if (json === undefined) {
    const others = (opts.fallbackKeys?.length ?? 0) > 0 || opts.legacySha1 === true
    try {
      json = unsignedJson(signed, others ? { key: opts.key, salt: opts.salt } : opts, now)
      verified.set(signer, signed, json)
    } catch (e) {
      // Not under SECRET_KEY: a fallback key (or 3.2's SHA-1) may match. Not memoised under
      // SECRET_KEY's scope: that would outlive the fallback being taken away.
      if (!others || !(e instanceof BadSignature)) throw e
      json = unsignedJson(signed, opts, now)
    }
  }
  return JSON.parse(json)
}
