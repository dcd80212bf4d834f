// The marker the traffic log puts at the end of a value it stored cut short, so the UI can
// say so instead of failing to read it.

/** "… [truncated, 1048576 bytes]": the value's first part is kept, then this, with its full size. */
export function truncatedMark(bytes: number): string {
  return `… [truncated, ${bytes} bytes]`
}

const MARK = /… \[truncated, (\d+) bytes\]$/

/** The full size in bytes of a value stored truncated, or null when it is whole. */
export function truncatedSize(text: string): number | null {
  const m = MARK.exec(text)
  return m ? Number(m[1]) : null
}
