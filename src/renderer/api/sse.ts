// Server-Sent Events over fetch(): EventSource cannot send an Authorization header, so the
// stream is read by hand, parsed frame by frame, and reopened with backoff when it drops.

export interface SseFrame {
  event: string
  data: string
}

/** Incremental parser: push text as it arrives, get back the frames it completes. */
export class SseParser {
  private buffer = ''

  push(chunk: string): SseFrame[] {
    this.buffer += chunk
    // A CR at the very end may be the first half of a CRLF split across chunks.
    const holdCr = this.buffer.endsWith('\r')
    const text = (holdCr ? this.buffer.slice(0, -1) : this.buffer).replace(/\r\n?/g, '\n')
    const blocks = text.split('\n\n')
    this.buffer = (blocks.pop() ?? '') + (holdCr ? '\r' : '')
    const frames: SseFrame[] = []
    for (const block of blocks) {
      const frame = parseBlock(block)
      if (frame) frames.push(frame)
    }
    return frames
  }
}

function parseBlock(block: string): SseFrame | null {
  let event = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  return data.length ? { event, data: data.join('\n') } : null
}

export type StreamState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'reconnecting'; attempt: number; retryInMs: number; error: string }

export interface EventStreamOptions {
  url: string
  headers: Record<string, string>
  fetch: typeof fetch
  onFrame(frame: SseFrame): void
  onState(state: StreamState): void
  /** Waits between attempts, in ms; the last one repeats. */
  backoffMs?: readonly number[]
}

export const DEFAULT_BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000] as const

/** Opens the stream and keeps it open until the returned function is called. */
export function openEventStream(options: EventStreamOptions): () => void {
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS
  const controller = new AbortController()
  let closed = false

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        controller.signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      controller.signal.addEventListener('abort', done)
    })

  // Resolves never: it reads until the stream fails or ends, which throws.
  const readOnce = async (onOpen: () => void): Promise<never> => {
    const response = await options.fetch(options.url, {
      headers: { ...options.headers, Accept: 'text/event-stream' },
      signal: controller.signal,
      cache: 'no-store'
    })
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined)
      throw new Error(response.status === 401 ? 'the token was refused (401)' : `the server answered ${response.status}`)
    }
    onOpen()
    const reader = response.body.getReader()
    const decoder = new TextDecoder()
    const parser = new SseParser()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) throw new Error('the event stream ended')
      for (const frame of parser.push(decoder.decode(value, { stream: true }))) options.onFrame(frame)
    }
  }

  void (async () => {
    let attempt = 0
    options.onState({ state: 'connecting' })
    while (!closed) {
      try {
        await readOnce(() => {
          attempt = 0
          options.onState({ state: 'open' })
        })
      } catch (error) {
        if (closed) return
        const retryInMs = backoff[Math.min(attempt, backoff.length - 1)] ?? 1000
        attempt++
        options.onState({ state: 'reconnecting', attempt, retryInMs, error: describe(error) })
        await sleep(retryInMs)
      }
    }
  })()

  return () => {
    closed = true
    controller.abort()
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
