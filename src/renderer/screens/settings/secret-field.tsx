// SECRET_KEY: masked, with Reveal, Regenerate and Change (each warns that sessions stop decoding).
import { useEffect, useState, type FormEvent } from 'react'
import { useAppState } from '../../app/app-state'
import { useClient } from '../../app/client-context'
import { AsyncButton } from '../../components/async-button'
import { useConfirm } from '../../components/confirm'
import { CopyButton } from '../../components/copy-button'
import { IconEye } from '../../components/icons'
import type { InputProps } from './setting-inputs'

const WARNING = 'Existing sessions will no longer decode: they were signed with the current key, so browsers holding them get empty sessions.'

export function SecretField({ id, value, readOnly, busy, commit }: InputProps<string>) {
  const client = useClient()
  const confirm = useConfirm()
  const { applySettings } = useAppState()
  const [revealed, setRevealed] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState('')
  // The masked value changes when the key does: a revealed old key would mislead.
  useEffect(() => setRevealed(null), [value])

  const reveal = async () => setRevealed((await client.revealSecretKey({})).secretKey)
  const regenerate = async () => {
    if (!(await confirm({ title: 'Regenerate SECRET_KEY?', message: WARNING, confirmLabel: 'Regenerate', danger: true }))) return
    applySettings(await client.regenerateSecretKey({}))
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!(await confirm({ title: 'Change SECRET_KEY?', message: WARNING, confirmLabel: 'Change the key', danger: true }))) return
    if (await commit(draft)) {
      setEditing(false)
      setDraft('')
    }
  }

  return (
    <div className="secret-field">
      <div className="setting-input">
        <input id={id} className="input mono secret-value" value={revealed ?? value} readOnly aria-label="SECRET_KEY" aria-describedby={`${id}-help`} spellCheck={false} />
        {revealed === null ? (
          <AsyncButton size="small" onClick={reveal}>
            <IconEye /> Reveal
          </AsyncButton>
        ) : (
          <>
            <button type="button" className="button button-small" onClick={() => setRevealed(null)}>
              Hide
            </button>
            <CopyButton text={revealed} label="Copy SECRET_KEY" />
          </>
        )}
        {!readOnly && (
          <>
            <AsyncButton size="small" variant="danger" onClick={regenerate}>
              Regenerate
            </AsyncButton>
            <button type="button" className="button button-small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
              Change…
            </button>
          </>
        )}
      </div>
      {editing && !readOnly && (
        <form className="setting-input secret-edit" onSubmit={submit}>
          <input
            className="input mono"
            value={draft}
            placeholder="a Django project's SECRET_KEY"
            aria-label="New SECRET_KEY"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="button button-small button-primary" disabled={busy}>
            Use this key
          </button>
        </form>
      )}
    </div>
  )
}
