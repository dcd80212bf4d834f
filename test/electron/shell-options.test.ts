// The desktop app's command line: a few flags, Chromium's switches left alone, bad values named.
import { describe, expect, it } from 'vitest'
import { parseHostPort, readShellOptions } from '../../src/main/electron/shell-options'

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:9000', { host: '127.0.0.1', port: 9000 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:8081', { host: '::1', port: 8081 }],
    ['9001', { host: '127.0.0.1', port: 9001 }]
  ])('%s', (text, want) => {
    expect(parseHostPort(text)).toEqual(want)
  })

  it.each(['', 'host:', ':80', 'host:65536', 'host:http', '::1:80', 'a:b:c'])('refuses %j', (text) => {
    expect(parseHostPort(text)).toBeNull()
  })
})

describe('readShellOptions', () => {
  it('uses the documented defaults', () => {
    expect(readShellOptions(['/usr/bin/electron', '.'])).toEqual({
      listen: { host: '127.0.0.1', port: 8080 },
      control: { host: '127.0.0.1', port: 8081 },
      warnings: []
    })
  })

  it('reads flags in both spellings and ignores Chromium switches', () => {
    const options = readShellOptions([
      'electron', '.', '--no-sandbox', '--upstream', 'http://localhost:8000', '--listen=127.0.0.1:9080', '--control', '9081', '--data-dir=/tmp/si', '--enable-logging'
    ])
    expect(options).toEqual({
      upstream: 'http://localhost:8000',
      listen: { host: '127.0.0.1', port: 9080 },
      control: { host: '127.0.0.1', port: 9081 },
      dataDir: '/tmp/si',
      warnings: []
    })
  })

  it('names what it ignored and why', () => {
    const options = readShellOptions(['app', '--upstream', 'ftp://x', '--listen', 'nowhere', '--control'])
    expect(options.upstream).toBeUndefined()
    expect(options.listen).toEqual({ host: '127.0.0.1', port: 8080 })
    expect(options.warnings).toEqual([
      '--control needs a value',
      '--upstream must be an http(s) URL or "demo", got "ftp://x"',
      '--listen must be HOST:PORT, got "nowhere"'
    ])
  })

  it('accepts the demo upstream', () => {
    expect(readShellOptions(['app', '--upstream=demo']).upstream).toBe('demo')
  })
})
