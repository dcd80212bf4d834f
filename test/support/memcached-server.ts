// A real memcached for a test file, on a free loopback port (its LRU crawler on, as by
// default; `options` can turn it off to test a memcached that cannot list its keys).
import { spawn } from 'node:child_process'
import { AS_ROOT, freePort, stopChild, waitForPort } from './processes'

export interface MemcachedServer {
  port: number
  /** host:port */
  address: string
  stop(): Promise<void>
}

export async function startMemcached(options: string[] = []): Promise<MemcachedServer> {
  const port = await freePort()
  const child = spawn('memcached', ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-m', '16', ...(AS_ROOT ? ['-u', 'root'] : []), ...options], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const failed = new Promise<Error>((resolve) => child.once('error', resolve))
  const started = await Promise.race([waitForPort(port, child, 'memcached', () => output).then(() => null), failed])
  if (started) throw new Error(`cannot start memcached (apt-get install memcached): ${started.message}`)
  let stopping: Promise<void> | undefined
  return { port, address: `127.0.0.1:${port}`, stop: () => (stopping ??= stopChild(child)) }
}
