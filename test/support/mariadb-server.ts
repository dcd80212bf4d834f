// A real MariaDB for a test file: mariadb-install-db in a temporary directory, mariadbd on a
// free loopback port and a socket there, with a `django` user that needs its password.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { AS_ROOT, freePort, run, stopChild, waitForPort } from './processes'

export interface MariadbServer {
  port: number
  user: string
  password: string
  /** A new, empty database; returns its mysql:// URL. */
  createDatabase(name: string): Promise<string>
  url(database: string, credentials?: { user?: string; password?: string }): string
  stop(): Promise<void>
}

export async function startMariadb(): Promise<MariadbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'si-mariadb-'))
  const data = join(dir, 'data')
  const socket = join(dir, 'mysqld.sock')
  const user = 'django'
  const password = 'maria-test-password'
  const asUser = AS_ROOT ? ['--user=root'] : []
  try {
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asUser]).catch((e: Error) => {
      throw new Error(`cannot initialise MariaDB (apt-get install mariadb-server): ${e.message}`)
    })
    const port = await freePort()
    const child = spawn('mariadbd', ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'pid')}`, '--skip-log-bin', '--innodb-buffer-pool-size=16M', '--innodb-log-file-size=8M', '--skip-name-resolve', ...asUser], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    await waitForPort(port, child, 'mariadbd', () => output)
    const admin = await mysql.createConnection({ socketPath: socket, user: 'root' })
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`)
    await admin.query(`GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%'`)
    const url = (database: string, c: { user?: string; password?: string } = {}) =>
      `mysql://${encodeURIComponent(c.user ?? user)}:${encodeURIComponent(c.password ?? password)}@127.0.0.1:${port}/${database}`
    let stopping: Promise<void> | undefined
    return {
      port,
      user,
      password,
      url,
      async createDatabase(name) {
        await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
        return url(name)
      },
      stop: () =>
        (stopping ??= admin
          .end()
          .catch(() => undefined)
          .then(() => stopChild(child))
          .then(() => rmSync(dir, { recursive: true, force: true })))
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}
