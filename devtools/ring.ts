import type { BusEvent } from '../src/core/index'
import type { DevtoolsRecord, RecordSource } from './records'
import { estimateEventBytes } from './size'

/**
 * The events the panel saw, bounded by count and by estimated bytes (see `estimateEventBytes`):
 * the oldest are forgotten first, and the newest is kept even alone over the byte budget, since
 * the app holds it anyway until its subscribers are done. Each event is numbered from 0
 * in the order it was pushed and keeps its number, so a view can hold numbers instead of copies
 * and notice which of them have been forgotten (`first` moved past them).
 *
 * It is written on every send, so a push does the least there is: the event and its source go as
 * they are into parallel arrays (no record object, no copy, no closure, no map) with the event's
 * estimated size (a walk of at most a thousand values of its data), and a cursor moves on. What the panel shows of an event (its row, its size, its labels) is worked out when it
 * is drawn. The arrays grow to `capacity` as events come, then each push overwrites the oldest.
 */
export class EventRing {
  // Holes where events were forgotten by bytes: their memory goes at once.
  private events: Array<BusEvent | undefined> = []
  private sources: Array<RecordSource | undefined> = []
  /** The slot the next push writes. */
  private cursor = 0
  /** The number of the event in slot 0 (moves when the ring is cleared). */
  private base = 0
  /** How many events were ever pushed (the next event's number). */
  private pushed = 0
  /** The number of the oldest event still held. */
  private oldest = 0
  /** The estimated bytes of each slot's event, and of all the held events. */
  private sizes: number[] = []
  private held = 0
  /** Events let go to stay within the bounds (not those cleared). */
  private forgottenCount = 0

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = Number.MAX_SAFE_INTEGER,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`A ring needs a positive integer capacity, got ${String(capacity)}.`)
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`A ring needs a positive integer byte budget, got ${String(maxBytes)}.`)
  }

  /** The number of the oldest event still held. */
  get first(): number {
    return this.oldest
  }

  /** The estimated bytes the held events take. */
  get bytes(): number {
    return this.held
  }

  /** How many events were let go to stay within the count and the byte budget (cleared ones not counted). */
  get forgotten(): number {
    return this.forgottenCount
  }

  /** The number the next pushed event will get. */
  get end(): number {
    return this.pushed
  }

  get size(): number {
    return this.pushed - this.first
  }

  /** Keeps `event` (by reference: events are immutable) with where it came from; returns its number. */
  push(event: BusEvent, source: RecordSource): number {
    // The slot written next holds the oldest event once the ring is full: it goes first.
    if (this.pushed - this.oldest === this.capacity) this.forgetOldest()
    const slot = this.cursor
    const size = estimateEventBytes(event)
    this.events[slot] = event
    this.sources[slot] = source
    this.sizes[slot] = size
    this.held += size
    this.cursor = slot + 1 === this.capacity ? 0 : slot + 1
    const n = this.pushed++
    while (this.held > this.maxBytes && this.oldest < n) this.forgetOldest()
    return n
  }

  /** Lets go of the oldest event (its slot no longer holds it, so memory is freed now, not on overwrite). */
  private forgetOldest(): void {
    const slot = (this.oldest - this.base) % this.capacity
    this.held -= this.sizes[slot]!
    this.events[slot] = undefined
    this.sources[slot] = undefined
    this.sizes[slot] = 0
    this.oldest++
    this.forgottenCount++
  }

  /** The event numbered `n`, or `undefined` once it is forgotten (or not pushed yet). */
  event(n: number): BusEvent | undefined {
    return n >= this.first && n < this.pushed ? this.events[(n - this.base) % this.capacity] : undefined
  }

  /** Where the event numbered `n` came from, or `undefined` once it is forgotten. */
  source(n: number): RecordSource | undefined {
    return n >= this.first && n < this.pushed ? this.sources[(n - this.base) % this.capacity] : undefined
  }

  /** The event numbered `n` as a table row, built now for drawing; `undefined` once forgotten. */
  record(n: number): DevtoolsRecord | undefined {
    if (n < this.first || n >= this.pushed) return undefined
    const slot = (n - this.base) % this.capacity
    const { arrival, from, bridge } = this.sources[slot]!
    return { n, event: this.events[slot]!, arrival, from, bridge, bytes: this.sizes[slot]! }
  }

  /** Forgets every event; numbering goes on, so numbers held elsewhere never point at a new event. */
  clear(): void {
    this.events = []
    this.sources = []
    this.sizes = []
    this.held = 0
    this.cursor = 0
    this.base = this.pushed
    this.oldest = this.pushed
  }
}
