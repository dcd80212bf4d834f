// Tabs with the ARIA tabs pattern: arrow keys, Home and End move between tabs; only the
// selected panel is rendered.
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react'

export interface TabDefinition<T extends string> {
  id: T
  label: ReactNode
  /** A short count or marker after the label, e.g. "3". */
  hint?: ReactNode
}

export interface TabsProps<T extends string> {
  label: string
  tabs: readonly TabDefinition<T>[]
  selected: T
  onSelect(id: T): void
  children: ReactNode
}

export function Tabs<T extends string>({ label, tabs, selected, onSelect, children }: TabsProps<T>) {
  const base = useId()
  const listRef = useRef<HTMLDivElement>(null)
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === selected)
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }
    const to = moves[event.key]
    if (to === undefined) return
    event.preventDefault()
    const next = tabs[(to + tabs.length) % tabs.length]
    if (!next) return
    onSelect(next.id)
    listRef.current?.ownerDocument.getElementById(`${base}-tab-${next.id}`)?.focus()
  }
  return (
    <div className="tabs">
      <div ref={listRef} className="tab-list" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((t) => {
          const current = t.id === selected
          return (
            <button
              key={t.id}
              id={`${base}-tab-${t.id}`}
              type="button"
              role="tab"
              className="tab"
              aria-selected={current}
              aria-controls={`${base}-panel`}
              tabIndex={current ? 0 : -1}
              onClick={() => onSelect(t.id)}
            >
              {t.label}
              {t.hint !== undefined && t.hint !== null && <span className="tab-hint">{t.hint}</span>}
            </button>
          )
        })}
      </div>
      <div id={`${base}-panel`} className="tab-panel" role="tabpanel" aria-labelledby={`${base}-tab-${selected}`} tabIndex={0}>
        {children}
      </div>
    </div>
  )
}
