#!/usr/bin/env node
// The package's command: the headless Session Inspector (proxy + control API + web UI).
'use strict'
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  console.error('session-inspector: not built yet; run `npm run build` first')
  process.exit(1)
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
