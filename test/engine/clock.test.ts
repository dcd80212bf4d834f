import { describe, expect, it } from 'vitest'
import { Clock } from '../../src/main/engine'

describe('the engine clock', () => {
  it('advances, sets, freezes, resets and notifies', () => {
    let real = Date.parse('2026-11-22T10:00:00Z')
    const clock = new Clock(() => real)
    let changes = 0
    clock.onChange(() => changes++)
    clock.advance(90.5)
    expect(clock.now().toISOString()).toBe('2026-11-22T10:01:30.500Z')
    real += 1000
    expect(clock.snapshot().offsetMs).toBe(90_500)
    clock.freeze(true)
    real += 60_000
    expect(clock.now().toISOString()).toBe('2026-11-22T10:01:31.500Z')
    clock.advance(10)
    expect(clock.now().toISOString()).toBe('2026-11-22T10:01:41.500Z')
    clock.freeze(false)
    real += 1000
    expect(clock.now().toISOString()).toBe('2026-11-22T10:01:42.500Z')
    clock.set(new Date('2030-01-01T00:00:00Z'))
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z')
    clock.reset()
    expect(clock.nowMs()).toBe(real)
    expect(changes).toBe(6)
  })

  it('refuses negative or non-finite advances and invalid dates', () => {
    const clock = new Clock()
    expect(() => clock.advance(-1)).toThrow(RangeError)
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError)
    expect(() => clock.set(new Date('nope'))).toThrow(RangeError)
  })
})
