// The engine's clock (beyond Django): now = real now + offset, optionally frozen. The only
// source of "now" in the engine, so advancing it expires sessions, signed-cookie
// timestamps, file ages and cache TTLs exactly as if that much time had passed.

export interface ClockSnapshot {
  now: Date
  realNow: Date
  offsetMs: number
  frozen: boolean
}

export class Clock {
  private offsetMs = 0
  private frozenAt: number | null = null
  private listeners = new Set<() => void>()

  constructor(private readonly realNow: () => number = Date.now) {}

  /** Engine time. */
  now(): Date {
    return new Date(this.nowMs())
  }

  nowMs(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs
  }

  snapshot(): ClockSnapshot {
    const real = this.realNow()
    const now = this.frozenAt ?? real + this.offsetMs
    return { now: new Date(now), realNow: new Date(real), offsetMs: now - real, frozen: this.frozenAt !== null }
  }

  /** Fast-forward by seconds (fractions allowed). */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('advance: seconds must be finite and >= 0')
    const ms = seconds * 1000
    if (this.frozenAt !== null) this.frozenAt += ms
    else this.offsetMs += ms
    this.changed()
  }

  /** Jump to a moment (kept frozen there if frozen). */
  set(moment: Date): void {
    const t = moment.getTime()
    if (Number.isNaN(t)) throw new RangeError('set: invalid date')
    if (this.frozenAt !== null) this.frozenAt = t
    else this.offsetMs = t - this.realNow()
    this.changed()
  }

  /** Freeze at the current engine time, or let it run again from where it stands. */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.nowMs()
    else if (!frozen && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - this.realNow()
      this.frozenAt = null
    } else return
    this.changed()
  }

  /** Back to real time, running. */
  reset(): void {
    this.offsetMs = 0
    this.frozenAt = null
    this.changed()
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(): void {
    for (const l of this.listeners) l()
  }
}
