// The wire protocol's base64url JSON codec (docs/protocol.md): what the proxy writes and reads
// on every request, byte for byte, and its refusals.
import { describe, expect, it } from 'vitest'
import { decodeBase64UrlJson, encodeBase64UrlJson, parseWireUpdate } from '../../src/shared/wire'

describe('base64url JSON', () => {
  it('writes base64url of UTF-8 JSON without padding, as docs/protocol.md', () => {
    // {"name":"Sonam"} → eyJuYW1lIjoiU29uYW0ifQ (no "=" padding)
    expect(encodeBase64UrlJson({ name: 'Sonam' })).toBe('eyJuYW1lIjoiU29uYW0ifQ')
    // Characters that base64 writes as + and /, and text beyond ASCII, in UTF-8.
    expect(encodeBase64UrlJson({ k: '>>>???' })).toBe('eyJrIjoiPj4-Pz8_In0')
    expect(encodeBase64UrlJson({ café: 'नमस्ते' })).toBe(Buffer.from('{"café":"नमस्ते"}', 'utf8').toString('base64url'))
  })

  it('reads back what it writes', () => {
    const value = { v: 1, data: { name: 'Sonam', emoji: '🍵', nested: [1, { a: null }] }, now: '2026-12-02T00:00:00.000Z' }
    expect(decodeBase64UrlJson(encodeBase64UrlJson(value))).toEqual(value)
  })

  it('says which part is wrong', () => {
    expect(() => decodeBase64UrlJson('eyJ+')).toThrow('not base64url')
    expect(() => decodeBase64UrlJson('eyJuY')).toThrow('not base64url') // 4n+1 characters
    expect(() => decodeBase64UrlJson(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url'))).toThrow('not UTF-8')
    expect(() => decodeBase64UrlJson(Buffer.from('{"a":').toString('base64url'))).toThrow('not JSON')
  })

  it('refuses a malformed X-Session-Update with the reason, never throwing', () => {
    expect(parseWireUpdate('%%%')).toEqual({ ok: false, error: expect.stringContaining('not base64url') })
    expect(parseWireUpdate(encodeBase64UrlJson({ data: [1] }))).toMatchObject({ ok: false })
    expect(parseWireUpdate(encodeBase64UrlJson({ accessed: true }))).toEqual({ ok: true, value: { accessed: true } })
  })
})
