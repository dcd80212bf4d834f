// Editors for one JSON value that is not a container: string, number, boolean, null.
import { useEffect, useState } from 'react'
import type { Json } from '../../../shared/json'
import { parseNumberText } from '../../lib/json-edit'

export interface LeafProps {
  id: string
  value: Json
  readOnly: boolean
  onChange(value: Json): void
  onError(id: string, message: string | null): void
}

export function JsonLeaf(props: LeafProps) {
  const { id, value, readOnly, onChange } = props
  if (typeof value === 'number') return <NumberInput {...props} value={value} />
  if (typeof value === 'boolean') {
    return (
      <select className="input input-small jt-value" value={String(value)} disabled={readOnly} aria-label={`Value of ${id}`} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  }
  if (value === null) return <span className="jt-null">null</span>
  return (
    <input
      className="input input-small mono jt-value"
      value={String(value)}
      readOnly={readOnly}
      spellCheck={false}
      aria-label={`Value of ${id}`}
      onChange={(e) => onChange(e.target.value)}
    />
  )
}

function NumberInput({ id, value, readOnly, onChange, onError }: LeafProps & { value: number }) {
  const [text, setText] = useState(String(value))
  const invalid = parseNumberText(text) === null
  // Another edit (a reload, a type switch) replaced the number: show the new one.
  useEffect(() => {
    setText((current) => (parseNumberText(current) === value ? current : String(value)))
  }, [value])
  useEffect(() => {
    onError(id, invalid ? `${id}: "${text}" is not a number` : null)
  }, [id, invalid, text, onError])
  useEffect(() => () => onError(id, null), [id, onError])
  return (
    <input
      className={`input input-small mono jt-value jt-number${invalid ? ' input-invalid' : ''}`}
      value={text}
      readOnly={readOnly}
      inputMode="decimal"
      spellCheck={false}
      aria-label={`Value of ${id}`}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        setText(e.target.value)
        const n = parseNumberText(e.target.value)
        if (n !== null) onChange(n)
      }}
    />
  )
}
