// Starts one real redis-server on a free loopback port for the whole run, and stops it
// afterwards; builds the Django 5.2 environment once (django-venv.ts). Tests read them with
// inject('redisUrl') and inject('django5Python').
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ensureDjango5Python } from './django-venv'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
    /** The python of the Django 5.2 virtual environment. */
    django5Python: string
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`redis-server did not listen on ${port}`)
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('django5Python', await ensureDjango5Python())
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'si-redis-'))
  let child: ChildProcess
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore'
    })
  } catch (e) {
    throw new Error(`cannot start redis-server (apt-get install -y redis-server): ${(e as Error).message}`)
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve())
    child.once('error', (e) => reject(new Error(`cannot start redis-server (apt-get install -y redis-server): ${e.message}`)))
  })
  await waitForPort(port, child)
  project.provide('redisUrl', `redis://127.0.0.1:${port}`)
  return async () => {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}
