// Runs the Django adapter's Python tests (test/django/python) with Debian's Django 3.2 and
// with Django 5.2.17 (the venv the test run builds), so that `npm test` covers them on both; a
// failure shows their whole output.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, inject, it } from 'vitest'
import { DJANGO_PYTHON } from './django-server'

const RUNNER = fileURLToPath(new URL('./python/runtests.py', import.meta.url))

function runPythonTests(python: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' }
    execFile(python, [RUNNER], { env, maxBuffer: 64 << 20, timeout: 300_000 }, (error, stdout, stderr) => {
      const output = stdout + stderr
      if (error && typeof error.code !== 'number') {
        reject(new Error(`cannot run ${python} ${RUNNER} (apt-get install python3-django): ${error.message}\n${output}`))
      } else {
        resolve({ code: error ? (error.code as number) : 0, output })
      }
    })
  })
}

describe.each([
  { name: 'Django 3.2', python: DJANGO_PYTHON },
  { name: 'Django 5.2.17', python: inject('django5Python') }
])('the Django adapter (Python tests) on $name', ({ python }) => {
  it('passes', async () => {
    const { code, output } = await runPythonTests(python)
    if (code !== 0) throw new Error(`the Python tests failed (exit ${code}):\n${output}`)
    const ran = /^Ran (\d+) tests? in /m.exec(output)
    expect(ran, output).not.toBeNull()
    expect(Number(ran![1])).toBeGreaterThan(50)
    expect(output).toMatch(/^OK$/m)
  }, 300_000)
})
