// The session data as an editable tree: values, types, added and removed keys and items.
import { useState, type FormEvent } from 'react'
import { isPlainObject, type Json } from '../../../shared/json'
import { convertTo, JSON_KINDS, kindOf, pathId, type JsonKind, type JsonPath } from '../../lib/json-edit'
import { IconChevron, IconClose, IconPlus } from '../icons'
import { JsonLeaf } from './json-leaf'

export interface TreeContext {
  readOnly: boolean
  onChange(path: JsonPath, value: Json): void
  onRemove(path: JsonPath): void
  onError(id: string, message: string | null): void
}

const INDENT = 16

export function JsonTree({ value, ctx }: { value: Record<string, Json>; ctx: TreeContext }) {
  const keys = Object.keys(value)
  return (
    <div className="json-tree" role="tree" aria-label="Session data">
      {keys.length === 0 && <div className="jt-empty">The session is empty: {'{}'}</div>}
      {keys.map((key) => (
        <JsonNode key={key} label={key} value={value[key] as Json} path={[key]} depth={0} ctx={ctx} />
      ))}
      {!ctx.readOnly && <AddKey existing={keys} depth={0} onAdd={(key) => ctx.onChange([key], '')} />}
    </div>
  )
}

interface NodeProps {
  label: string | number
  value: Json
  path: JsonPath
  depth: number
  ctx: TreeContext
}

function JsonNode({ label, value, path, depth, ctx }: NodeProps) {
  const [open, setOpen] = useState(depth < 2)
  const kind = kindOf(value)
  const id = pathId(path)
  const container = kind === 'object' || kind === 'array'
  const children = container ? childEntries(value) : []
  return (
    <div role="treeitem" aria-expanded={container ? open : undefined} aria-label={id}>
      <div className="jt-row" style={{ paddingLeft: depth * INDENT }}>
        {container ? (
          <button type="button" className="icon-button jt-toggle" aria-label={`${open ? 'Collapse' : 'Expand'} ${id}`} onClick={() => setOpen(!open)}>
            <IconChevron open={open} />
          </button>
        ) : (
          <span className="jt-toggle-space" />
        )}
        <span className={typeof label === 'number' ? 'jt-index' : 'jt-key mono'} title={id}>
          {label}
        </span>
        <select
          className="input input-small jt-kind"
          value={kind}
          disabled={ctx.readOnly}
          aria-label={`Type of ${id}`}
          onChange={(e) => ctx.onChange(path, convertTo(value, e.target.value as JsonKind))}
        >
          {JSON_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {container ? (
          <span className="jt-summary">{kind === 'array' ? `[${children.length} items]` : `{${children.length} keys}`}</span>
        ) : (
          <JsonLeaf id={id} value={value} readOnly={ctx.readOnly} onChange={(v) => ctx.onChange(path, v)} onError={ctx.onError} />
        )}
        {!ctx.readOnly && (
          <button type="button" className="icon-button jt-remove" aria-label={`Remove ${id}`} title="Remove" onClick={() => ctx.onRemove(path)}>
            <IconClose />
          </button>
        )}
      </div>
      {container && open && (
        <div role="group">
          {children.map(([childLabel, childValue]) => (
            <JsonNode key={String(childLabel)} label={childLabel} value={childValue} path={[...path, childLabel]} depth={depth + 1} ctx={ctx} />
          ))}
          {!ctx.readOnly &&
            (kind === 'array' ? (
              <div className="jt-row" style={{ paddingLeft: (depth + 1) * INDENT }}>
                <span className="jt-toggle-space" />
                <button type="button" className="button button-small button-ghost" onClick={() => ctx.onChange([...path, children.length], '')}>
                  <IconPlus /> Add item
                </button>
              </div>
            ) : (
              <AddKey existing={children.map(([k]) => String(k))} depth={depth + 1} onAdd={(key) => ctx.onChange([...path, key], '')} />
            ))}
        </div>
      )}
    </div>
  )
}

function childEntries(value: Json): [string | number, Json][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v])
  if (isPlainObject(value)) return Object.entries(value as Record<string, Json>)
  return []
}

function AddKey({ existing, depth, onAdd }: { existing: string[]; depth: number; onAdd(key: string): void }) {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    event.stopPropagation()
    if (!key) return setError('Type a key first')
    if (existing.includes(key)) return setError(`"${key}" is already a key here`)
    onAdd(key)
    setKey('')
    setError(null)
  }
  return (
    <form className="jt-row jt-add" style={{ paddingLeft: depth * INDENT }} onSubmit={submit}>
      <span className="jt-toggle-space" />
      <input
        className={`input input-small mono jt-new-key${error ? ' input-invalid' : ''}`}
        value={key}
        placeholder="new key"
        aria-label={depth === 0 ? 'New key' : `New key at depth ${depth}`}
        spellCheck={false}
        onChange={(e) => {
          setKey(e.target.value)
          setError(null)
        }}
      />
      <button type="submit" className="button button-small button-ghost">
        <IconPlus /> Add key
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  )
}
