import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// One build for three targets. The main build has five entries: the Electron app,
// the headless CLI (plain Node), the Node adapter that user apps import, the Playwright
// Test fixture (session-inspector/playwright; @playwright/test is the user's, never bundled),
// and the traffic log's writer thread.
export default defineConfig({
  main: {
    build: {
      target: 'node20',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/main.ts'),
          cli: resolve(__dirname, 'src/main/cli.ts'),
          adapters: resolve(__dirname, 'src/adapters/index.ts'),
          playwright: resolve(__dirname, 'src/adapters/playwright/index.ts'),
          // The traffic log's writer thread (src/main/proxy/traffic-log.ts starts it by this name).
          'traffic-writer': resolve(__dirname, 'src/main/proxy/traffic-writer-worker.ts')
        },
        external: ['@playwright/test']
      }
    }
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    },
    plugins: [react()]
  }
})
