// What `npm install` promises: every locked package runs on the oldest Node that package.json's
// `engines` names (so the install prints no EBADENGINE warning there), the README names that
// same version, and electron-builder.yml passes the installed electron-builder's own schema.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url)
const text = (file: string) => readFileSync(new URL(file, ROOT), 'utf8')
const pkg = JSON.parse(text('package.json')) as { engines: { node: string } }
const lock = JSON.parse(text('package-lock.json')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>
}
const oldest = semver.minVersion(pkg.engines.node)?.version ?? ''

describe('the Node version', () => {
  it('package.json names a lower bound, and this Node satisfies it', () => {
    expect(oldest).toMatch(/^\d+\.\d+\.\d+$/)
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true)
  })

  it('every package in the lockfile accepts the oldest Node that package.json allows', () => {
    const refused = Object.entries(lock.packages)
      .filter(([name, entry]) => name !== '' && !Array.isArray(entry.engines) && entry.engines?.node)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node, { includePrerelease: true }))
      .map(([name, entry]) => `${name}@${entry.version} wants node ${(entry.engines as { node: string }).node}`)
    expect(refused).toEqual([])
  })

  it('the README names the same version', () => {
    expect(text('README.md')).toContain(`Node.js ${semver.major(oldest)}.${semver.minor(oldest)}`)
  })

  it('the lockfile keeps the packages of other platforms (macOS, Windows)', () => {
    expect(lock.packages['node_modules/@rollup/rollup-darwin-arm64']).toBeDefined()
    expect(lock.packages['node_modules/@esbuild/win32-x64']).toBeDefined()
  })
})

describe('electron-builder.yml', () => {
  it('passes the schema of the installed electron-builder, which refuses an unknown key', async () => {
    const require = createRequire(new URL('package.json', ROOT))
    const config = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(dir: string, path: null, options: null): Promise<Record<string, unknown>>
      validateConfiguration(config: Record<string, unknown>, log: unknown): Promise<void>
    }
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    const loaded = await config.getConfig(new URL('.', ROOT).pathname, null, null)
    expect(loaded.appId).toBe('dev.session-inspector.app')
    await expect(config.validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined()
    await expect(config.validateConfiguration({ ...loaded, notAnOption: 1 }, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/
    )
  })
})
