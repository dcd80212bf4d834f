// A modal confirmation for destructive actions: confirm({...}) resolves true or false.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'

export interface ConfirmOptions {
  title: string
  message: ReactNode
  confirmLabel: string
  danger?: boolean
}

type Confirm = (options: ConfirmOptions) => Promise<boolean>
const ConfirmContext = createContext<Confirm | null>(null)

interface Pending extends ConfirmOptions {
  resolve(answer: boolean): void
}

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null)
  const confirm = useCallback<Confirm>(
    (options) => new Promise<boolean>((resolve) => setPending({ ...options, resolve })),
    []
  )
  const answer = (value: boolean) => {
    pending?.resolve(value)
    setPending(null)
  }
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {pending && <ConfirmDialog options={pending} onAnswer={answer} />}
    </ConfirmContext.Provider>
  )
}

function ConfirmDialog({ options, onAnswer }: { options: ConfirmOptions; onAnswer(value: boolean): void }) {
  const cancelRef = useRef<HTMLButtonElement>(null)
  const confirmRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    // Destructive dialogs start on Cancel, so a stray Enter does no harm.
    ;(options.danger ? cancelRef : confirmRef).current?.focus()
    return () => previous?.focus()
  }, [options.danger])
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation()
      onAnswer(false)
    } else if (event.key === 'Tab') {
      // Keep focus inside the two buttons.
      const next = document.activeElement === cancelRef.current ? confirmRef.current : cancelRef.current
      event.preventDefault()
      next?.focus()
    }
  }
  return (
    <div className="modal-backdrop" onMouseDown={() => onAnswer(false)}>
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-message"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        <h2 id="confirm-title" className="modal-title">{options.title}</h2>
        <div id="confirm-message" className="modal-message">{options.message}</div>
        <div className="modal-actions">
          <button ref={cancelRef} type="button" className="button" onClick={() => onAnswer(false)}>
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="button"
            className={options.danger ? 'button button-danger' : 'button button-primary'}
            onClick={() => onAnswer(true)}
          >
            {options.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  )
}

export function useConfirm(): Confirm {
  const confirm = useContext(ConfirmContext)
  if (!confirm) throw new Error('useConfirm() outside <ConfirmProvider>')
  return confirm
}
