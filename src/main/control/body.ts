// Reads a request's JSON body, with a size limit.
import type { IncomingMessage } from 'node:http'
import { ApiError } from '../../shared/errors'

export const BODY_LIMIT = 2 * 1024 * 1024

const tooLarge = (limit: number): ApiError =>
  new ApiError('payload_too_large', `the request body is larger than the limit of ${limit / 1024 / 1024} MiB`)

/**
 * The raw body as text; throws payload_too_large past `limit` bytes. The rest of an oversized
 * body is drained (not buffered) so the client still reads the 413 answer.
 */
export function readBodyText(req: IncomingMessage, limit = BODY_LIMIT): Promise<string> {
  const declared = Number(req.headers['content-length'])
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    const fail = (error: ApiError): void => {
      failed = true
      chunks.length = 0
      reject(error)
    }
    if (Number.isFinite(declared) && declared > limit) fail(tooLarge(limit))
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > limit) fail(tooLarge(limit))
      else chunks.push(chunk)
    })
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'))
    })
    req.on('error', (e) => {
      if (!failed) fail(new ApiError('bad_request', `the request body could not be read: ${e.message}`))
    })
  })
}

/** The body parsed as JSON, or undefined when there is none. */
export async function readJsonBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<unknown> {
  const text = await readBodyText(req, limit)
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    const type = req.headers['content-type'] ?? 'none'
    throw new ApiError(
      'bad_request',
      `the request body is not valid JSON (${(e as Error).message}); send JSON with Content-Type: application/json (got ${type})`
    )
  }
}
