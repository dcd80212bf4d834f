// The clock's bounds (issue 18): the engine's own (Django's datetime holds years 1 to 9999,
// and a session saved at the latest moment must still expire within it), tightened in observe
// mode by what the app's store holds (engine/observe: each store's lagBounds()).
import type { ClockBounds } from '../../shared/clock-bounds'
import type { Settings } from '../../shared/settings'
import { DJANGO_MAX_MS, DJANGO_MIN_MS, type LagBounds } from '../engine/observe/app-store'

export function clockBounds(settings: Settings, realNowMs: number, lag?: LagBounds): ClockBounds {
  const age = settings.SESSION_COOKIE_AGE * 1000
  let latest = DJANGO_MAX_MS - age
  let latestLimit = `a session saved then would expire after 9999-12-31 23:59:59 UTC (SESSION_COOKIE_AGE ${settings.SESSION_COOKIE_AGE} s), the latest date Django's datetime holds`
  let earliest = DJANGO_MIN_MS
  let earliestLimit = "Django's datetime starts at year 1"
  if (lag && realNowMs + lag.maxLagMs < latest) {
    latest = realNowMs + lag.maxLagMs
    latestLimit = lag.maxReason
  }
  if (lag && realNowMs + lag.minLagMs > earliest) {
    earliest = realNowMs + lag.minLagMs
    earliestLimit = lag.minReason
  }
  return { earliest: new Date(earliest).toISOString(), earliestLimit, latest: new Date(latest).toISOString(), latestLimit }
}
