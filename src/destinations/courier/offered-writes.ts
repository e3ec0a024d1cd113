/**
 * The outbox work of one courier that is still settling: the writes of entries it was offered
 * from memory, and its removals. A read from the oldest entry waits for all of it, so it sees
 * every offered entry that is still unsent and never a delivered one; an entry offered from
 * memory is removed (or buried) only once its own write has committed.
 */
export class OfferedWrites {
  private readonly settling = new Set<Promise<unknown>>()
  /** The writes of entries offered from memory that have not settled yet. */
  private readonly writing = new Set<Promise<unknown>>()

  /** Entries are being written by `written`, and were offered from memory. */
  offered(written: Promise<unknown>): void {
    if (this.writing.has(written)) return
    this.writing.add(written)
    const settled = () => this.writing.delete(written)
    written.then(settled, settled)
    this.track(written)
  }

  /** Keeps `work` among what a read waits for (its failure is the caller's to report). */
  track(work: Promise<unknown>): void {
    const settled = work.catch(() => {})
    this.settling.add(settled)
    void settled.then(() => this.settling.delete(settled))
  }

  /**
   * Runs `then` once the writes of entries offered so far have settled (at once if none is under
   * way), and tracks it. Waiting for all of them, the batch's own among them, rather than looking
   * up each entry's: the outbox commits them in order anyway, and a burst of 10,000 entries
   * spared a map entry each.
   */
  afterWrites(then: () => Promise<unknown>): void {
    this.track(this.writing.size === 0 ? then() : Promise.allSettled([...this.writing]).then(then))
  }

  /** Resolves once everything tracked so far has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.settling)
  }
}
