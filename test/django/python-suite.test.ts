// Runs the Django adapter's Python tests (test/django/python) with Debian's Django 3.2, so
// that `npm test` covers them; a failure shows their whole output.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DJANGO_PYTHON } from './django-server'

const RUNNER = fileURLToPath(new URL('./python/runtests.py', import.meta.url))

function runPythonTests(): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' }
    execFile(DJANGO_PYTHON, [RUNNER], { env, maxBuffer: 64 << 20, timeout: 300_000 }, (error, stdout, stderr) => {
      const output = stdout + stderr
      if (error && typeof error.code !== 'number') {
        reject(new Error(`cannot run ${DJANGO_PYTHON} ${RUNNER} (apt-get install python3-django): ${error.message}\n${output}`))
      } else {
        resolve({ code: error ? (error.code as number) : 0, output })
      }
    })
  })
}

describe('the Django adapter (Python tests)', () => {
  it('passes with Django 3.2', async () => {
    const { code, output } = await runPythonTests()
    if (code !== 0) throw new Error(`the Python tests failed (exit ${code}):\n${output}`)
    const ran = /^Ran (\d+) tests? in /m.exec(output)
    expect(ran, output).not.toBeNull()
    expect(Number(ran![1])).toBeGreaterThan(50)
    expect(output).toMatch(/^OK$/m)
  }, 300_000)
})
