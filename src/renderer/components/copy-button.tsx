// Copies a text to the clipboard and says so for a moment.
import { useState } from 'react'
import { IconCheck, IconCopy } from './icons'
import { useToast } from './toast'

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false)
  const toast = useToast()
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch (error) {
      toast.error(error, 'Cannot copy to the clipboard')
    }
  }
  return (
    <button type="button" className="icon-button" aria-label={`${label}: ${text}`} title={copied ? 'Copied' : label} onClick={copy}>
      {copied ? <IconCheck /> : <IconCopy />}
    </button>
  )
}
