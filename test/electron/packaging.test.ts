// The packaging configuration: the four installers, better-sqlite3 rebuilt for Electron and
// unpacked from the archive, the files the app loads at run time, and no install-time rebuild.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url)
const text = (file: string) => readFileSync(new URL(file, ROOT), 'utf8')
const builder = text('electron-builder.yml')
const pkg = JSON.parse(text('package.json')) as { main: string; scripts: Record<string, string>; dependencies: Record<string, string> }

/** The items of a YAML list under `key` (flat, as electron-builder.yml writes them). */
function list(key: string): string[] {
  const m = new RegExp(`^(\\s*)${key}:\\s*\\n((?:\\1\\s+- .*\\n)+)`, 'm').exec(builder)
  return m ? [...(m[2] as string).matchAll(/- "?([^"\n]+)"?/g)].map((x) => (x[1] as string).trim()) : []
}

describe('electron-builder.yml', () => {
  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(list('target')).toEqual(expect.arrayContaining(['AppImage', 'deb']))
    expect(builder).toMatch(/^mac:\n(?:\s+.*\n)*?\s+target: dmg$/m)
    expect(builder).toMatch(/^win:\n(?:\s+.*\n)*?\s+target: nsis$/m)
  })

  it('rebuilds better-sqlite3 for Electron and keeps its binary out of the asar archive', () => {
    expect(builder).toMatch(/^npmRebuild: true$/m)
    expect(list('asarUnpack')).toContain('node_modules/better-sqlite3/**/*.node')
    expect(pkg.dependencies['better-sqlite3']).toBeDefined()
  })

  it('packs the build the app loads: main entry, preload and UI under out/', () => {
    expect(list('files')).toContain('out/**')
    expect(pkg.main).toBe('./out/main/index.js')
    // main.ts loads these from app.getAppPath().
    const main = text('src/main/electron/main.ts')
    expect(main).toContain("join(app.getAppPath(), 'out', 'preload', 'index.cjs')")
    expect(main).toContain("join(app.getAppPath(), 'out', 'renderer')")
    expect(text('electron.vite.config.ts')).toContain("entryFileNames: '[name].cjs'")
  })
})

describe('package.json', () => {
  it('never rebuilds native modules for Electron on install (tests and the CLI use Node)', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(pkg.scripts[hook] ?? '').not.toMatch(/install-app-deps|electron-rebuild|electron-builder/)
    }
  })

  it('packages through scripts/dist.mjs, which puts the Node build of better-sqlite3 back', () => {
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
    expect(existsSync(new URL('scripts/dist.mjs', ROOT))).toBe(true)
    expect(text('scripts/dist.mjs')).toContain("run('npm', ['rebuild', 'better-sqlite3'])")
  })
})
