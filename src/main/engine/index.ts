// The engine's public face for the proxy and the inspector.
export { Engine, type EngineOptions, type InspectedSession } from './engine'
export { Clock, type ClockSnapshot } from './clock'
export { SecurityLog, type SecurityLogLine } from './security-log'
export { SessionStore, type Peek, type SessionRecord } from './session-store'
export { decideResponse, processResponse, sessionSetCookie, sessionDeleteCookie, patchVary, formatSetCookie } from './middleware'
export * from './errors'
