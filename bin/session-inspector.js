#!/usr/bin/env node
// The package's command: the headless Session Inspector (proxy + control API + web UI).
'use strict'
const { existsSync } = require('node:fs')
const { join } = require('node:path')

// Older Nodes crash loading the build (Node 20 with a segmentation fault): say so instead. A
// test runner that starts this command finds whichever `node` its PATH names first.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(`session-inspector: needs Node.js 22.13 or later; this is ${process.version} (${process.execPath})`)
  process.exit(1)
}

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  console.error('session-inspector: not built yet; run `npm run build` first')
  process.exit(1)
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
