import type { BusEvent } from '../../core/event'
import { identityOf } from '../../core/identity'

/**
 * The exported events of the origin that no bridge has confirmed on the NATS server yet, in the
 * order this context saw them. Every bridging context keeps one:
 * - the leader publishes from it, and drops an event once a round trip to the server after its
 *   publish came back (the server has it), telling the other contexts (see `AckChannel`);
 * - the others keep it as a sliding window, so the one that takes over publishes what the old
 *   leader may not have: nothing is lost in a handover, and receivers drop a second copy by
 *   identity.
 *
 * `waiting` (not yet published) is what `queueBound` bounds: while NATS is unreachable it grows,
 * and what is published waits only one round trip.
 */
export class ExportLog {
  private readonly events = new Map<string, BusEvent>()
  /** Published since the connection last came up, not confirmed yet. */
  private readonly published = new Set<string>()

  constructor(private readonly bound: number) {}

  /** Events accepted but not published yet. */
  get waiting(): number {
    return this.events.size - this.published.size
  }

  get size(): number {
    return this.events.size
  }

  /** Adds an event to publish; `false` (and nothing kept) when `waiting` is at the bound. */
  offer(event: BusEvent): boolean {
    if (this.waiting >= this.bound) return false
    this.events.set(identityOf(event), event)
    return true
  }

  /** Keeps an event as a standby copy, forgetting the oldest past the bound. */
  keep(event: BusEvent): void {
    this.events.set(identityOf(event), event)
    if (this.events.size > this.bound) {
      const oldest = this.events.keys().next().value as string
      this.events.delete(oldest)
      this.published.delete(oldest)
    }
  }

  /** The events to publish now, oldest first; they count as published from here on. */
  takeUnpublished(): Array<[key: string, event: BusEvent]> {
    const out: Array<[string, BusEvent]> = []
    for (const entry of this.events) {
      if (this.published.has(entry[0])) continue
      this.published.add(entry[0])
      out.push(entry)
    }
    return out
  }

  /** The published events awaiting confirmation. */
  unconfirmed(): string[] {
    return [...this.published]
  }

  /** The server has these (or another context confirmed them): forget them. */
  confirm(keys: Iterable<string>): void {
    for (const key of keys) {
      this.events.delete(key)
      this.published.delete(key)
    }
  }

  /** An event that will never go out (it cannot be encoded). */
  remove(key: string): void {
    this.confirm([key])
  }

  /** The connection went down: what was published but not confirmed may be lost, so publish it again. */
  republishUnconfirmed(): void {
    this.published.clear()
  }
}
