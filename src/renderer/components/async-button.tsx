// A button for API actions: disabled with a spinner while it runs; errors go to a toast
// unless the caller handles them.
import { useState, type ReactNode } from 'react'
import { Spinner } from './spinner'
import { useToast } from './toast'

export interface AsyncButtonProps {
  onClick(): Promise<unknown> | void
  children: ReactNode
  variant?: 'default' | 'primary' | 'danger' | 'ghost'
  size?: 'normal' | 'small'
  disabled?: boolean
  title?: string
  className?: string
  'aria-label'?: string
  /** Handles a failure instead of the toast (e.g. to show it inline). */
  onError?(error: unknown): void
}

export function AsyncButton({ onClick, children, variant = 'default', size = 'normal', disabled, onError, className, ...rest }: AsyncButtonProps) {
  const [busy, setBusy] = useState(false)
  const toast = useToast()
  const run = async () => {
    setBusy(true)
    try {
      await onClick()
    } catch (error) {
      if (onError) onError(error)
      else toast.error(error)
    } finally {
      setBusy(false)
    }
  }
  const classes = ['button', variant !== 'default' ? `button-${variant}` : '', size === 'small' ? 'button-small' : '', className ?? '']
  return (
    <button type="button" className={classes.filter(Boolean).join(' ')} disabled={disabled || busy} aria-busy={busy} onClick={run} {...rest}>
      {busy && <Spinner />}
      {children}
    </button>
  )
}
