import { identityOf, type BusEvent } from '../core/index'
import { roughSize } from './rough-size'
import { compareEvents } from './store'

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
  private head = 0
  private bytes = 0

  constructor(
    private readonly capacity: number,
    private readonly maxBytes: number,
  ) {}

  add(event: BusEvent): void {
    const size = roughSize(event.data) + event.id.length + event.system.length + event.kind.length + event.path.length
    this.events.push(event)
    this.sizes.push(size)
    this.bytes += size
    while (this.events.length - this.head > this.capacity || (this.bytes > this.maxBytes && this.events.length - this.head > 1)) {
      this.bytes -= this.sizes[this.head]!
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head)
      this.sizes = this.sizes.slice(this.head)
      this.head = 0
    }
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
