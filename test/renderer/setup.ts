// Component tests run in happy-dom; Testing Library cleans up between tests.
import { afterEach } from 'vitest'
import { cleanup } from '@testing-library/react'

afterEach(() => cleanup())

// happy-dom does no layout, so every element measures 0×0 and a virtualised list would
// render no rows. Give elements a viewport of 1000×600 (the node-environment tests have no DOM).
if (typeof HTMLElement !== 'undefined') {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 })
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 })
}
