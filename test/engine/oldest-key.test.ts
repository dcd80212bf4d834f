// OldestKey (oldest-key.ts): a bounded Map or Set forgets exactly its oldest key, in the order
// a plain array of keys would, through deletes, re-inserts (delete + set moves a key to the
// end), clear() and running dry.
import { describe, expect, it } from 'vitest'
import { OldestKey } from '../../src/main/engine/oldest-key'

/** A Map held at `max` keys, next to the same keys in an array in insertion order. */
function bounded(max: number) {
  const map = new Map<number, number>()
  const oldest = new OldestKey(() => map.keys())
  const order: number[] = []
  return {
    map,
    order,
    touch(key: number) {
      map.delete(key)
      map.set(key, key)
      const at = order.indexOf(key)
      if (at !== -1) order.splice(at, 1)
      order.push(key)
      if (map.size > max) {
        const gone = oldest.take() as number
        expect(gone).toBe(order.shift())
        map.delete(gone)
      }
    },
    remove(key: number) {
      map.delete(key)
      const at = order.indexOf(key)
      if (at !== -1) order.splice(at, 1)
    },
    clear() {
      map.clear()
      order.length = 0
    },
    take: () => oldest.take()
  }
}

describe('OldestKey', () => {
  it('hands out the oldest key through re-inserts, deletes and clears, as an array in insertion order would', () => {
    const b = bounded(50)
    for (let i = 0; i < 20_000; i++) {
      b.touch((i * 37) % 211)
      if (i % 7 === 0) b.remove((i * 13) % 211)
      if (i % 4_999 === 0) b.clear()
    }
    expect([...b.map.keys()]).toEqual(b.order)
  })

  it('says undefined when the collection is empty, and starts again once keys are added after it ran dry', () => {
    const set = new Set<string>()
    const oldest = new OldestKey(() => set.values())
    expect(oldest.take()).toBeUndefined()
    set.add('a')
    set.add('b')
    expect(oldest.take()).toBe('a')
    set.delete('a')
    expect(oldest.take()).toBe('b')
    set.delete('b')
    expect(oldest.take()).toBeUndefined()
    set.add('c')
    expect(oldest.take()).toBe('c')
  })
})
