/** A set that forgets its oldest members past `limit`: the identities seen lately. */
export class RecentSet {
  private readonly keys = new Set<string>()

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.keys.has(key)
  }

  add(key: string): void {
    if (this.keys.has(key)) return
    this.keys.add(key)
    // Sets iterate in insertion order: the first key is the oldest.
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value as string)
  }

  clear(): void {
    this.keys.clear()
  }
}

/** A map that forgets its oldest entries past `limit`, in insertion order. */
export class RecentMap<V> {
  readonly entries = new Map<string, V>()

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size
  }

  set(key: string, value: V): void {
    if (this.entries.has(key)) return
    this.entries.set(key, value)
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string)
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
