// An Api and EventSource that stand in for the inspector until it has started, so the control
// server can claim its port first and the inspector can be told the control URL it really got.
import { API_METHODS, type Api, type ApiEvent, type ApiMethod, type EventSource } from '../../shared/api'
import { ApiError } from '../../shared/errors'

export interface Relay {
  api: Api
  events: EventSource
  /** Routes calls and events to the started inspector from now on. */
  attach(target: { api: Api } & EventSource): void
  /** Stops relaying events (on shutdown). */
  detach(): void
}

export function createRelay(): Relay {
  let target: ({ api: Api } & EventSource) | null = null
  let unsubscribe: (() => void) | null = null
  const listeners = new Set<(event: ApiEvent) => void>()

  const api = {} as Record<ApiMethod, (input: unknown) => Promise<unknown>>
  for (const method of API_METHODS) {
    api[method] = async (input: unknown) => {
      if (!target) throw new ApiError('unsupported', 'Session Inspector is still starting; try again in a moment')
      return (target.api[method] as (input: unknown) => Promise<unknown>).call(target.api, input)
    }
  }

  return {
    api: api as unknown as Api,
    events: {
      subscribe(listener) {
        listeners.add(listener)
        return () => {
          listeners.delete(listener)
        }
      }
    },
    attach(next) {
      unsubscribe?.()
      target = next
      unsubscribe = next.subscribe((event) => {
        for (const listener of [...listeners]) listener(event)
      })
    },
    detach() {
      unsubscribe?.()
      unsubscribe = null
      target = null
    }
  }
}
