import type { BusEvent } from './event'
import { identityOf } from './identity'

/**
 * The seam between a subscription's history and its live events. While history is read, live
 * events are held; then history is delivered, then the held events, each event once.
 *
 * "Once" is decided per origin: a bus's `seq` strictly increases and its events are stored and
 * delivered in `seq` order, so an event whose `seq` is at or below the last one already delivered
 * from its origin was delivered (or belongs to the part of history the query left out). This also
 * catches an event another tab stored before its live copy reached this one, and costs one map
 * entry per origin instead of a set of every id.
 */
export class ReplaySeam<E extends BusEvent = BusEvent> {
  private held: E[] | undefined = []
  private readonly lastSeq = new Map<string, number>()

  /** Whether history is still being read (live events are held meanwhile). */
  get replaying(): boolean {
    return this.held !== undefined
  }

  /** Whether to deliver a live event now: holds it while replaying, refuses one already delivered. */
  admit(event: E): boolean {
    if (this.held) {
      this.held.push(event)
      return false
    }
    return this.isNew(event)
  }

  /** Ends the replay: the events to deliver, history first, then the live events held meanwhile. */
  finish(history: readonly E[]): E[] {
    const held = this.held ?? []
    this.held = undefined
    // Events no bus sequenced (seq 0: injected from outside) have no order to compare; within the
    // seam they are told apart by identity, and after it the bus never delivers one twice.
    const unsequenced = new Set<string>()
    const deliver: E[] = []
    for (const event of [...history, ...held]) {
      if (event.seq >= 1 ? this.isNew(event) : !unsequenced.has(identityOf(event))) {
        if (!(event.seq >= 1)) unsequenced.add(identityOf(event))
        deliver.push(event)
      }
    }
    return deliver
  }

  private isNew(event: E): boolean {
    if (!(event.seq >= 1)) return true
    const last = this.lastSeq.get(event.origin)
    if (last !== undefined && event.seq <= last) return false
    this.lastSeq.set(event.origin, event.seq)
    return true
  }
}
