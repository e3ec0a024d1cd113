/**
 * The exported events of the origin that no bridge has confirmed on the NATS server yet, in the
 * order this context saw them. Every bridging context keeps one:
 * - the leader publishes from it, and drops an event once a round trip to the server after its
 *   publish came back (the server has it), telling the other contexts (see `AckChannel`);
 * - the others keep it as a sliding window, so the one that takes over publishes what the old
 *   leader may not have: nothing is lost in a handover, and receivers drop a second copy by
 *   identity.
 *
 * `waiting` (not yet published) is what `maxQueuedEvents` bounds: while NATS is unreachable it grows,
 * and what is published waits only one round trip.
 *
 * Two maps in insertion order, the published ones always older than the waiting ones (events are
 * published oldest first), so every per-event operation is O(1): a burst of n events costs O(n),
 * never a walk of the whole log per event.
 */
export class ExportLog<T> {
  /** Published since the connection last came up, not confirmed yet, oldest first. */
  private published = new Map<string, T>()
  /** Not published yet, oldest first; every one is newer than every published one. */
  private unpublished = new Map<string, T>()

  constructor(private readonly bound: number) {}

  /** Events accepted but not published yet. */
  get waiting(): number {
    return this.unpublished.size
  }

  get size(): number {
    return this.published.size + this.unpublished.size
  }

  /** Adds an event (`key` is its `identityOf`) to publish; `false` (and nothing kept) when `waiting` is at the bound. */
  offer(key: string, event: T): boolean {
    if (this.unpublished.size >= this.bound) return false
    this.add(key, event)
    return true
  }

  /** Keeps an event (`key` is its `identityOf`) as a standby copy, forgetting the oldest past the bound. */
  keep(key: string, event: T): void {
    this.add(key, event)
    if (this.size > this.bound) {
      const oldest = this.published.size > 0 ? this.published : this.unpublished
      oldest.delete(oldest.keys().next().value as string)
    }
  }

  /** The events to publish now, oldest first; they count as published from here on. */
  takeUnpublished(): ReadonlyMap<string, T> {
    const taken = this.unpublished
    if (taken.size === 0) return taken
    this.unpublished = new Map()
    for (const [key, event] of taken) this.published.set(key, event)
    return taken
  }

  /** The published events awaiting confirmation. */
  unconfirmed(): string[] {
    return [...this.published.keys()]
  }

  /** The server has these (or another context confirmed them): forget them. */
  confirm(keys: Iterable<string>): void {
    for (const key of keys) {
      if (!this.published.delete(key)) this.unpublished.delete(key)
    }
  }

  /** An event that will never go out (it cannot be encoded). */
  remove(key: string): void {
    this.confirm([key])
  }

  /** The connection went down: what was published but not confirmed may be lost, so publish it again. */
  republishUnconfirmed(): void {
    if (this.published.size === 0) return
    // The published ones are the oldest: they go first again, then what was waiting.
    for (const [key, event] of this.unpublished) this.published.set(key, event)
    this.unpublished = this.published
    this.published = new Map()
  }

  /** Kept once, where it is: an event already here (published or not) stays in its place. */
  private add(key: string, event: T): void {
    if (!this.published.has(key) && !this.unpublished.has(key)) this.unpublished.set(key, event)
  }
}
