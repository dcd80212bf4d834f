// Window size and place: validated on load, put back on a display that exists, saved atomically.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SIZE, fitToDisplays, loadWindowState, parseWindowState, saveWindowState } from '../../src/main/electron/window-state'

const primary = { x: 0, y: 0, width: 1920, height: 1050 }
const right = { x: 1920, y: 0, width: 2560, height: 1400 }

describe('parseWindowState', () => {
  it('reads a valid state', () => {
    expect(parseWindowState('{"x":10,"y":20,"width":1000,"height":700,"maximized":true}')).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true })
  })

  it('keeps the size without a position when the position is bad', () => {
    expect(parseWindowState('{"x":"10","y":20,"width":1000,"height":700}')).toEqual({ width: 1000, height: 700, maximized: false })
    expect(parseWindowState('{"x":1e9,"y":20,"width":1000,"height":700}')).toEqual({ width: 1000, height: 700, maximized: false })
  })

  it.each(['', 'null', '[]', '{"width":0,"height":700}', '{"width":1000.5,"height":700}', '{"width":-5,"height":700}', '{"width":"big","height":700}', '{"height":700}', '{not json'])(
    'refuses %s',
    (text) => {
      expect(parseWindowState(text)).toBeNull()
    }
  )
})

describe('fitToDisplays', () => {
  it('opens centred at the default size on the primary display the first time', () => {
    expect(fitToDisplays(null, [primary], primary)).toEqual({ x: 320, y: 125, ...DEFAULT_SIZE, maximized: false })
  })

  it('keeps a window that is visible where it was', () => {
    const state = { x: 2000, y: 100, width: 1200, height: 800, maximized: false }
    expect(fitToDisplays(state, [primary, right], primary)).toEqual({ ...state })
  })

  it('moves a window back onto the primary display when its monitor is gone', () => {
    const state = { x: 2000, y: 100, width: 1200, height: 800, maximized: true }
    expect(fitToDisplays(state, [primary], primary)).toEqual({ x: 360, y: 125, width: 1200, height: 800, maximized: true })
  })

  it('treats a window with only a sliver on screen as lost', () => {
    const state = { x: 1900, y: 100, width: 1200, height: 800, maximized: false }
    const fitted = fitToDisplays(state, [primary], primary)
    expect(fitted.x).toBe(360)
  })

  it('pulls a partly off-screen window fully inside its display', () => {
    const state = { x: -300, y: 900, width: 1200, height: 800, maximized: false }
    expect(fitToDisplays(state, [primary], primary)).toEqual({ x: 0, y: 250, width: 1200, height: 800, maximized: false })
  })

  it('shrinks a window larger than its display to fit', () => {
    const small = { x: 0, y: 0, width: 1280, height: 720 }
    const fitted = fitToDisplays({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, [small], small)
    expect(fitted).toEqual({ x: 0, y: 0, width: 1280, height: 720, maximized: false })
  })

  it('uses the display that shows most of the window', () => {
    const state = { x: 1500, y: 0, width: 1200, height: 800, maximized: false }
    const fitted = fitToDisplays(state, [primary, right], primary)
    expect(fitted).toMatchObject({ x: 1920, y: 0 })
  })

  it('grows a tiny saved window to the minimum size', () => {
    const fitted = fitToDisplays({ x: 10, y: 10, width: 200, height: 100, maximized: false }, [primary], primary)
    expect(fitted).toMatchObject({ width: 720, height: 480 })
  })
})

describe('load and save', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'si-winstate-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('round-trips through the file, leaving no temporary file behind', () => {
    const file = join(dir, 'nested', 'window-state.json')
    saveWindowState(file, { x: 5, y: 6, width: 900, height: 600, maximized: false })
    expect(loadWindowState(file)).toEqual({ x: 5, y: 6, width: 900, height: 600, maximized: false })
    expect(readdirSync(join(dir, 'nested'))).toEqual(['window-state.json'])
  })

  it('reads a missing or corrupt file as no state', () => {
    expect(loadWindowState(join(dir, 'missing.json'))).toBeNull()
    writeFileSync(join(dir, 'bad.json'), '{"width": 90')
    expect(loadWindowState(join(dir, 'bad.json'))).toBeNull()
  })
})
