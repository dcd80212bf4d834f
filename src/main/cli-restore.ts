// `session-inspector restore [observe options]` (issue 18): gives the app's sessions back the
// time observe mode aged them by, from the journal in the data folder, when a run could not
// (killed, or its store was locked or down at exit). Says per store what it gave back; exit
// code 0, or 1 when a store could not be reached (the journal keeps its changes then).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { validateSettingsPatch, DEFAULT_SETTINGS, type Settings } from '../shared/settings'
import { EXIT } from './cli-ci'
import { resolveObserve, type ObserveRequest } from './cli-observe'
import { Clock } from './engine/clock'
import { oneLine } from './engine/observe/app-store'
import { Journal } from './engine/observe/journal'
import { openAppStore } from './engine/observe/targets'
import { JOURNAL_FILE } from './inspector'
import { giveBackLine } from './service/observe-django'

export const RESTORE_HELP = `Usage: session-inspector restore [--upstream URL | --data-dir DIR] [observe options: --django-project DIR | --database … --cache …]

Gives the app's sessions back the time observe mode aged them by, from the journal in the
data folder (what a killed run, or one whose store was locked at exit, left), then exits.
Give it the options the run had: --django-project or --upstream choose the data folder.
`

/** Tries a store this many times (1, 2, 4 s apart) before saying it cannot be reached. */
const TRIES = 4

export async function runRestore(request: ObserveRequest, settings: Record<string, unknown>, dataDir: string, log = console.log): Promise<number> {
  const path = join(dataDir, JOURNAL_FILE)
  if (!existsSync(path)) {
    log(`nothing to give back: no journal in ${dataDir}`)
    return EXIT.stopped
  }
  let resolved
  try {
    resolved = await resolveObserve(request, settings)
  } catch (e) {
    console.error(`session-inspector restore: ${(e as Error).message}`)
    return EXIT.startFailed
  }
  const checked = validateSettingsPatch({ ...DEFAULT_SETTINGS, SECRET_KEY: 'restore' } as Settings, resolved.settings)
  const full = checked.ok ? checked.settings : ({ ...DEFAULT_SETTINGS, SECRET_KEY: 'restore' } as Settings)
  const journal = new Journal(path)
  const store = openAppStore(resolved.observe, { settings: () => full, clock: new Clock(), fallbackKeys: resolved.secretKeyFallbacks, journal })
  let code: number = EXIT.stopped
  try {
    const before = journal.count(store.location)
    if (!before) log(`${store.location}: nothing to give back`)
    else {
      let wait = 1000
      for (let attempt = 1; ; attempt++) {
        try {
          const report = await store.giveBack()
          log(`${store.location}: ${giveBackLine(store.location, report).replace(/^gave the app's sessions in .*? back their time/, 'gave back')}`)
          break
        } catch (e) {
          if (attempt >= TRIES) {
            console.error(`session-inspector restore: ${store.location}: cannot be reached (${oneLine(e)}); ${journal.count(store.location)} change(s) stay in the journal, sessions are still aged`)
            code = EXIT.startFailed
            break
          }
          await new Promise((r) => setTimeout(r, wait))
          wait *= 2
        }
      }
    }
    for (const other of journal.stores()) {
      if (other.store !== store.location) log(`${other.store}: ${other.count} change(s) not given back (run restore with that store's options)`)
    }
  } finally {
    await store.close().catch(() => undefined)
    journal.close()
  }
  return code
}
