// Keyboard movement in the inspector's grids (Sessions, Traffic, Timeline, Clients): one
// rule for all of them, so every list answers the same keys the same way.

/**
 * Where a key moves the selection in a grid of `count` rows, from row `selected` (-1: none):
 * an index within the grid, or null when the key is not a movement key (or the grid is empty).
 * Page keys move by `page` rows.
 */
export function gridMove(key: string, selected: number, count: number, page: number): number | null {
  if (count === 0) return null
  const moves: Record<string, number> = {
    ArrowDown: selected + 1,
    ArrowUp: selected === -1 ? 0 : selected - 1,
    PageDown: selected + page,
    PageUp: selected - page,
    Home: 0,
    End: count - 1
  }
  const to = moves[key]
  return to === undefined ? null : Math.max(0, Math.min(count - 1, to))
}

/** How many rows a page key moves: the rows that fit the grid's height, less a header and a margin. */
export function pageOf(height: number | undefined, rowHeight: number, reservedRows = 2): number {
  return Math.max(1, Math.floor((height ?? 300) / rowHeight) - reservedRows)
}
