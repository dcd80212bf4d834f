// Component tests run in happy-dom; Testing Library cleans up between tests.
import { afterEach } from 'vitest'
import { cleanup } from '@testing-library/react'

afterEach(() => cleanup())
