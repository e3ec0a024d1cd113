import type { OutboxEntry } from '../store'

/**
 * The outbox work of one courier that is still settling: the writes of entries it was offered
 * from memory, and its removals. A read from the oldest entry waits for all of it, so it sees
 * every offered entry that is still unsent and never a delivered one; an entry offered from
 * memory is removed (or buried) only once its own write has committed.
 */
export class OfferedWrites {
  private readonly settling = new Set<Promise<unknown>>()
  /** The write each entry offered from memory is in. */
  private readonly writes = new WeakMap<OutboxEntry, Promise<unknown>>()

  /** `entries` are being written by `written`. */
  offered(entries: readonly OutboxEntry[], written: Promise<unknown>): void {
    for (const entry of entries) this.writes.set(entry, written)
    this.track(written)
  }

  /** Keeps `work` among what a read waits for (its failure is the caller's to report). */
  track(work: Promise<unknown>): void {
    const settled = work.catch(() => {})
    this.settling.add(settled)
    void settled.then(() => this.settling.delete(settled))
  }

  /** Runs `then` once the writes of the offered entries among `batch` have settled (at once if none), and tracks it. */
  afterWrites(batch: readonly OutboxEntry[], then: () => Promise<unknown>): void {
    const writes = new Set<Promise<unknown>>()
    for (const entry of batch) {
      const write = this.writes.get(entry)
      if (write) writes.add(write)
    }
    this.track(writes.size === 0 ? then() : Promise.allSettled(writes).then(then))
  }

  /** Resolves once everything tracked so far has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.settling)
  }
}
