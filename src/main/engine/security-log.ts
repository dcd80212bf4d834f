// Django logs forged or corrupt session data on 'django.security.SuspiciousSession'
// instead of failing the request. This is that channel: lines go to the console and to
// whoever subscribes (the inspector shows them), and tests can read them back.

export interface SecurityLogLine {
  time: Date
  channel: string
  message: string
}

export class SecurityLog {
  readonly lines: SecurityLogLine[] = []
  private listeners = new Set<(line: SecurityLogLine) => void>()

  constructor(
    private readonly echo: ((text: string) => void) | null = null,
    private readonly keep = 200
  ) {}

  warning(message: string, channel = 'django.security.SuspiciousSession'): void {
    const line = { time: new Date(), channel, message }
    this.lines.push(line)
    if (this.lines.length > this.keep) this.lines.shift()
    this.echo?.(`[${channel}] ${message}`)
    for (const l of this.listeners) l(line)
  }

  subscribe(listener: (line: SecurityLogLine) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
