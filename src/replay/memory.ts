import { disjointRanges, identityOf, inSystemRanges, type BusEvent } from '../core/index'
import type { Retention } from './options'
import { compareEvents, type ReplayStore, type StoredRange } from './store'

/**
 * History in this context's memory: for tests, server-side rendering, and as the fallback when
 * IndexedDB cannot be used. Writes are in order almost always (a context stores what it sent),
 * so they append; anything else is inserted in place.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly kind = 'memory'
  private events: BusEvent[] = []
  /** Identities (`system` and `id`) of the events held. */
  private readonly held = new Set<string>()

  /** Events held (trimming may lag behind retention until the next `trim`). */
  get size(): number {
    return this.events.length
  }

  /** Every event held, in store order (a copy). */
  all(): BusEvent[] {
    return this.events.slice()
  }

  write(events: readonly BusEvent[]): Promise<void> {
    for (const event of events) this.add(event)
    return Promise.resolve()
  }

  read(range: StoredRange): Promise<BusEvent[]> {
    const start = range.since === undefined ? 0 : this.firstAtOrAfter(range.since)
    let events = this.events.slice(start)
    if (range.systems !== undefined) {
      const systems = disjointRanges(range.systems)
      events = events.filter((event) => inSystemRanges(event.system, systems))
    }
    if (range.last !== undefined) events = range.last === 0 ? [] : events.slice(-range.last)
    return Promise.resolve(events)
  }

  trim(retention: Retention, now: number, self: string): Promise<void> {
    let othersNewest = now
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i]!.origin !== self) {
        othersNewest = this.events[i]!.time
        break
      }
    }
    const reference = Math.min(now, othersNewest)
    const keepFrom = Math.max(this.firstAtOrAfter(reference - retention.maxAgeMs), this.events.length - retention.maxEvents)
    if (keepFrom > 0) {
      for (const event of this.events.slice(0, keepFrom)) this.held.delete(identityOf(event))
      this.events = this.events.slice(keepFrom)
    }
    return Promise.resolve()
  }

  newestTime(): Promise<number | undefined> {
    return Promise.resolve(this.events.at(-1)?.time)
  }

  close(): void {}

  private add(event: BusEvent): void {
    const key = identityOf(event)
    if (this.held.has(key)) return
    this.held.add(key)
    const events = this.events
    let at = events.length
    while (at > 0 && compareEvents(events[at - 1]!, event) > 0) at--
    if (at === events.length) events.push(event)
    else events.splice(at, 0, event)
  }

  /** Index of the first event with `time >= time` (binary search). */
  private firstAtOrAfter(time: number): number {
    let low = 0
    let high = this.events.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.events[mid]!.time < time) low = mid + 1
      else high = mid
    }
    return low
  }
}
