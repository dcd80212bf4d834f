// Transient messages in the corner: results of actions, and API errors that have no inline place.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { ApiError } from '../../shared/errors'
import { IconClose } from './icons'

type ToastKind = 'info' | 'success' | 'error'
interface Toast {
  id: number
  kind: ToastKind
  message: string
}

export interface Toaster {
  show(kind: ToastKind, message: string): void
  /** Shows an error (ApiError messages are written for people). */
  error(error: unknown, prefix?: string): void
}

const ToastContext = createContext<Toaster | null>(null)

/** The message of anything thrown, for people. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof Error) return error.message
  return String(error)
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const nextId = useRef(1)
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), [])
  const show = useCallback(
    (kind: ToastKind, message: string) => {
      const id = nextId.current++
      setToasts((list) => [...list.slice(-4), { id, kind, message }])
      setTimeout(() => dismiss(id), kind === 'error' ? 12_000 : 5_000)
    },
    [dismiss]
  )
  const toaster = useMemo<Toaster>(
    () => ({ show, error: (e, prefix) => show('error', prefix ? `${prefix}: ${errorMessage(e)}` : errorMessage(e)) }),
    [show]
  )
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            <span className="toast-message">{t.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              <IconClose />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export function useToast(): Toaster {
  const toaster = useContext(ToastContext)
  if (!toaster) throw new Error('useToast() outside <ToastProvider>')
  return toaster
}
