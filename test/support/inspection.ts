// Test helpers over the inspection interface: every page of a store (small test stores only),
// and the old one-call answers (expire / save, then the session as the inspector shows it).
import type { SessionData } from '../../src/shared/json'
import type { Engine, InspectedSession, SessionRecord } from '../../src/main/engine'
import type { Page, PageQuery } from '../../src/main/engine/inspection/inspection'

interface Pager {
  page(q: PageQuery): Promise<Page>
}

/** Every record, page after page (an AppStore, an Inspection), or every inspected session of an Engine. */
export async function listAll(from: Engine): Promise<InspectedSession[]>
export async function listAll(from: Pager): Promise<SessionRecord[]>
export async function listAll(from: Engine | Pager): Promise<SessionRecord[]> {
  const engine = 'inspection' in from ? from : null
  const pager: Pager = engine ? engine.inspection : (from as Pager)
  const out: SessionRecord[] = []
  let cursor: string | null = null
  do {
    const page: Page = await pager.page({ limit: 1000, cursor })
    out.push(...page.records)
    cursor = page.next
  } while (cursor !== null)
  return engine ? out.map((r) => engine.inspect(r)) : out
}

export async function expireNow(engine: Engine, key: string): Promise<InspectedSession | null> {
  return (await engine.inspection.expire(key)) ? engine.find(key) : null
}

export async function saveData(engine: Engine, key: string, data: SessionData): Promise<InspectedSession | null> {
  const saved = await engine.inspection.save(key, data)
  return saved === null ? null : engine.find(saved)
}
