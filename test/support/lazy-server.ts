// A lazily started server per test file, stopped when the file ends (vitest's afterAll).
import { afterAll } from 'vitest'

/**
 * A server started on first use and stopped when the test file ends: call at the top of a
 * describe (it registers the afterAll), then `await server()` inside tests or hooks.
 */
export function lazyServer<T extends { stop(): Promise<void> }>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | null = null
  afterAll(async () => {
    if (started) await (await started.catch(() => null))?.stop()
  })
  return () => (started ??= start())
}
