// The application menu: clock shortcuts reach their actions, standard menus, links open outside.
import { describe, expect, it } from 'vitest'
import { buildMenuTemplate, HELP_LINKS, type MenuActions } from '../../src/main/electron/menu'

type Item = { label?: string; role?: string; accelerator?: string; type?: string; checked?: boolean; click?: () => void; submenu?: Item[] }

function recordingActions(withControl = true) {
  const log: string[] = []
  const actions: MenuActions = {
    advanceClock: (s) => log.push(`advance ${s}`),
    setFrozen: (f) => log.push(`frozen ${f}`),
    resetClock: () => log.push('reset'),
    closeBrowser: () => log.push('close browser'),
    openExternal: (url) => log.push(`open ${url}`),
    showDataFolder: () => log.push('data folder'),
    ...(withControl && { openWebUi: () => log.push('web ui'), copyControlToken: () => log.push('copy token') })
  }
  return { actions, log }
}

const build = (platform: NodeJS.Platform, frozen = false, withControl = true) => {
  const { actions, log } = recordingActions(withControl)
  const template = buildMenuTemplate(actions, { platform, appName: 'Session Inspector', frozen }) as Item[]
  const find = (label: string): Item => {
    const stack = [...template]
    while (stack.length) {
      const item = stack.shift() as Item
      if (item.label === label) return item
      stack.push(...(item.submenu ?? []))
    }
    throw new Error(`no menu item ${label}`)
  }
  return { template, log, find }
}

describe('menu', () => {
  it.each([
    ['Advance 1 Minute', 'CmdOrCtrl+1', 'advance 60'],
    ['Advance 1 Hour', 'CmdOrCtrl+2', 'advance 3600'],
    ['Advance 1 Day', 'CmdOrCtrl+3', 'advance 86400'],
    ['Advance 2 Weeks', 'CmdOrCtrl+4', 'advance 1209600'],
    ['Reset Clock', 'CmdOrCtrl+Shift+0', 'reset'],
    ['Close Browser (Simulate)', 'CmdOrCtrl+Shift+B', 'close browser']
  ])('%s (%s) runs its action', (label, accelerator, logged) => {
    const { find, log } = build('linux')
    const item = find(label)
    expect(item.accelerator).toBe(accelerator)
    item.click?.()
    expect(log).toEqual([logged])
  })

  it('shows the frozen state and toggles it', () => {
    const running = build('linux', false)
    expect(running.find('Freeze Clock')).toMatchObject({ type: 'checkbox', checked: false })
    running.find('Freeze Clock').click?.()
    expect(running.log).toEqual(['frozen true'])
    const stopped = build('linux', true)
    expect(stopped.find('Freeze Clock').checked).toBe(true)
    stopped.find('Freeze Clock').click?.()
    expect(stopped.log).toEqual(['frozen false'])
  })

  it('has the standard menus, and the app menu first on macOS only', () => {
    const linux = build('linux').template
    expect(linux.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'Clock', 'Browser', 'windowMenu', 'help'])
    const mac = build('darwin').template
    expect(mac[0]?.label).toBe('Session Inspector')
    expect(mac[0]?.submenu?.some((i) => i.role === 'quit')).toBe(true)
    expect(linux[0]?.submenu?.some((i) => i.role === 'quit')).toBe(true)
  })

  it('opens help links in the system browser', () => {
    const { find, log } = build('win32')
    for (const link of HELP_LINKS) find(link.label).click?.()
    expect(log).toEqual(HELP_LINKS.map((l) => `open ${l.url}`))
    expect(HELP_LINKS.every((l) => l.url.startsWith('https://'))).toBe(true)
  })

  it('offers the web UI and token only when the control server runs', () => {
    expect(() => build('linux', false, true).find('Open Web UI in Browser')).not.toThrow()
    expect(() => build('linux', false, false).find('Open Web UI in Browser')).toThrow()
    expect(() => build('linux', false, false).find('Copy Control API Token')).toThrow()
    const { find, log } = build('linux', false, false)
    find('Show Data Folder').click?.()
    expect(log).toEqual(['data folder'])
  })

  it('gives every accelerator to one item only', () => {
    const { template } = build('linux')
    const seen: string[] = []
    const walk = (items: Item[]): void => {
      for (const item of items) {
        if (item.accelerator) seen.push(item.accelerator)
        walk(item.submenu ?? [])
      }
    }
    walk(template)
    expect(new Set(seen).size).toBe(seen.length)
  })
})
