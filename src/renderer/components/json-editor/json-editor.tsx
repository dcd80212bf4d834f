// Edits session data as a tree or as raw JSON; refuses to save anything that is not a JSON object.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Json, SessionData } from '../../../shared/json'
import { parseSessionJson, removeAt, sameJson, setAt, type JsonPath } from '../../lib/json-edit'
import { AsyncButton } from '../async-button'
import { errorMessage } from '../toast'
import { JsonTree, type TreeContext } from './json-tree'

export interface JsonEditorProps {
  value: SessionData
  /** Saves; resolves with the data as stored (shown afterwards), or nothing to keep what was sent. */
  onSave(data: SessionData): Promise<SessionData | void>
  readOnly?: boolean
  /** Shown under the buttons (e.g. what saving does to the expiry). */
  note?: ReactNode
}

const pretty = (data: unknown) => JSON.stringify(data, null, 2)

export function JsonEditor({ value, onSave, readOnly = false, note }: JsonEditorProps) {
  const [mode, setMode] = useState<'tree' | 'raw'>('tree')
  const [draft, setDraft] = useState<SessionData>(value)
  const [raw, setRaw] = useState(() => pretty(value))
  const [leafErrors, setLeafErrors] = useState<Record<string, string>>({})
  const [treeVersion, setTreeVersion] = useState(0)
  const [saveError, setSaveError] = useState<string | null>(null)
  const [stale, setStale] = useState(false)
  const shown = useRef(value)

  const candidate = useMemo(() => {
    if (mode === 'tree') {
      const first = Object.values(leafErrors)[0]
      return first ? { ok: false as const, error: first } : { ok: true as const, data: draft }
    }
    return parseSessionJson(raw)
  }, [mode, leafErrors, draft, raw])
  const dirty = candidate.ok ? !sameJson(candidate.data, value) : true

  const load = useCallback((data: SessionData) => {
    shown.current = data
    setDraft(data)
    setRaw(pretty(data))
    setLeafErrors({})
    setTreeVersion((v) => v + 1)
    setStale(false)
    setSaveError(null)
  }, [])

  // The session changed on the server: take it, unless it would throw away edits.
  useEffect(() => {
    if (sameJson(value, shown.current)) return
    const untouched = mode === 'tree' ? sameJson(draft, shown.current) : raw === pretty(shown.current)
    const matches = candidate.ok && sameJson(candidate.data, value)
    if (untouched || matches) load(value)
    else setStale(true)
    // Only a new server value should trigger this, not typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value])

  const onError = useCallback((id: string, message: string | null) => {
    setLeafErrors((errors) => {
      if ((errors[id] ?? null) === message) return errors
      const next = { ...errors }
      if (message === null) delete next[id]
      else next[id] = message
      return next
    })
  }, [])

  const ctx = useMemo<TreeContext>(
    () => ({
      readOnly,
      onChange: (path: JsonPath, v: Json) => setDraft((d) => setAt(d, path, v) as SessionData),
      onRemove: (path: JsonPath) => setDraft((d) => removeAt(d, path) as SessionData),
      onError
    }),
    [readOnly, onError]
  )

  const switchMode = (next: 'tree' | 'raw') => {
    if (next === mode) return
    if (next === 'raw') {
      if (!candidate.ok) return
      setRaw(pretty(draft))
    } else {
      const parsed = parseSessionJson(raw)
      if (!parsed.ok) return
      setDraft(parsed.data)
      setTreeVersion((v) => v + 1)
    }
    setMode(next)
  }

  const save = async () => {
    if (!candidate.ok) return
    setSaveError(null)
    try {
      const stored = await onSave(candidate.data)
      load(stored ?? candidate.data)
    } catch (error) {
      setSaveError(errorMessage(error))
    }
  }

  return (
    <div className="json-editor">
      <div className="json-editor-bar">
        <div className="segmented" role="group" aria-label="Editor mode">
          <button type="button" aria-pressed={mode === 'tree'} onClick={() => switchMode('tree')} disabled={mode === 'raw' && !candidate.ok} title={mode === 'raw' && !candidate.ok ? 'Fix the JSON first' : undefined}>
            Tree
          </button>
          <button type="button" aria-pressed={mode === 'raw'} onClick={() => switchMode('raw')} disabled={mode === 'tree' && !candidate.ok}>
            Raw JSON
          </button>
        </div>
        {!readOnly && (
          <div className="json-editor-actions">
            <button type="button" className="button button-small" disabled={!dirty && !stale} onClick={() => load(value)}>
              Revert
            </button>
            <AsyncButton size="small" variant="primary" disabled={!dirty || !candidate.ok} onClick={save}>
              Save
            </AsyncButton>
          </div>
        )}
      </div>
      {stale && (
        <div className="inline-note inline-note-warn" role="status">
          This session changed on the server while you were editing.{' '}
          <button type="button" className="link-button" onClick={() => load(value)}>
            Load the new data
          </button>{' '}
          (your edits will be lost) or save to overwrite it.
        </div>
      )}
      {mode === 'tree' ? (
        <JsonTree key={treeVersion} value={draft} ctx={ctx} />
      ) : (
        <textarea
          className={`input mono json-raw${candidate.ok ? '' : ' input-invalid'}`}
          value={raw}
          readOnly={readOnly}
          spellCheck={false}
          aria-label="Session data as JSON"
          aria-invalid={!candidate.ok || undefined}
          aria-describedby={!candidate.ok ? 'json-editor-error' : undefined}
          rows={Math.min(24, Math.max(6, raw.split('\n').length + 1))}
          onChange={(e) => setRaw(e.target.value)}
        />
      )}
      {!candidate.ok && (
        <div id="json-editor-error" className="field-error" role="alert">
          {candidate.error}
        </div>
      )}
      {saveError && (
        <div className="field-error" role="alert">
          Not saved: {saveError}
        </div>
      )}
      {note && !readOnly && <div className="field-help">{note}</div>}
    </div>
  )
}
