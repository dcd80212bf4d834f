// A real PostgreSQL for a test file: initdb in a temporary directory, postgres on a free
// loopback port (and a Unix socket in that directory), fsync off; as nobody when the tests
// run as root. TCP needs the password; the socket trusts.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, giveAway, run, stopChild, unprivileged, waitForPort } from './processes'

/** Debian's PostgreSQL binaries, the newest version installed (or PG_BIN). */
export const PG_BIN =
  process.env.PG_BIN ??
  (() => {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
    return `/usr/lib/postgresql/${versions[0] ?? '15'}/bin`
  })()

export interface PostgresServer {
  host: string
  port: number
  user: string
  password: string
  /** A new, empty database; returns its postgresql:// URL. */
  createDatabase(name: string): Promise<string>
  url(database: string, credentials?: { user?: string; password?: string }): string
  stop(): Promise<void>
}

export async function startPostgres(): Promise<PostgresServer> {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`no PostgreSQL in ${PG_BIN} (apt-get install postgresql, or set PG_BIN)`)
  const dir = mkdtempSync(join(tmpdir(), 'si-postgres-'))
  giveAway(dir)
  const user = 'postgres'
  const password = 'pg-test-password'
  const data = join(dir, 'data')
  const pwfile = join(dir, 'pw')
  writeFileSync(pwfile, password)
  giveAway(pwfile)
  try {
    const [initdb, initArgs] = unprivileged(join(PG_BIN, 'initdb'), ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions'])
    await run(initdb, initArgs)
    const port = await freePort()
    const [postgres, args] = unprivileged(join(PG_BIN, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])
    const child = spawn(postgres, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    await waitForPort(port, child, 'postgres', () => output)
    const url = (database: string, c: { user?: string; password?: string } = {}) =>
      `postgresql://${encodeURIComponent(c.user ?? user)}:${encodeURIComponent(c.password ?? password)}@127.0.0.1:${port}/${database}`
    let stopping: Promise<void> | undefined
    return {
      host: '127.0.0.1',
      port,
      user,
      password,
      url,
      async createDatabase(name) {
        await run(join(PG_BIN, 'psql'), ['-h', dir, '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`])
        return url(name)
      },
      stop: () => (stopping ??= stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })))
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}
