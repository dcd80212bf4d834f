// One setting: its Django name, help line and default, an input for its kind, and its errors.
import { useState } from 'react'
import { SETTINGS_INFO, type SettingError, type SettingName, type Settings } from '../../../shared/settings'
import { errorMessage } from '../../components/toast'
import { CachesEditor } from './caches-editor'
import { SecretField } from './secret-field'
import { BooleanSetting, ChoiceSetting, TextSetting, type InputProps } from './setting-inputs'

export interface SettingFieldProps {
  name: SettingName
  settings: Settings
  readOnly: boolean
  /** Validates with the shared validator, then sends; resolves with the errors (none: applied). */
  apply(name: SettingName, value: unknown): Promise<SettingError[]>
}

export function SettingField({ name, settings, readOnly, apply }: SettingFieldProps) {
  const info = SETTINGS_INFO[name]
  const [errors, setErrors] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const id = `setting-${name}`

  const commit = async (value: unknown): Promise<boolean> => {
    setBusy(true)
    try {
      const found = await apply(name, value)
      setErrors(found.map((e) => e.message))
      return found.length === 0
    } catch (error) {
      setErrors([errorMessage(error)])
      return false
    } finally {
      setBusy(false)
    }
  }

  const props = { id, info, readOnly, busy, invalid: errors.length > 0, commit }
  const value = settings[name]
  return (
    <div className={`setting${errors.length ? ' setting-invalid' : ''}`} data-setting={name}>
      <div className="setting-meta">
        <label htmlFor={id} className="setting-name mono">
          {name}
        </label>
        <p id={`${id}-help`} className="setting-help">
          {info.help} <span className="setting-default">Django default: <code>{info.djangoDefault}</code></span>
        </p>
      </div>
      <div className="setting-control">
        {renderInput(info.kind, props, value)}
        {errors.length > 0 && (
          <div id={`${id}-error`} className="field-error" role="alert">
            {errors.map((m) => (
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
    default:
      return <TextSetting {...props} value={value as string | number | null} />
  }
}
