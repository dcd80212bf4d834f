// The one service that composes engine and proxy and implements the API contract.
// (Skeleton: the implementation lands with the proxy issue.)
import type { Api, ApiEvent, EventSource } from '../shared/api'
import { ApiError } from '../shared/errors'
import type { InspectorOptions } from './inspector-options'

export type { InspectorOptions } from './inspector-options'

const notYet = (): never => {
  throw new ApiError('internal', 'not implemented yet')
}

export class Inspector implements EventSource {
  /** The API, for transports: every method validated and implemented once. */
  readonly api: Api
  private listeners = new Set<(event: ApiEvent) => void>()

  private constructor(readonly options: InspectorOptions) {
    this.api = new Proxy({} as Api, { get: () => notYet })
  }

  /** Opens the stores, starts the proxy (and the demo app when upstream is "demo"). */
  static async start(options: InspectorOptions): Promise<Inspector> {
    return new Inspector(options)
  }

  /** Proxy URL, e.g. http://127.0.0.1:8080 */
  get proxyUrl(): string {
    return notYet()
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Closes the proxy, the demo app and the databases. Safe to call twice. */
  async close(): Promise<void> {}
}
