// Fast-forward presets, a custom amount, freeze/unfreeze and reset for the engine clock.
import { useState, type FormEvent } from 'react'
import { clockBoundError } from '../../shared/clock-bounds'
import { useAppState } from '../app/app-state'
import { useClient } from '../app/client-context'
import { AsyncButton } from '../components/async-button'
import { IconPlay, IconReset, IconSnowflake } from '../components/icons'
import { errorMessage, useToast } from '../components/toast'
import { DURATION_HELP, parseDurationInput } from '../lib/duration-input'
import { engineNowMs } from '../lib/engine-clock'
import { formatDuration } from '../lib/format'

export const CLOCK_PRESETS: { label: string; seconds: number }[] = [
  { label: '+1 min', seconds: 60 },
  { label: '+1 h', seconds: 3600 },
  { label: '+1 day', seconds: 86_400 },
  { label: '+2 weeks', seconds: 1_209_600 }
]

export function ClockControls() {
  const client = useClient()
  const { clock, applyClock, status } = useAppState()
  const toast = useToast()
  /** Observe mode: the app's own clock keeps running, and the button says so instead of failing. */
  const cannotFreeze = status?.observe?.limits.freeze
  const [custom, setCustom] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  /** Refused here with the server's own sentence when it would pass what the store and Django hold. */
  const advance = async (seconds: number) => {
    const refused = clock ? clockBoundError(clock.bounds, engineNowMs(clock, Date.now()) + seconds * 1000) : null
    if (refused) throw new Error(refused)
    applyClock(await client.advanceClock({ seconds }))
  }

  const submitCustom = async (event: FormEvent) => {
    event.preventDefault()
    const parsed = parseDurationInput(custom)
    if (!parsed.ok) {
      setError(parsed.error)
      return
    }
    setError(null)
    setBusy(true)
    try {
      await advance(parsed.seconds)
      setCustom('')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const reset = async () => {
    const before = clock?.offsetSeconds ?? 0
    const after = await client.resetClock({})
    applyClock(after)
    const back = before - after.offsetSeconds
    if (back >= 1) {
      toast.show(
        'info',
        `Clock reset to real time, ${formatDuration(back)} back. Sessions saved while it was ahead keep those later save times, and ones that had expired on it are active again until their own expiry.`
      )
    }
  }

  const frozen = clock?.frozen ?? false
  return (
    <div className="clock-controls" role="group" aria-label="Engine clock controls">
      {CLOCK_PRESETS.map((p) => (
        <AsyncButton key={p.label} size="small" onClick={() => advance(p.seconds)} title={`Advance the engine clock by ${formatDuration(p.seconds)}`}>
          {p.label}
        </AsyncButton>
      ))}
      <form className="clock-custom" onSubmit={submitCustom}>
        <input
          className={`input input-small${error ? ' input-invalid' : ''}`}
          value={custom}
          onChange={(e) => {
            setCustom(e.target.value)
            if (error) setError(null)
          }}
          placeholder="90s, 3h, 2d…"
          aria-label="Advance the engine clock by a custom amount"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'clock-custom-error' : undefined}
          title={`Advance by ${DURATION_HELP}`}
          size={9}
        />
        <button type="submit" className="button button-small" disabled={busy} aria-busy={busy}>
          {busy && <span className="spinner" aria-hidden="true" />}
          Advance
        </button>
        {error && (
          <div id="clock-custom-error" className="popover-error" role="alert">
            {error}
          </div>
        )}
      </form>
      <span className="toolbar-divider" aria-hidden="true" />
      <AsyncButton
        size="small"
        variant={frozen ? 'primary' : 'default'}
        onClick={async () => applyClock(await client.freezeClock({ frozen: !frozen }))}
        disabled={Boolean(cannotFreeze) && !frozen}
        title={cannotFreeze && !frozen ? cannotFreeze : frozen ? 'Let the engine clock run again' : 'Stop the engine clock'}
      >
        {frozen ? <IconPlay /> : <IconSnowflake />}
        {frozen ? 'Unfreeze' : 'Freeze'}
      </AsyncButton>
      <AsyncButton size="small" onClick={reset} title="Back to real time, running">
        <IconReset />
        Reset
      </AsyncButton>
    </div>
  )
}
