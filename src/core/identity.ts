import type { BusEvent } from './event'

/**
 * An event's identity: CloudEvents `source` + `id`, which for a bus event is `system` + `id`
 * (an id is `${origin}-${seq}`, so this is origin + seq too). Length-prefixed, so no two pairs
 * give the same key.
 */
export function identityOf(event: BusEvent): string {
  return `${event.system.length}:${event.system}${event.id}`
}

// Enough for any burst a bridge redelivers; each key costs well under 100 bytes.
const SEEN_LIMIT = 10_000

/**
 * The identities of the latest events that reached one bus instance, to refuse a second copy of
 * an injected event (a broker redelivering, two bridges in the handover of leadership, an echo of
 * an event this origin exported). It starts recording at the first injection, so a bus that never
 * bridges pays nothing on its hot path.
 */
export class SeenEvents {
  readonly #keys = new Set<string>()
  // One live iterator walks past each evicted key once; `values().next()` on every add would walk
  // every key deleted since V8 last rebuilt the table (O(limit) per event once the limit is reached).
  readonly #oldest = this.#keys.values()
  #recording = false

  get active(): boolean {
    return this.#recording
  }

  start(): void {
    this.#recording = true
  }

  /** Whether an event of this identity (see `identityOf`) was seen. */
  has(key: string): boolean {
    return this.#keys.has(key)
  }

  /** Remembers the event, or its identity; `false` if it was already seen. */
  add(eventOrKey: BusEvent | string): boolean {
    const key = typeof eventOrKey === 'string' ? eventOrKey : identityOf(eventOrKey)
    if (this.#keys.has(key)) return false
    this.#keys.add(key)
    // Sets iterate in insertion order, and only eviction deletes: the next key is the oldest.
    if (this.#keys.size > SEEN_LIMIT) this.#keys.delete(this.#oldest.next().value as string)
    return true
  }
}
