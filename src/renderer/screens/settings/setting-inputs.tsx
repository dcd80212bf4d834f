// Inputs for one setting by kind: text-like (integer, string, nullable string), boolean, choice.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { SettingInfo } from '../../../shared/settings'
import { Spinner } from '../../components/spinner'
import { formatDuration } from '../../lib/format'

export interface InputProps<T> {
  id: string
  value: T
  info: SettingInfo
  readOnly: boolean
  busy: boolean
  invalid: boolean
  /** Validates and applies; resolves true when applied (or unchanged). */
  commit(value: unknown): Promise<boolean>
  /** What is typed and not applied yet, for checking as it is typed; undefined when nothing is pending. */
  onDraft?(draft: { value: unknown } | undefined): void
}

/** What a typed integer means: a number when it looks like one, else the text (the validator names it). */
export function readIntegerText(text: string): unknown {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text
}

// The None box comes after the input, so every setting's input starts at the same place.
export function TextSetting({ id, value, info, readOnly, busy, invalid, commit, onDraft }: InputProps<string | number | null>) {
  const nullable = info.kind === 'nullable-string'
  const shown = value === null ? '' : String(value)
  const [draft, setDraft] = useState(shown)
  const [isNull, setIsNull] = useState(value === null)
  const latest = useRef(shown)
  useEffect(() => {
    latest.current = shown
    setDraft(shown)
    setIsNull(value === null)
  }, [shown, value])
  const dirty = nullable && isNull ? value !== null : draft !== shown || (nullable && value === null)
  const read = (text: string): unknown => (info.kind === 'integer' ? readIntegerText(text) : text)
  const parsed = (): unknown => (nullable && isNull ? null : read(draft))

  const submit = (event?: FormEvent) => {
    event?.preventDefault()
    if (!dirty || busy) return
    const sent = draft
    // "020" for 20 changes nothing: show the stored form again once accepted.
    void commit(parsed()).then((ok) => ok && setDraft((d) => (d === sent ? latest.current : d)))
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && dirty) {
      event.stopPropagation()
      setDraft(shown)
      setIsNull(value === null)
      onDraft?.(undefined)
    }
  }
  const human = info.kind === 'integer' && typeof value === 'number' && value >= 60 ? `= ${formatDuration(value, 3)}` : null
  return (
    <form className="setting-input" onSubmit={submit}>
      <input
        id={id}
        className={`input mono${invalid ? ' input-invalid' : ''}`}
        value={nullable && isNull ? '' : draft}
        placeholder={nullable && isNull ? 'None' : undefined}
        disabled={nullable && isNull}
        readOnly={readOnly}
        inputMode={info.kind === 'integer' ? 'numeric' : undefined}
        spellCheck={false}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        onChange={(e) => {
          const text = e.target.value
          setDraft(text)
          onDraft?.(text === shown && !(nullable && value === null) ? undefined : { value: read(text) })
        }}
        onBlur={() => submit()}
        onKeyDown={onKeyDown}
      />
      {nullable && (
        <label className="checkbox" title="None in Django">
          <input
            type="checkbox"
            checked={isNull}
            disabled={readOnly || busy}
            onChange={(e) => {
              setIsNull(e.target.checked)
              if (e.target.checked) void commit(null)
            }}
          />
          None
        </label>
      )}
      {!readOnly && dirty && (
        <button type="submit" className="button button-small button-primary" disabled={busy}>
          Apply
        </button>
      )}
      {busy && <Spinner label="Applying" />}
      {human && !dirty && <span className="muted setting-human">{human}</span>}
    </form>
  )
}

export function BooleanSetting({ id, value, readOnly, busy, commit }: InputProps<boolean>) {
  return (
    <div className="setting-input">
      <button
        id={id}
        type="button"
        role="switch"
        className="switch"
        aria-checked={value}
        aria-describedby={`${id}-help`}
        disabled={readOnly || busy}
        onClick={() => void commit(!value)}
      >
        <span className="switch-thumb" />
      </button>
      <span className="mono switch-label">{value ? 'True' : 'False'}</span>
      {busy && <Spinner label="Applying" />}
    </div>
  )
}

const NULL_CHOICE = '\u0000null'
const CHOICE_LABELS: Record<string, string> = {
  db: 'db — the database (SQLite)',
  file: 'file — one file per session',
  cache: 'cache — the cache only',
  cached_db: 'cached_db — cache + database',
  signed_cookies: 'signed_cookies — the cookie itself',
  json: 'json — JSONSerializer',
  Strict: "'Strict' — never sent cross-site",
  Lax: "'Lax' — sent on top-level links from other sites",
  None: "'None' (the string) — SameSite=None: sent cross-site too, needs Secure",
  [NULL_CHOICE]: 'No SameSite attribute (Python None): the browser decides'
}

export function ChoiceSetting({ id, value, info, readOnly, busy, commit }: InputProps<string | null>) {
  const choices = info.choices ?? []
  return (
    <div className="setting-input">
      <select
        id={id}
        className="input"
        value={value === null ? NULL_CHOICE : value}
        disabled={readOnly || busy || choices.length < 2}
        aria-describedby={`${id}-help`}
        onChange={(e) => void commit(e.target.value === NULL_CHOICE ? null : e.target.value)}
      >
        {choices.map((c) => {
          const v = c === null ? NULL_CHOICE : c
          return (
            <option key={v} value={v}>
              {CHOICE_LABELS[v] ?? v}
            </option>
          )
        })}
      </select>
      {busy && <Spinner label="Applying" />}
    </div>
  )
}
