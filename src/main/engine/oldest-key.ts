// The oldest key of a bounded Map or Set, for forgetting it once the bound is reached.
//
// `map.keys().next()` is not O(1) in V8 once entries are deleted from the front: a deleted
// entry stays in the table as a hole until the table is rebuilt, and every new iterator
// walks over the holes before the first live entry. A cache kept at its bound by deleting
// the oldest entry on every insert made each insert walk thousands of holes (11 µs an
// insert at 20,000 entries, more than the SQLite read it was caching). One iterator kept
// for the life of the collection walks each hole once: it goes forward in insertion order,
// sees the entries added after it was made, and skips the ones deleted before it got there.

/** Hands out a collection's keys oldest first, in amortised O(1) each. */
export class OldestKey<K> {
  private iterator: Iterator<K> | null = null

  /** `keys`: the collection's key iterator (map.keys(), set.values()). */
  constructor(private readonly keys: () => Iterator<K>) {}

  /**
   * The oldest key still in the collection, which the caller is about to delete; undefined
   * when it is empty. Every key it returned before must have been deleted since (or
   * moved to the end by a delete and a set): the iterator never goes back.
   */
  take(): K | undefined {
    this.iterator ??= this.keys()
    let step = this.iterator.next()
    // An iterator that reached the end stays done, even after new entries: start again.
    if (step.done) {
      this.iterator = this.keys()
      step = this.iterator.next()
    }
    return step.done ? undefined : step.value
  }
}
