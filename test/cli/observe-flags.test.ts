// The command line's observe flags (cli-observe.ts): what they ask for, and the one-line
// usage errors for flags that say nothing about where the app's sessions are.
import { describe, expect, it } from 'vitest'
import { parseCli } from '../../src/main/cli'

const parse = (...args: string[]) => parseCli(args)

describe('observe flags', () => {
  it('reads --django-project (implying --observe-django), --database URLs and --cache', () => {
    expect(parse('--django-project', '/srv/shop', '--django-settings', 'shop.settings', '--python', '/venv/bin/python')).toMatchObject({
      observeDjango: true,
      observe: { project: { dir: '/srv/shop', settingsModule: 'shop.settings', python: '/venv/bin/python' } }
    })
    expect(parse('--observe-django', '--database', 'postgresql://u:p@h/db', '--cache', 'redis://h/1')).toMatchObject({ observe: { database: 'postgresql://u:p@h/db', cache: 'redis://h/1' } })
    expect(parse('--observe-django', '--engine', 'signed_cookies')).toMatchObject({ observe: { engine: 'signed_cookies' } })
    expect(parse('--observe-django', '--engine', 'file', '--set', 'SESSION_FILE_PATH=/tmp/s')).toMatchObject({ observe: { engine: 'file', filePath: '/tmp/s' } })
    expect(parse('--database', '/tmp/own.sqlite3')).toMatchObject({ observeDjango: false, database: '/tmp/own.sqlite3' })
  })

  it('refuses flags that cannot go together, in one line', () => {
    expect(() => parse('--observe-django')).toThrow(/^--observe-django needs to know where the app's sessions are: --django-project DIR, --database FILE\|URL, --cache URL/)
    expect(() => parse('--cache', 'redis://h/1')).toThrow(/^--cache goes with --observe-django or --django-project$/)
    expect(() => parse('--database', 'mysql://u@h/db')).toThrow(/^--database URL goes with --observe-django/)
    expect(() => parse('--observe-django', '--engine', 'nope', '--database', 'x')).toThrow(/^SESSION_ENGINE "nope": expected db, file, cache, cached_db, signed_cookies$/)
  })
})
