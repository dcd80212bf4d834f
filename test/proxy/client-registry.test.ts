// The client registry's bound (clients.ts): each request without si_client makes a client
// (curl without a cookie jar, a health check), so past 500 it forgets the least recently
// seen, whoever came back since stays, and a restart finds the same 500 (a forgotten one back with its cookie included).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientRegistry } from '../../src/main/proxy/clients'

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

describe('the client registry', () => {
  it('keeps the 500 most recently seen clients, in memory and across a restart', () => {
    dir = mkdtempSync(join(tmpdir(), 'si-clients-'))
    const path = join(dir, 'clients.sqlite3')
    const registry = new ClientRegistry(path)
    const first = registry.identify(undefined, 'curl/8', 1_000).client
    const ids: string[] = [first.id]
    for (let i = 1; i < 800; i++) {
      ids.push(registry.identify(undefined, 'curl/8', 1_000 + i).client.id)
      // The first client comes back now and then: it is never the least recently seen.
      if (i % 100 === 0) expect(registry.identify(first.id, 'curl/8', 1_000 + i).isNew).toBe(false)
    }
    const kept = registry.all().map((c) => c.id)
    expect(kept).toHaveLength(500)
    expect(new Set(kept)).toEqual(new Set([first.id, ...ids.slice(-499)]))
    expect(registry.get(ids[1]!)).toBeUndefined()
    // A forgotten client's cookie names a new client of the same id (the browser keeps its cookie).
    const back = registry.identify(ids[1], 'curl/8', 2_000)
    expect(back).toMatchObject({ isNew: true, client: { id: ids[1], firstSeen: 2_000 } })
    expect(registry.get(ids[301]!)).toBeUndefined() // the least recently seen made room for it
    expect(registry.all()).toHaveLength(500)
    registry.close()

    const reopened = new ClientRegistry(path)
    expect(new Set(reopened.all().map((c) => c.id))).toEqual(new Set(registry.all().map((c) => c.id)))
    // Reopened, the order of last seen still decides: the oldest goes first.
    const oldest = reopened.all().at(-1)!.id
    reopened.identify(undefined, 'curl/8', 3_000)
    expect(reopened.get(oldest)).toBeUndefined()
    expect(reopened.all()).toHaveLength(500)
    reopened.close()
  })
})
