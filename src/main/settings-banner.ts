// The CLI banner's settings lines: which settings differ from Django's defaults and where
// each comes from (this run's --set / --engine, or settings.json kept from an earlier run),
// so a start that no longer behaves like Django's defaults says so.
import { SETTING_SOURCE_LABELS, type SettingSource, type Status } from '../shared/api'
import { pythonLiteral, settingsDifferingFromDefaults, SETTINGS_INFO, type SettingName, type Settings } from '../shared/settings'

export interface SettingSources {
  /** Settings given on this command line (--set, --engine): for this run only. */
  commandLine: readonly string[]
  /** Settings that settings.json changes: kept from an earlier run's UI or API. */
  saved: readonly SettingName[]
  /** The settings.json path, for the note. */
  settingsFile: string
  /** Each setting's source as the inspector tracks it (wins over the two lists above). */
  bySetting?: Partial<Record<SettingName, SettingSource>>
}

/** "  django:   behaves as Django 5.2 (...)": which Django the engine follows, and why. */
export function djangoBannerLine(status: Pick<Status, 'django' | 'mode'>): string {
  const d = status.django
  if (!d) return ''
  const release = d.release ? `, the app runs Django ${d.release}` : ''
  if (status.mode === 'observe-django') return `  django:   the app's own Django ${d.release ?? d.version} runs its sessions`
  const why = d.source === 'default' ? 'the default; --django 3.2|4.2|5.2 to change' : SETTING_SOURCE_LABELS[d.source]
  return `  django:   behaves as Django ${d.version} (${why}${release})`
}

/** Lines for the banner, indented like its other lines; one line when everything is Django's default. */
export function settingsBannerLines(settings: Settings, sources: SettingSources): string[] {
  const differing = settingsDifferingFromDefaults(settings)
  if (differing.length === 0) return ["  settings: Django's defaults"]
  const rows = differing.map((name) => {
    const tracked = sources.bySetting?.[name]
    const source = tracked && tracked !== 'default'
      ? SETTING_SOURCE_LABELS[tracked]
      : sources.commandLine.includes(name)
      ? 'command line, this run only'
      : sources.saved.includes(name)
        ? 'saved in settings.json'
        : 'set for this run'
    return { left: `${name} = ${pythonLiteral(settings[name])}`, right: `(Django: ${SETTINGS_INFO[name].djangoDefault}; ${source})` }
  })
  const width = Math.min(48, Math.max(...rows.map((r) => r.left.length)))
  const lines = [`  settings: ${differing.length} differ${differing.length === 1 ? 's' : ''} from Django's defaults`]
  for (const r of rows) lines.push(`    ${r.left.padEnd(width)}  ${r.right}`)
  if (differing.some((name) => sources.saved.includes(name))) {
    lines.push(`    saved ones stay until reset: web UI Settings, POST /api/settings/reset, or delete ${sources.settingsFile}`)
  }
  return lines
}
