/**
 * The oldest entries of a bounded Map or Set, one at a time in O(1). Asking the collection for its
 * first entry (`keys().next()`) is not O(1): V8 walks every entry deleted since it last rebuilt its
 * table, so evicting that way costs up to the bound per insert once the bound is reached (100,000
 * events through a 16,384-entry ledger: 4 s). One live iterator walks past each deleted entry once.
 */
export class Oldest<T> {
  private cursor: Iterator<T>

  constructor(private readonly start: () => Iterator<T>) {
    this.cursor = start()
  }

  /** The oldest entry not taken yet (the caller deletes it); `undefined` when there is none. */
  take(): T | undefined {
    let step = this.cursor.next()
    // A drained iterator stays drained: start again from what the collection holds now.
    if (step.done) step = (this.cursor = this.start()).next()
    return step.done ? undefined : step.value
  }
}

/** A set that forgets its oldest members past `limit`: the identities seen lately. */
export class RecentSet {
  private readonly keys = new Set<string>()
  private readonly oldest = new Oldest(() => this.keys.values())

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.keys.has(key)
  }

  add(key: string): void {
    if (this.keys.has(key)) return
    this.keys.add(key)
    if (this.keys.size > this.limit) this.keys.delete(this.oldest.take()!)
  }

  clear(): void {
    this.keys.clear()
  }
}

/** A map that forgets its oldest entries past `limit`, in insertion order. */
export class RecentMap<V> {
  readonly entries = new Map<string, V>()
  private readonly oldest = new Oldest(() => this.entries.keys())

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size
  }

  set(key: string, value: V): void {
    if (this.entries.has(key)) return
    this.entries.set(key, value)
    if (this.entries.size > this.limit) this.entries.delete(this.oldest.take()!)
  }

  /** Forgets the entry and returns what it held. */
  remove(key: string): V | undefined {
    const value = this.entries.get(key)
    this.entries.delete(key)
    return value
  }

  /** Empties the map and returns what it held, oldest first. */
  take(): V[] {
    const values = [...this.entries.values()]
    this.entries.clear()
    return values
  }
}
