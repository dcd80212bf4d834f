// Instructions per proxied request, counted by valgrind's callgrind in the process under test
// (every thread: the proxy's, the traffic writer's, V8's compiler and GC helpers). On a shared
// machine whose timings move by 20% between runs, the count moves by a few per cent: it is
// the figure to compare two builds with. The process runs under callgrind from its start; it
// is warmed up (V8 compiles the hot code much later under valgrind) and then read with
// `callgrind_control -e` around batches of requests sent one connection-set at a time.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import autocannon from 'autocannon'

const run = promisify(execFile)

export async function hasCallgrind(): Promise<boolean> {
  try {
    await run('valgrind', ['--version'])
    await run('which', ['callgrind_control'])
    return true
  } catch {
    return false
  }
}

/** The command prefix that runs a process under callgrind, its profile written to `outFile`. */
export function callgrindPrefix(outFile: string): string[] {
  return ['valgrind', '--tool=callgrind', `--callgrind-out-file=${outFile}`, '--dump-instr=no']
}

/** Instructions the process has executed so far, all threads together. */
export async function instructionsSoFar(pid: number): Promise<number> {
  const { stdout } = await run('callgrind_control', ['-e', String(pid)], { maxBuffer: 1 << 20 })
  let total = 0
  for (const m of stdout.matchAll(/^\s*Th\s*\d+\s+([\d,]+)/gm)) total += Number((m[1] as string).replace(/,/g, ''))
  if (total === 0) {
    // A single-threaded run prints the total without a thread column.
    const one = /Totals:[\s\S]*?\n\s*([\d,]+)\s*$/m.exec(stdout)
    if (one) total = Number((one[1] as string).replace(/,/g, ''))
  }
  if (!Number.isFinite(total) || total <= 0) throw new Error(`callgrind_control -e ${pid} gave no counts:\n${stdout}`)
  return total
}

/** Sends exactly `amount` GET requests over `connections` keep-alive connections. */
export async function sendRequests(url: string, amount: number, headers: Record<string, string>, connections = 4): Promise<void> {
  const instance = autocannon({ url, amount, connections, headers }) as unknown as Promise<autocannon.Result>
  const result = await instance
  const bad = result.non2xx + result.errors + result.timeouts
  if (bad > 0) {
    const statuses = Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
      .map(([code, s]) => `${code}: ${s.count}`)
      .join(', ')
    throw new Error(`${url}: ${bad} of ${amount} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; statuses ${statuses || 'none'})`)
  }
}

/** Instructions per request of `amount` requests to `url`, in the process `pid`. */
export async function instructionsPerRequest(pid: number, url: string, amount: number, headers: Record<string, string>): Promise<number> {
  const before = await instructionsSoFar(pid)
  await sendRequests(url, amount, headers)
  const after = await instructionsSoFar(pid)
  return (after - before) / amount
}
