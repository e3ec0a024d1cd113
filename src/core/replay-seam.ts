import type { BusEvent } from './event'
import { SeqRuns } from './seq-runs'

/**
 * The seam between a subscription's history and its live events. While history is read, live
 * events are held; then history is delivered, then the held events, each event once.
 *
 * "Once" is decided per origin, by seq: the seqs already delivered are kept as a few runs, and
 * anything below an origin's oldest event in history belongs to the part the query left out (a
 * `limit`), so it counts as delivered too. This catches an event another tab stored before its
 * live copy reached this one, costs a few numbers per origin instead of a set of every id, and a
 * record with a forged seq far ahead in the store hides none of the real events below it.
 */
export class ReplaySeam<E extends BusEvent = BusEvent> {
  private held: E[] | undefined = []
  private readonly delivered = new Map<string, SeqRuns>()

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
    // Keyed by system and id, an event's identity. Not `identityOf` of ./identity: this module is
    // loaded with a bus's first replay, and on its own it is one lazy chunk instead of two.
    const unsequenced = new Set<string>()
    const key = (event: E) => `${event.system.length}:${event.system}${event.id}`
    const oldest = new Map<string, number>()
    for (const event of history) if (event.seq >= 1 && !(event.seq >= (oldest.get(event.origin) ?? Infinity))) oldest.set(event.origin, event.seq)
    for (const [origin, seq] of oldest) this.delivered.set(origin, new SeqRuns(seq - 1))
    const deliver: E[] = []
    for (const event of [...history, ...held]) {
      if (event.seq >= 1 ? this.isNew(event) : !unsequenced.has(key(event))) {
        if (!(event.seq >= 1)) unsequenced.add(key(event))
        deliver.push(event)
      }
    }
    return deliver
  }

  private isNew(event: E): boolean {
    if (!(event.seq >= 1)) return true
    let runs = this.delivered.get(event.origin)
    if (!runs) this.delivered.set(event.origin, (runs = new SeqRuns()))
    return runs.add(event.seq)
  }
}

/**
 * Starts the replay of one subscription: `held` are the live events that came before this module
 * was loaded. Once `history` is read, `deliver` gets it and then the live events held meanwhile;
 * live events from now on go through the returned seam.
 */
export function startReplay(held: readonly BusEvent[], history: Promise<readonly BusEvent[]>, deliver: (event: BusEvent) => void): ReplaySeam {
  const seam = new ReplaySeam()
  for (const event of held) seam.admit(event)
  void history.then((events) => seam.finish(events).forEach(deliver))
  return seam
}
