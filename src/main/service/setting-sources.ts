// Where each setting's value comes from (issue 21), and the drop-in adapter's report of its
// project (X-Session-Django): its Django release and settings.py's SESSION_* values, taken as
// the starting values of those settings. Explicit choices win over them: the command line
// for the run, and a change made in the UI or API.
import type { DjangoStatus, SettingSource } from '../../shared/api'
import { djangoSeries } from '../../shared/django-versions'
import { SETTING_NAMES, type SettingName, type Settings, type SettingsValidation } from '../../shared/settings'
import { parseWireApp } from '../../shared/wire'

export interface SettingSourcesInit {
  /** The names settings.json sets. */
  saved: readonly SettingName[]
  /** The names given at start (--set, --engine, --django, or an embedder's options). */
  given: readonly string[]
  /** Of those, the ones read from the observed project (--django-project). */
  fromProject?: readonly string[]
  /** The observed project's Django release, e.g. "5.2.17". */
  projectRelease?: string
}

/** What the report changed, for the caller to announce. */
export interface AppReportResult {
  changed: SettingName[]
  /** One line when the report could not be used (said once per distinct header). */
  error?: string
}

/** Never overridden by settings.py: the user chose them. */
const EXPLICIT: ReadonlySet<SettingSource> = new Set(['command line', 'ui'])

export class SettingSources {
  private readonly sources = new Map<SettingName, SettingSource>()
  private release: string | undefined
  private lastHeader: string | null = null
  /** The values of the last report, so that only what settings.py changes is applied again. */
  private lastReport: Record<string, string> = {}

  constructor(init: SettingSourcesInit) {
    for (const name of init.saved) this.sources.set(name, 'settings.json')
    const project = new Set(init.fromProject ?? [])
    for (const name of init.given) if ((SETTING_NAMES as readonly string[]).includes(name)) this.sources.set(name as SettingName, project.has(name) ? 'project' : 'command line')
    this.release = init.projectRelease
  }

  source(name: SettingName): SettingSource {
    return this.sources.get(name) ?? 'default'
  }

  /** Every setting with its source. */
  all(): Record<SettingName, SettingSource> {
    return Object.fromEntries(SETTING_NAMES.map((n) => [n, this.source(n)])) as Record<SettingName, SettingSource>
  }

  django(settings: Settings): DjangoStatus {
    return { version: settings.DJANGO_VERSION, source: this.source('DJANGO_VERSION'), ...(this.release ? { release: this.release } : {}) }
  }

  /** A change made through the API (the UI): it is the user's from now on. */
  changedByUser(names: readonly SettingName[]): void {
    for (const name of names) this.sources.set(name, 'ui')
  }

  /**
   * Applies an X-Session-Django header: the first report and every later change of settings.py
   * (a runserver reload) set the settings nobody chose explicitly. `apply` validates and
   * applies a patch (the engine's updateSettings). Cheap for a header seen before.
   */
  appReport(header: string | string[], apply: (patch: Record<string, unknown>) => SettingsValidation): AppReportResult {
    const text = Array.isArray(header) ? header.join(',') : header
    if (text === this.lastHeader) return { changed: [] }
    this.lastHeader = text
    let report
    try {
      report = parseWireApp(header)
    } catch (e) {
      return { changed: [], error: `ignoring the app's X-Session-Django: ${(e as Error).message}` }
    }
    this.release = report.version
    const values: Record<string, unknown> = { ...report.settings }
    const series = djangoSeries(report.version)
    if (series) values.DJANGO_VERSION = series
    const patch: Record<string, unknown> = {}
    const seen: Record<string, string> = {}
    for (const [name, value] of Object.entries(values)) {
      const text = JSON.stringify(value)
      seen[name] = text
      if (this.lastReport[name] === text || EXPLICIT.has(this.source(name as SettingName))) continue
      patch[name] = value
    }
    this.lastReport = seen
    const changed: SettingName[] = []
    const errors: string[] = []
    // One at a time: a value this engine refuses leaves the others applied.
    for (const [name, value] of Object.entries(patch)) {
      const r = apply({ [name]: value })
      if (!r.ok) {
        errors.push(r.errors[0]?.message ?? name)
        continue
      }
      this.sources.set(name as SettingName, 'settings.py')
      changed.push(...r.changed)
    }
    return errors.length ? { changed, error: `the app's settings.py: ${errors.join('; ')}` } : { changed }
  }
}
