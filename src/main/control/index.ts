// The control transport: HTTP + SSE server of the API and the web UI, and the token it checks.
export { startControlServer, type ControlServer, type ControlServerOptions } from './server'
export { loadOrCreateToken, readTokenFile, generateToken, isUsableToken, TOKEN_ENV } from './token'
export { UI_CSP } from './http-util'
export { resolveStaticPath, contentTypeOf } from './static-files'
