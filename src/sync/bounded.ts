/**
 * At most `limit` keys with a value, the oldest dropped first. A ring of keys rather than a Map's
 * own order: taking the first key of a Map that had many deleted skips over every deleted slot.
 * Keys are never deleted one by one, so the ring and the Map always hold the same keys.
 */
export class Bounded<V> {
  private readonly values = new Map<string, V>()
  // Grows to `limit` as keys come, then wraps: a context that is never flooded pays for few.
  private ring: string[] = []
  private next = 0

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.values.get(key)
  }

  has(key: string): boolean {
    return this.values.has(key)
  }

  /** Sets `key` (keeping its age if it is there); returns the value of the oldest key if it dropped one. */
  set(key: string, value: V): V | undefined {
    if (this.values.has(key)) {
      this.values.set(key, value)
      return undefined
    }
    const oldest = this.ring.length < this.limit ? undefined : this.ring[this.next]
    let dropped: V | undefined
    if (oldest !== undefined) {
      dropped = this.values.get(oldest)
      this.values.delete(oldest)
    }
    this.ring[this.next] = key
    this.next = (this.next + 1) % this.limit
    this.values.set(key, value)
    return dropped
  }

  forEach(each: (value: V) => void): void {
    for (const value of this.values.values()) each(value)
  }

  clear(): void {
    this.values.clear()
    this.ring = []
    this.next = 0
  }
}
