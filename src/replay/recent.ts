import { identityOf } from '../core/identity'
import type { BusEvent } from '../core/event'
import { compareEvents } from './store'

/**
 * The latest events that reached this context, whatever their way in, kept to close the gap
 * between history and live delivery. An event delivered here before a replaying subscription
 * opened, but not yet committed by the context that stores it (another tab under load, or this
 * one in the same task), is in neither the store's answer nor the subscription's live stream;
 * merging these in puts it back.
 */
export class RecentEvents {
  // A ring: `next` is where the following event goes once the ring is full.
  private readonly ring: BusEvent[] = []
  private next = 0

  constructor(private readonly capacity: number) {}

  add(event: BusEvent): void {
    if (this.ring.length < this.capacity) this.ring.push(event)
    else {
      this.ring[this.next] = event
      this.next = (this.next + 1) % this.capacity
    }
  }

  /**
   * `stored` (in store order) plus the recent events that `wanted` accepts and the store did not
   * return, in store order. A context commits its events in seq order, so per origin the store
   * holds a prefix of what was sent: a recent event with a higher seq than any stored one of its
   * origin is missing. Events no bus sequenced (seq 0) are compared by identity.
   */
  mergeInto(stored: BusEvent[], wanted: (event: BusEvent) => boolean): BusEvent[] {
    if (this.ring.length === 0) return stored
    const lastStoredSeq = new Map<string, number>()
    let unsequenced: Set<string> | undefined
    for (const event of stored) {
      if (event.seq >= 1) {
        if (!(event.seq <= (lastStoredSeq.get(event.origin) ?? 0))) lastStoredSeq.set(event.origin, event.seq)
      } else (unsequenced ??= new Set()).add(identityOf(event))
    }
    const missing: BusEvent[] = []
    for (const event of this.ring) {
      const stored = event.seq >= 1 ? event.seq <= (lastStoredSeq.get(event.origin) ?? 0) : unsequenced?.has(identityOf(event))
      if (!stored && wanted(event)) missing.push(event)
    }
    if (missing.length === 0) return stored
    return [...stored, ...missing].sort(compareEvents)
  }
}
