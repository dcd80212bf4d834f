/// <reference types="node" />
// Builds the renderer exactly as electron.vite.config.ts does (root src/renderer, base './',
// the React plugin), into a folder of its own so it never races the shared out/ build.
import react from '@vitejs/plugin-react'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'vite'

export async function buildRenderer(outDir = mkdtempSync(join(tmpdir(), 'si-renderer-'))): Promise<string> {
  const root = resolve(import.meta.dirname, '../../../src/renderer')
  // vitest sets NODE_ENV=test, which would give React's development build and JSX runtime
  // (and mix them up): build as the product does.
  const saved = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await buildOnce(root, outDir)
  } finally {
    process.env.NODE_ENV = saved
  }
  return outDir
}

async function buildOnce(root: string, outDir: string): Promise<void> {
  await build({
    configFile: false,
    root,
    base: './',
    mode: 'production',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { index: join(root, 'index.html') } } }
  })
}
