import type { OutboxEntry } from '../store'

/**
 * Takes delivered entries out of one destination's outbox, one transaction at a time: removals
 * asked for while a transaction is under way go together in the next one, so a courier that
 * delivers a request every few milliseconds does not queue a transaction per request.
 */
export class OutboxSweeper {
  private waiting: OutboxEntry[] = []
  /** The transaction that will take `waiting`, not yet begun. */
  private next: Promise<void> | undefined
  /** The latest transaction begun, settled or not. */
  private latest: Promise<void> = Promise.resolve()

  constructor(private readonly remove: (entries: readonly OutboxEntry[]) => Promise<void>) {}

  /** Resolves once the events are out of the outbox (rejects if that transaction failed). */
  sweep(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) this.waiting.push(entry)
    if (this.next) return this.next
    // Begun once the previous transaction is done (at the earliest in a microtask, which also
    // gathers the removals asked for in the same task).
    const next = this.latest.then(() => {
      this.next = undefined
      const taken = this.waiting
      this.waiting = []
      return this.remove(taken)
    })
    this.next = next
    this.latest = next.catch(() => {})
    return next
  }
}
