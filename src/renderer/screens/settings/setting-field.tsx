// One setting: its Django name, help line and default, an input for its kind, its errors, and
// whether it differs from Django's default (marked, with a reset to the default). What is
// typed is checked with the shared validator as it is typed: the API's own message, at once.
import { useEffect, useMemo, useState } from 'react'
import {
  DEFAULT_SETTINGS, isDefaultSetting, pythonLiteral, SECRET_SETTINGS, SETTINGS_INFO, validateSettingsPatch, type SettingError, type SettingName, type Settings
} from '../../../shared/settings'
import { SETTING_SOURCE_LABELS, type SettingSource } from '../../../shared/api'
import { Badge } from '../../components/badge'
import { errorMessage } from '../../components/toast'
import { CachesEditor } from './caches-editor'
import { SecretField } from './secret-field'
import { BooleanSetting, ChoiceSetting, TextSetting, type InputProps } from './setting-inputs'

export interface SettingFieldProps {
  name: SettingName
  settings: Settings
  readOnly: boolean
  /** Where the value comes from (default, settings.json, command line, settings.py, project, this UI). */
  source?: SettingSource
  /** Observe mode: what the inspector itself uses this setting for (only those are editable). */
  purpose?: string
  /** Offer "Reset to default" (not in observe mode: there the app's value is what matters). */
  resettable?: boolean
  /** Validates with the shared validator, then sends; resolves with the errors (none: applied). */
  apply(name: SettingName, value: unknown): Promise<SettingError[]>
}

/** What the shared validator (the one the API runs) says about `value` for `name`: its messages, none when valid. */
export function draftErrors(settings: Settings, name: SettingName, value: unknown): string[] {
  const checked = validateSettingsPatch(settings, { [name]: value })
  return checked.ok ? [] : checked.errors.map((e) => e.message)
}

export function SettingField({ name, settings, readOnly, source, purpose, resettable = true, apply }: SettingFieldProps) {
  const info = SETTINGS_INFO[name]
  const [errors, setErrors] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  // What is typed but not applied yet, checked as it changes (undefined: nothing pending).
  const [draft, setDraft] = useState<{ value: unknown } | undefined>(undefined)
  const id = `setting-${name}`
  const value = settings[name]
  const stored = JSON.stringify(value)
  // Applied here or elsewhere: what was typed is no longer pending.
  useEffect(() => setDraft(undefined), [stored])

  const live = useMemo(() => (draft === undefined ? [] : draftErrors(settings, name, draft.value)), [draft, settings, name])
  const shown = live.length ? live : errors

  const commit = async (next: unknown): Promise<boolean> => {
    setBusy(true)
    try {
      const found = await apply(name, next)
      setErrors(found.map((e) => e.message))
      if (found.length === 0) setDraft(undefined)
      return found.length === 0
    } catch (error) {
      setErrors([errorMessage(error)])
      return false
    } finally {
      setBusy(false)
    }
  }
  const onDraft = (next: { value: unknown } | undefined) => {
    setDraft(next)
    setErrors([])
  }

  const changed = !SECRET_SETTINGS.includes(name) && !isDefaultSetting(name, value)
  const props = { id, info, readOnly, busy, invalid: shown.length > 0, commit, onDraft }
  return (
    <div className={`setting${shown.length ? ' setting-invalid' : ''}${changed ? ' setting-changed' : ''}`} data-setting={name} data-changed={changed || undefined}>
      <div className="setting-meta">
        <div className="setting-title">
          <label htmlFor={id} className="setting-name mono">
            {name}
          </label>
          {changed && (
            <Badge tone="warn" title={`Differs from Django's default (${info.djangoDefault})`}>
              changed
            </Badge>
          )}
        </div>
        <p id={`${id}-help`} className="setting-help">
          {info.help} <span className="setting-default">Django default: <code>{info.djangoDefault}</code></span>
        </p>
        {source && (
          <p className="setting-source muted" data-testid={`setting-source-${name}`}>
            {readOnly ? 'Read-only: ' : ''}
            {SETTING_SOURCE_LABELS[source]}
          </p>
        )}
        {purpose && <p className="setting-purpose muted">{purpose}</p>}
        {changed && !readOnly && resettable && (
          <button
            type="button"
            className="button button-small button-ghost setting-reset"
            disabled={busy}
            aria-label={`Reset ${name} to Django's default`}
            title={`Set ${name} back to ${pythonLiteral(DEFAULT_SETTINGS[name as Exclude<SettingName, 'SECRET_KEY'>])}`}
            onClick={() => void commit(DEFAULT_SETTINGS[name as Exclude<SettingName, 'SECRET_KEY'>])}
          >
            Reset to default
          </button>
        )}
      </div>
      <div className="setting-control">
        {renderInput(info.kind, props, value)}
        {shown.length > 0 && (
          <div id={`${id}-error`} className="field-error" role="alert">
            {shown.map((m) => (
              <div key={m}>{m}</div>
            ))}
          </div>
        )}
      </div>
    </div>
  )
}

type Common = Omit<InputProps<unknown>, 'value'>

function renderInput(kind: string, props: Common, value: Settings[SettingName]) {
  switch (kind) {
    case 'boolean':
      return <BooleanSetting {...props} value={value as boolean} />
    case 'choice':
      return <ChoiceSetting {...props} value={value as string | null} />
    case 'caches':
      return <CachesEditor {...props} value={value as Record<string, string>} />
    case 'secret':
      return <SecretField {...props} value={value as string} />
    case 'secret-list':
      return <SecretList id={props.id} value={value as string[]} />
    default:
      return <TextSetting {...props} value={value as string | number | null} />
  }
}

/** SECRET_KEY_FALLBACKS, masked: set with --set SECRET_KEY_FALLBACKS='["old key"]' or PATCH /api/settings. */
function SecretList({ id, value }: { id: string; value: string[] }) {
  return (
    <output id={id} className="mono secret-list" title={'Set with --set SECRET_KEY_FALLBACKS=\'["old key"]\' or PATCH /api/settings'}>
      {value.length === 0 ? 'none' : value.join(', ')}
    </output>
  )
}
