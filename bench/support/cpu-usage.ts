// CPU time a process has used so far (user + system), from /proc on Linux: what a request
// costs the proxy, a figure that holds up better than req/s when other work shares the cores.
import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux we run on. */
const CLK_TCK = 100

/** Milliseconds of CPU used by a process, or NaN where /proc is not available. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK
  } catch {
    return NaN
  }
}
