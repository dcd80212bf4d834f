// GET /api/events: the API's events as Server-Sent Events, one subscription per client.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiEvent, EventSource } from '../../shared/api'

export const PING_INTERVAL_MS = 15_000
/** A client that stops reading is dropped once this much is waiting for it. */
const MAX_BUFFERED = 8 * 1024 * 1024

/** One SSE frame. JSON.stringify never emits a raw newline, so `data:` stays one line. */
export function formatEvent(event: ApiEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.payload)}\n\n`
}

export interface OpenStream {
  /** Ends the stream (server shutdown). */
  end(): void
}

/** Starts streaming; the subscription and the ping timer end when the client goes away. */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  events: EventSource,
  options: { pingIntervalMs?: number; onClose: () => void; log: (line: string) => void }
): OpenStream {
  res.statusCode = 200
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
  res.setHeader('Connection', 'keep-alive')
  res.setHeader('X-Accel-Buffering', 'no')
  req.socket.setNoDelay(true)
  // A first comment lets the client see the headers at once.
  res.write(': connected\n\n')

  let closed = false
  const write = (text: string): void => {
    if (closed) return
    if (res.writableLength > MAX_BUFFERED) {
      close()
      res.destroy()
      return
    }
    res.write(text)
  }
  const unsubscribe = events.subscribe((event) => {
    let frame: string
    try {
      frame = formatEvent(event)
    } catch (e) {
      options.log(`control: event ${event.type} not sent: ${(e as Error).message}`)
      return
    }
    write(frame)
  })
  const ping = setInterval(() => write(': ping\n\n'), options.pingIntervalMs ?? PING_INTERVAL_MS)
  ping.unref()

  function close(): void {
    if (closed) return
    closed = true
    clearInterval(ping)
    unsubscribe()
    options.onClose()
  }
  // Not req's 'close': since Node 16 it fires once the request body is read, not on disconnect.
  // A client that half-closes its side leaves the socket open, so it is destroyed here.
  res.on('close', () => {
    close()
    res.destroy()
  })
  return {
    end() {
      close()
      res.end(() => res.destroy())
    }
  }
}
