// A throwaway PostgreSQL for a benchmark: the recipe of test/support/postgres-server.ts (initdb
// in a temp dir, a free loopback port, fsync off, as nobody when run as root), without vitest.
import { execFile, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PG_BIN =
  process.env.PG_BIN ??
  `/usr/lib/postgresql/${(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [])[0] ?? '15'}/bin`
const AS_ROOT = process.getuid?.() === 0
const asUser = (file: string, args: string[]): [string, string[]] =>
  AS_ROOT ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--reset-env', file, ...args]] : [file, args]
const own = (path: string) => AS_ROOT && chownSync(path, 65534, 65534)

const exec = (file: string, args: string[]) =>
  new Promise<void>((resolve, reject) => execFile(file, args, (e, out, err) => (e ? reject(new Error(`${file}: ${e.message}\n${out}${err}`)) : resolve())))

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))))
    })
  })

export interface BenchPostgres {
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

export async function startPostgres(): Promise<BenchPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'si-bench-pg-'))
  own(dir)
  const password = 'pg-bench-password'
  const pwfile = join(dir, 'pw')
  writeFileSync(pwfile, password)
  own(pwfile)
  const data = join(dir, 'data')
  await exec(...asUser(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions']))
  const port = await freePort()
  const child = spawn(...asUser(join(PG_BIN, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']), { stdio: 'ignore' })
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), r(true)))
      s.once('error', () => r(false))
    })
    if (up) break
    if (i > 300 || child.exitCode !== null) throw new Error('postgres did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    async createDatabase(name) {
      await exec(join(PG_BIN, 'psql'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`])
      return `postgresql://postgres:${password}@127.0.0.1:${port}/${name}`
    },
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
