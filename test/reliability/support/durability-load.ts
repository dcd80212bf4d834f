// Clients logging in through the proxy, many at once, for the kill -9 scenario: each logs in
// (a new session), takes two steps that rewrite it, and logs in again as the next user. The
// ledger keeps what each client was told: a session counts only once the client has read the
// whole response head carrying its Set-Cookie, and a step only once its answer's head came.
import { Agent, request } from 'node:http'

export interface LedgerEntry {
  user: string
  /** The last n whose answer the client read. */
  acked: number
  /** A step sent whose answer never came (the kill): the store may hold it or the acked one. */
  pending: number | null
}

export type Ledger = Map<string, LedgerEntry>

export interface LoadRun {
  /** Requests sent whose response head has not come yet. */
  inFlight(): number
  /** Stops starting requests; in-flight ones end as they may. */
  halt(): void
  /** Resolves when every client has stopped. */
  done: Promise<LoadStats>
}

export interface LoadStats {
  logins: number
  steps: number
  /** Answers that were not the app's 200 with a session cookie (before the kill). */
  unexpected: number
  errors: number
}

const STEPS = 2

/** One GET; `onHead` runs once the whole response head is read. Counts itself in flight until then. */
function get(agent: Agent, base: string, path: string, cookie: string | undefined, flight: { n: number }, onHead: (status: number, setCookie: string[]) => void): Promise<void> {
  flight.n++
  let head = false
  return new Promise<void>((resolve, reject) => {
    const req = request(`${base}${path}`, { agent, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      head = true
      flight.n--
      onHead(res.statusCode ?? 0, res.headers['set-cookie'] ?? [])
      res.resume()
      res.on('end', resolve)
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  }).catch((e: unknown) => {
    if (!head) flight.n--
    throw e
  })
}

function sessionCookie(lines: string[]): string | null {
  for (const line of lines) {
    const m = /^sessionid=([a-z0-9]{32});/.exec(line)
    if (m) return m[1] as string
  }
  return null
}

export function startLoad(proxyUrl: string, ledger: Ledger, clients: number, userPrefix: string): LoadRun {
  const agent = new Agent({ keepAlive: true, maxSockets: clients })
  const stats: LoadStats = { logins: 0, steps: 0, unexpected: 0, errors: 0 }
  let halted = false
  const flight = { n: 0 }
  let next = 0

  async function client(): Promise<void> {
    while (!halted) {
      const user = `${userPrefix}-${next++}`
      let key: string | null = null
      try {
        await get(agent, proxyUrl, `/login?user=${user}`, undefined, flight, (status, setCookie) => {
          key = sessionCookie(setCookie)
          if (status !== 200 || !key) return void stats.unexpected++
          ledger.set(key, { user, acked: 1, pending: null })
          stats.logins++
        })
        for (let n = 2; n <= STEPS + 1 && key && !halted; n++) {
          const entry = ledger.get(key) as LedgerEntry
          entry.pending = n
          await get(agent, proxyUrl, `/step?n=${n}`, `sessionid=${key}`, flight, (status) => {
            if (status !== 200) return void stats.unexpected++
            entry.acked = n
            entry.pending = null
            stats.steps++
          })
        }
      } catch {
        // The kill: this request's answer never came; its ledger entry keeps it as pending.
        stats.errors++
        if (!halted) await new Promise((r) => setTimeout(r, 5))
      }
    }
  }

  const done = Promise.all(Array.from({ length: clients }, () => client())).then(() => {
    agent.destroy()
    return stats
  })
  return {
    inFlight: () => flight.n,
    halt: () => {
      halted = true
    },
    done
  }
}
