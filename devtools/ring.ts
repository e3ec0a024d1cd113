import type { BusEvent } from '../src/core/index'
import type { DevtoolsRecord, RecordSource } from './records'
import { estimateEventBytes } from './size'

/** Runs `settle` soon (the recorder: in the next task, so within the frame the sends happened in). */
export type SettleScheduler = (settle: () => void) => void

// Without a scheduler the ring settles on every push: exact at once, as the unit tests want.
const SETTLE_AT_ONCE: SettleScheduler = (settle) => settle()

/**
 * The events the panel saw, bounded by count and by estimated bytes (see `estimateEventBytes`):
 * the oldest are forgotten first, and the newest is kept even alone over the byte budget, since
 * the app holds it anyway until its subscribers are done. Each event is numbered from 0
 * in the order it was pushed and keeps its number, so a view can hold numbers instead of copies
 * and notice which of them have been forgotten (`first` moved past them).
 *
 * It is written on every send, so a push does the least there is: the event and its source go as
 * they are into parallel arrays (no record object, no copy, no closure, no map, no size) and a
 * cursor moves on. The sizes are measured off the send path, in one batch (`settle`): the
 * scheduler runs it once after the first push it has not seen, so a burst of sends in one task
 * is measured together in the next one, and the byte budget holds again within that frame. Any
 * read of the bounds (`first`, `size`, `bytes`, `forgotten`) settles first, so it is always exact.
 * The arrays grow to `capacity` as events come, then each push overwrites the oldest.
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
  /** Events numbered below this one have their size in `sizes` (and counted in `held`). */
  private measured = 0
  /** The estimated bytes of each measured slot's event, and of all the measured held events. */
  private sizes: number[] = []
  private held = 0
  /** Events let go to stay within the bounds (not those cleared). */
  private forgottenCount = 0
  private readonly settleBound = () => this.settle()

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = Number.MAX_SAFE_INTEGER,
    private readonly schedule: SettleScheduler = SETTLE_AT_ONCE,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`A ring needs a positive integer capacity, got ${String(capacity)}.`)
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`A ring needs a positive integer byte budget, got ${String(maxBytes)}.`)
  }

  /** The number of the oldest event still held. */
  get first(): number {
    this.settle()
    return this.oldest
  }

  /** The estimated bytes the held events take. */
  get bytes(): number {
    this.settle()
    return this.held
  }

  /** How many events were let go to stay within the count and the byte budget (cleared ones not counted). */
  get forgotten(): number {
    this.settle()
    return this.forgottenCount
  }

  /** The number the next pushed event will get. */
  get end(): number {
    return this.pushed
  }

  get size(): number {
    return this.pushed - this.first
  }

  /** How many pushed events wait for their size to be measured (0 once settled). */
  get unmeasured(): number {
    return this.pushed - Math.max(this.measured, this.oldest)
  }

  /** Keeps `event` (by reference: events are immutable) with where it came from; returns its number. */
  push(event: BusEvent, source: RecordSource): number {
    const slot = this.cursor
    // The slot written next holds the oldest event once the ring is full: it goes first. Its slots
    // are overwritten just below, so only its bytes and the counts change here.
    if (this.pushed - this.oldest === this.capacity) {
      if (this.oldest < this.measured) this.held -= this.sizes[slot]!
      this.oldest++
      this.forgottenCount++
    }
    this.events[slot] = event
    this.sources[slot] = source
    this.cursor = slot + 1 === this.capacity ? 0 : slot + 1
    const n = this.pushed++
    // The first event since the last batch asks for the next one; the rest of the burst just waits.
    if (n === this.measured) this.schedule(this.settleBound)
    return n
  }

  /**
   * Measures the events pushed since the last batch and forgets the oldest until the held ones fit
   * the byte budget again (the newest stays, even alone over it). Cheap when nothing is pending.
   */
  settle(): void {
    if (this.measured >= this.pushed) return
    if (this.measured < this.oldest) this.measured = this.oldest
    const { capacity, base } = this
    for (let n = this.measured; n < this.pushed; n++) {
      const slot = (n - base) % capacity
      const size = estimateEventBytes(this.events[slot]!)
      this.sizes[slot] = size
      this.held += size
    }
    this.measured = this.pushed
    const newest = this.pushed - 1
    while (this.held > this.maxBytes && this.oldest < newest) this.forgetOldest()
  }

  /** Lets go of the oldest event (its slot no longer holds it, so memory is freed now, not on overwrite). */
  private forgetOldest(): void {
    const slot = (this.oldest - this.base) % this.capacity
    // An event not measured yet was never counted in `held`.
    if (this.oldest < this.measured) this.held -= this.sizes[slot]!
    this.events[slot] = undefined
    this.sources[slot] = undefined
    this.sizes[slot] = 0
    this.oldest++
    this.forgottenCount++
  }

  /** The event numbered `n`, or `undefined` once it is forgotten (or not pushed yet). */
  event(n: number): BusEvent | undefined {
    return n >= this.oldest && n < this.pushed ? this.events[(n - this.base) % this.capacity] : undefined
  }

  /** Where the event numbered `n` came from, or `undefined` once it is forgotten. */
  source(n: number): RecordSource | undefined {
    return n >= this.oldest && n < this.pushed ? this.sources[(n - this.base) % this.capacity] : undefined
  }

  /** The event numbered `n` as a table row, built now for drawing; `undefined` once forgotten. */
  record(n: number): DevtoolsRecord | undefined {
    this.settle()
    if (n < this.oldest || n >= this.pushed) return undefined
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
    this.measured = this.pushed
  }
}
