// Runs a listener just before a response's head is written, however it gets written:
// res.writeHead, or implicitly by res.write/res.end/res.flushHeaders (Express's res.json
// and res.send end in res.end), which all go through writeHead.
import type { ServerResponse } from 'node:http'

export function onHeaders(res: ServerResponse, listener: () => void): void {
  const writeHead = res.writeHead
  let fired = false
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!fired && !this.headersSent) {
      fired = true
      // writeHead(status) comes before setHeader would see the final status: keep it in sync
      // for listeners that look at it.
      if (typeof args[0] === 'number') this.statusCode = args[0]
      listener()
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args)
  } as ServerResponse['writeHead']
}
