// CACHES as a small table: alias → URL (locmem:// or redis://host:port/db), applied as a whole.
import { useEffect, useState } from 'react'
import { IconClose, IconPlus } from '../../components/icons'
import { Spinner } from '../../components/spinner'
import type { InputProps } from './setting-inputs'

type Row = { alias: string; url: string }
const toRows = (caches: Record<string, string>): Row[] => Object.entries(caches).map(([alias, url]) => ({ alias, url }))

export function CachesEditor({ id, value, readOnly, busy, commit, onDraft }: InputProps<Record<string, string>>) {
  const [rows, setRows] = useState<Row[]>(() => toRows(value))
  const [localError, setLocalError] = useState<string | null>(null)
  useEffect(() => setRows(toRows(value)), [value])
  const dirty = JSON.stringify(rows) !== JSON.stringify(toRows(value))

  // The rows as the validator sees them, checked as they are typed (duplicates are caught on Apply).
  useEffect(() => {
    if (!onDraft) return
    onDraft(dirty ? { value: Object.fromEntries(rows.map((r) => [r.alias.trim(), r.url.trim()])) } : undefined)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- onDraft is a new function each render; rows decide
  }, [rows, dirty])

  const update = (index: number, patch: Partial<Row>) => setRows((r) => r.map((row, i) => (i === index ? { ...row, ...patch } : row)))
  const apply = () => {
    const aliases = rows.map((r) => r.alias.trim())
    const duplicate = aliases.find((a, i) => aliases.indexOf(a) !== i)
    if (duplicate !== undefined) return setLocalError(`The alias "${duplicate}" appears twice`)
    if (aliases.some((a) => !a)) return setLocalError('Every cache needs an alias')
    setLocalError(null)
    void commit(Object.fromEntries(rows.map((r) => [r.alias.trim(), r.url.trim()])))
  }

  return (
    <div className="caches-editor" id={id} aria-describedby={`${id}-help`}>
      <table className="mini-table">
        <thead>
          <tr>
            <th scope="col">Alias</th>
            <th scope="col">URL</th>
            {!readOnly && <th scope="col" className="sr-only">Remove</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td>
                <input className="input input-small mono" value={row.alias} readOnly={readOnly} aria-label={`Alias of cache ${i + 1}`} onChange={(e) => update(i, { alias: e.target.value })} />
              </td>
              <td>
                <input className="input input-small mono" value={row.url} readOnly={readOnly} placeholder="locmem:// or redis://127.0.0.1:6379/0" aria-label={`URL of cache ${i + 1}`} onChange={(e) => update(i, { url: e.target.value })} />
              </td>
              {!readOnly && (
                <td>
                  <button type="button" className="icon-button" aria-label={`Remove cache ${row.alias || i + 1}`} onClick={() => setRows((r) => r.filter((_, j) => j !== i))}>
                    <IconClose />
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {!readOnly && (
        <div className="inline-actions">
          <button type="button" className="button button-small button-ghost" onClick={() => setRows((r) => [...r, { alias: '', url: 'locmem://' }])}>
            <IconPlus /> Add cache
          </button>
          {dirty && (
            <>
              <button type="button" className="button button-small" onClick={() => setRows(toRows(value))}>
                Revert
              </button>
              <button type="button" className="button button-small button-primary" disabled={busy} onClick={apply}>
                Apply
              </button>
            </>
          )}
          {busy && <Spinner label="Applying" />}
        </div>
      )}
      {localError && (
        <div className="field-error" role="alert">
          {localError}
        </div>
      )}
    </div>
  )
}
