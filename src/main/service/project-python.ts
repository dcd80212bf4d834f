// Which Python runs a Django project (issue 21.6): --django-project without --python reads the
// project with the interpreter the project itself runs on, so a project on Django 5.2 in its
// virtual environment is not read with the system's Django. Looked for in this order:
//   1. $VIRTUAL_ENV, an activated environment;
//   2. a .venv, venv or env folder beside manage.py, or in a folder above it;
//   3. Poetry's environment (pyproject.toml with [tool.poetry]: `poetry env info --path`),
//      Pipenv's (a Pipfile: `pipenv --venv`), when that tool is installed;
//   4. the system's python3.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface ProjectPython {
  python: string
  /** Where it was found, for the banner ("a .venv beside manage.py", "$VIRTUAL_ENV", ...). */
  source: string
}

/** The system's Python 3 (Debian's where it exists). */
export const SYSTEM_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
const ENV_FOLDERS = ['.venv', 'venv', 'env']

/** The interpreter of a virtual environment folder, when it is one (pyvenv.cfg and a python). */
export function venvPython(dir: string): string | null {
  if (!existsSync(join(dir, 'pyvenv.cfg'))) return null
  for (const exe of process.platform === 'win32' ? ['Scripts/python.exe'] : ['bin/python', 'bin/python3']) {
    const path = join(dir, exe)
    if (existsSync(path)) return path
  }
  return null
}

/** The folder a tool prints for the project's environment, or null (tool missing, no environment, slow). */
function toolEnvironment(tool: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string | null {
  try {
    const out = execFileSync(tool, args, { cwd, env, timeout: 15_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return out.split('\n').at(-1)?.trim() || null
  } catch {
    return null
  }
}

function isPoetryProject(dir: string): boolean {
  try {
    return /^\[tool\.poetry\]/m.test(readFileSync(join(dir, 'pyproject.toml'), 'utf8'))
  } catch {
    return false
  }
}

/** The Python to read the project in `dir` with (see the order above); never throws. */
export function findProjectPython(dir: string, env: NodeJS.ProcessEnv = process.env): ProjectPython {
  const active = env.VIRTUAL_ENV ? venvPython(env.VIRTUAL_ENV) : null
  if (active) return { python: active, source: `$VIRTUAL_ENV (${env.VIRTUAL_ENV})` }
  const tools: { dir: string; kind: 'poetry' | 'pipenv' }[] = []
  for (let at = dir, depth = 0; ; depth++) {
    for (const name of ENV_FOLDERS) {
      const python = venvPython(join(at, name))
      if (python) return { python, source: depth === 0 ? `${name} beside manage.py` : `${name} in ${at}` }
    }
    if (isPoetryProject(at)) tools.push({ dir: at, kind: 'poetry' })
    if (existsSync(join(at, 'Pipfile'))) tools.push({ dir: at, kind: 'pipenv' })
    const up = dirname(at)
    if (up === at || existsSync(join(at, '.git'))) break // the repository's root, or the disk's
    at = up
  }
  for (const t of tools) {
    const folder = t.kind === 'poetry' ? toolEnvironment('poetry', ['env', 'info', '--path'], t.dir, env) : toolEnvironment('pipenv', ['--venv'], t.dir, env)
    const python = folder && existsSync(folder) && statSync(folder).isDirectory() ? venvPython(folder) : null
    if (python) return { python, source: `${t.kind === 'poetry' ? "Poetry's" : "Pipenv's"} environment (${folder})` }
  }
  return { python: SYSTEM_PYTHON, source: 'the system Python: no virtual environment found for the project' }
}
