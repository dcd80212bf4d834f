// scripts/test-requirements.mjs, which `npm test` runs first: silent when the machine has
// everything; when something is missing and it cannot install it (here: a PATH with nothing
// but Node, so no apt-get and no sudo), one line naming what is missing and the one command
// to run, and exit 1 at once.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SCRIPT = join(fileURLToPath(new URL('../../', import.meta.url)), 'scripts', 'test-requirements.mjs')
const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8', timeout: 60_000 })

describe('npm test: what the tests need', () => {
  it('says nothing and passes on a machine that has it all (this one: the tests below need it)', () => {
    const r = run(process.env)
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' })
  })

  it('stops at once with the exact command when programs are missing and it cannot install them', () => {
    const r = run({ ...process.env, PATH: dirname(process.execPath) })
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^npm test needs redis-server, .*memcached, chromedriver\. Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server .*memcached chromium-driver/)
  })
})
