/**
 * A bounded buffer that forgets its oldest items first. Items are numbered from 0 in the order they
 * were pushed, and keep their number, so a view can hold numbers instead of copies and notice which
 * of them have been forgotten (`first` moved past them).
 */
export class Ring<T> {
  private readonly items: (T | undefined)[]
  private start = 0
  /** How many items were ever pushed (the next item's number). */
  private pushed = 0

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`A ring needs a positive integer capacity, got ${String(capacity)}.`)
    this.items = new Array<T | undefined>(capacity)
  }

  /** The number of the oldest item still held. */
  get first(): number {
    return this.start
  }

  /** The number the next pushed item will get. */
  get end(): number {
    return this.pushed
  }

  get size(): number {
    return this.pushed - this.start
  }

  push(item: T): number {
    const n = this.pushed++
    this.items[n % this.capacity] = item
    if (this.pushed - this.start > this.capacity) this.start = this.pushed - this.capacity
    return n
  }

  /** The item numbered `n`, or `undefined` once it is forgotten (or not pushed yet). */
  get(n: number): T | undefined {
    return n >= this.start && n < this.pushed ? this.items[n % this.capacity] : undefined
  }

  /** Forgets every item; numbering goes on, so numbers held elsewhere never point at a new item. */
  clear(): void {
    this.items.fill(undefined)
    this.start = this.pushed
  }
}
