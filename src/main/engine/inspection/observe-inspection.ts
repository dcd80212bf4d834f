// The inspection interface over observe mode's AppStore: the app's own store, paged in it
// (each store pages natively: see the store's page()).
import type { SessionData } from '../../../shared/json'
import type { AppStore } from '../observe/app-store'
import type { SessionRecord } from '../session-store'
import type { Count, Inspection, InspectionLimits, Page, PageQuery } from './inspection'

export class ObserveInspection implements Inspection {
  constructor(readonly store: AppStore) {}

  get limits(): InspectionLimits {
    const { list, edit } = this.store.limits
    return { ...(list ? { list, count: list } : {}), ...(edit ? { edit } : {}) }
  }

  page(query: PageQuery): Promise<Page> {
    return this.store.page(query)
  }

  count(): Promise<Count> {
    return this.store.count()
  }

  read(key: string): Promise<SessionRecord | null> {
    return this.store.record(key)
  }

  async save(key: string, data: SessionData): Promise<string | null> {
    if (!(await this.store.record(key))) return null
    return this.store.save(key, data)
  }

  expire(key: string): Promise<boolean> {
    return this.store.expireNow(key)
  }

  delete(key: string): Promise<boolean> {
    return this.store.delete(key)
  }

  clearExpired(): Promise<number> {
    return this.store.clearExpired()
  }
}
