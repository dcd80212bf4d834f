// Settings: Django's session settings, validated here with the shared validator before they
// are sent, applied from the next request, with the Set-Cookie they produce.
import { useCallback } from 'react'
import { ApiError } from '../../../shared/errors'
import { OBSERVE_EDITABLE_SETTINGS, OBSERVE_PURPOSE, SETTING_NAMES, settingsDifferingFromDefaults, validateSettingsPatch, type SettingError, type SettingName } from '../../../shared/settings'
import { useAppState } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { useConfirm } from '../../components/confirm'
import { IconSettings } from '../../components/icons'
import { Spinner } from '../../components/spinner'
import { plural } from '../../lib/format'
import type { ScreenDefinition } from '../screen'
import { CookiePreview } from './cookie-preview'
import { SettingField } from './setting-field'

function SettingsScreen() {
  const client = useClient()
  const confirm = useConfirm()
  const { settings, status, applySettings } = useAppState()
  const owned = status?.settingsOwnedByApp ?? false

  const apply = useCallback(
    async (name: SettingName, value: unknown): Promise<SettingError[]> => {
      if (!settings) return [{ setting: name, message: 'The settings are not loaded yet' }]
      const checked = validateSettingsPatch(settings, { [name]: value })
      if (!checked.ok) return checked.errors
      if (checked.changed.length === 0) return []
      try {
        applySettings(await client.updateSettings({ settings: { [name]: checked.settings[name] } }))
        return []
      } catch (error) {
        if (error instanceof ApiError && error.errors?.length) return error.errors
        throw error
      }
    },
    [client, settings, applySettings]
  )

  const reset = async () => {
    const ok = await confirm({
      title: 'Reset every setting to Django’s default?',
      message: `${differing.join(', ')} go back to Django’s defaults. SECRET_KEY is kept. The new values apply from the next request through the proxy, and on the next start.`,
      confirmLabel: 'Reset to defaults',
      danger: true
    })
    if (ok) applySettings(await client.resetSettings({}))
  }

  if (!settings) return <div className="loading"><Spinner label="Loading settings" /> Loading settings…</div>
  const differing = settingsDifferingFromDefaults(settings)
  const sources = status?.settingSources
  // Observe mode: only what the inspector uses, and not what the project's settings.py gave.
  const editable = owned ? OBSERVE_EDITABLE_SETTINGS.filter((n) => sources?.[n] !== 'project') : SETTING_NAMES
  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <div className="screen-toolbar">
        <h1 id="settings-title" className="screen-title">Settings</h1>
        <span className="muted">
          {owned
            ? 'What the app’s own Django uses, read from it. The inspector itself uses only the editable ones.'
            : 'Django’s names and defaults. A change applies to the next request through the proxy.'}
        </span>
        <div className="header-spacer" />
        <span className="toolbar-count" data-testid="settings-changed-count" aria-live="polite">
          {differing.length === 0 ? 'All Django’s defaults' : `${plural(differing.length, 'setting')} changed`}
        </span>
        {!owned && (
          <AsyncButton size="small" onClick={reset} disabled={differing.length === 0} title="Every setting back to Django’s default (SECRET_KEY is kept)">
            Reset all to defaults
          </AsyncButton>
        )}
      </div>
      <div className="settings-layout">
        <div className="settings-list">
          {owned && (
            <div className="inline-note inline-note-info" role="note" data-testid="observe-settings-note">
              Observe mode: the app’s own Django settings decide how its sessions behave, so they are shown as read, each
              with where it came from.{' '}
              {editable.length
                ? `The inspector needs ${editable.join(', ')} to match the app’s; change ${editable.length === 1 ? 'it' : 'them'} here only if ${editable.length === 1 ? 'it differs' : 'they differ'} from the app’s (this never changes the app).`
                : 'Everything the inspector needs was read from the project (--django-project): nothing to type here.'}
            </div>
          )}
          {!owned && differing.length > 0 && (
            <div className="inline-note inline-note-warn" role="note" data-testid="settings-persist-note">
              {plural(differing.length, 'setting differs', 'settings differ')} from Django’s defaults (marked “changed”). Changes made here are kept
              in <span className="mono">{status?.dataDir ? `${status.dataDir}/settings.json` : 'settings.json'}</span> and apply on the next
              start too, until you reset them.
            </div>
          )}
          {SETTING_NAMES.map((name) => (
            <SettingField
              key={name}
              name={name}
              settings={settings}
              readOnly={owned && !editable.includes(name)}
              source={sources?.[name]}
              purpose={owned && OBSERVE_EDITABLE_SETTINGS.includes(name) ? OBSERVE_PURPOSE[name] : undefined}
              resettable={!owned}
              apply={apply}
            />
          ))}
        </div>
        <aside className="settings-aside">
          <CookiePreview settings={settings} />
        </aside>
      </div>
    </section>
  )
}

export const settingsScreen: ScreenDefinition = {
  id: 'settings',
  label: 'Settings',
  icon: IconSettings,
  component: SettingsScreen,
  footer: true
}
