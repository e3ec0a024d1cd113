import type { BusEvent } from '../src/core/event'
import type { DevtoolsRecord, RecordSource } from './records'

/**
 * The events the panel saw, bounded: the oldest are forgotten first. Each event is numbered from 0
 * in the order it was pushed and keeps its number, so a view can hold numbers instead of copies
 * and notice which of them have been forgotten (`first` moved past them).
 *
 * It is written on every send, so a push does the least there is: the event and its source go as
 * they are into two parallel arrays (no record object, no copy, no closure, no map), and a cursor
 * moves on. What the panel shows of an event (its row, its size, its labels) is worked out when it
 * is drawn. The arrays grow to `capacity` as events come, then each push overwrites the oldest.
 */
export class EventRing {
  private events: BusEvent[] = []
  private sources: RecordSource[] = []
  /** The slot the next push writes. */
  private cursor = 0
  /** The number of the event in slot 0 (moves when the ring is cleared). */
  private base = 0
  /** How many events were ever pushed (the next event's number). */
  private pushed = 0

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`A ring needs a positive integer capacity, got ${String(capacity)}.`)
  }

  /** The number of the oldest event still held. */
  get first(): number {
    return Math.max(this.base, this.pushed - this.capacity)
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
    const slot = this.cursor
    this.events[slot] = event
    this.sources[slot] = source
    this.cursor = slot + 1 === this.capacity ? 0 : slot + 1
    return this.pushed++
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
    return { n, event: this.events[slot]!, arrival, from, bridge }
  }

  /** Forgets every event; numbering goes on, so numbers held elsewhere never point at a new event. */
  clear(): void {
    this.events = []
    this.sources = []
    this.cursor = 0
    this.base = this.pushed
  }
}
