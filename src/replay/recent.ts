import { identityOf, type BusEvent } from '../core/index'
import { roughSize } from './rough-size'
import { compareEvents } from './store'

// While a read is pinned, events leave only past this many times the bounds.
const PINNED_SLACK = 4

/** The oldest event held of a context of the origin: every event it sent after is held too. */
export interface FirstHeld {
  readonly seq: number
  readonly time: number
}

/**
 * The latest events that reached this context, whatever their way in, kept to close the gap
 * between history and live delivery. An event delivered here before a replaying subscription
 * opened, but not yet committed by the context that stores it (another tab under load, or this
 * one in the same task), is in neither the store's answer nor the subscription's live stream;
 * merging these in puts it back. Bounded by count and by (estimated) bytes, so a flood of large
 * events cannot hold gigabytes.
 */
export class RecentEvents {
  // A queue with a head index: the oldest leave first, in order, without shifting the array.
  private events: BusEvent[] = []
  private sizes: number[] = []
  // Whether each event was sent by a context of the origin: those arrive complete and in seq order.
  private sent: boolean[] = []
  private head = 0
  private bytes = 0
  private pins = 0

  constructor(
    private readonly capacity: number,
    private readonly maxBytes: number,
  ) {}

  /** `sent`: sent by a context of this origin (not brought in by a bridge). */
  add(event: BusEvent, sent: boolean): void {
    const size = roughSize(event.data) + event.id.length + event.system.length + event.kind.length + event.path.length
    this.events.push(event)
    this.sizes.push(size)
    this.sent.push(sent)
    this.bytes += size
    const slack = this.pins > 0 ? PINNED_SLACK : 1
    while (this.events.length - this.head > this.capacity * slack || (this.bytes > this.maxBytes * slack && this.events.length - this.head > 1)) {
      this.bytes -= this.sizes[this.head]!
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head)
      this.sizes = this.sizes.slice(this.head)
      this.sent = this.sent.slice(this.head)
      this.head = 0
    }
  }

  /**
   * Keeps what is held (up to a few times the bounds) until `unpin`: a read that checks history
   * against the oldest events held needs them still held when it merges.
   */
  pin(): void {
    this.pins++
  }

  unpin(): void {
    this.pins--
  }

  /** Per context of the origin, its oldest event held (a context's events are held in seq order from there on). */
  firstHeld(): Map<string, FirstHeld> {
    const first = new Map<string, FirstHeld>()
    for (let i = this.head; i < this.events.length; i++) {
      const { origin, seq, time } = this.events[i]!
      if (this.sent[i] && seq >= 1 && !first.has(origin)) first.set(origin, { seq, time })
    }
    return first
  }

  /**
   * `stored` (in store order) plus the recent events that `wanted` accepts and the store did not
   * return, in store order. A context commits its events in seq order, so per origin the store
   * holds a prefix of what was sent: a recent event with a higher seq than any stored one of its
   * origin is missing. Events no bus sequenced (seq 0) are compared by identity.
   */
  mergeInto(stored: BusEvent[], wanted: (event: BusEvent) => boolean): BusEvent[] {
    if (this.events.length === this.head) return stored
    const lastStoredSeq = new Map<string, number>()
    let unsequenced: Set<string> | undefined
    for (const event of stored) {
      if (event.seq >= 1) {
        if (!(event.seq <= (lastStoredSeq.get(event.origin) ?? 0))) lastStoredSeq.set(event.origin, event.seq)
      } else (unsequenced ??= new Set()).add(identityOf(event))
    }
    const missing: BusEvent[] = []
    for (let i = this.head; i < this.events.length; i++) {
      const event = this.events[i]!
      const stored = event.seq >= 1 ? event.seq <= (lastStoredSeq.get(event.origin) ?? 0) : unsequenced?.has(identityOf(event))
      if (!stored && wanted(event)) missing.push(event)
    }
    if (missing.length === 0) return stored
    return [...stored, ...missing].sort(compareEvents)
  }
}
