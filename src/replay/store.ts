import type { BusEvent, SystemRange } from '../core/index'
import type { Incomplete } from './completeness'
import type { Retention } from './options'
import type { FirstHeld } from './recent'

/**
 * Which stored events a read wants; the caller filters by pattern afterwards.
 *
 * @example
 * // What `orders.**` can match, from a minute ago on, the latest 100 of them.
 * store.read({ systems: systemRangesOf(compilePattern('orders.**')), since: Date.now() - 60_000, last: 100 })
 */
export interface StoredRange {
  /** Events of these systems (overlaps are fine, each event comes once); undefined: every system. */
  readonly systems?: readonly SystemRange[]
  /** Events with `time >= since`. */
  readonly since?: number
  /** Only the last `last` events of the range (after `systems` and `since`). */
  readonly last?: number
}

/**
 * Where history lives: IndexedDB (shared by the origin) or memory (one context). Every store keeps
 * events in one order, by `(time, origin, seq)`, ties (events injected from outside the origin,
 * which share `origin` and `seq`) broken by `system` then `id`. That is the same key in every
 * context, so a write is idempotent, and per-origin `seq` order because a bus never lets `time` go
 * backwards. An event is identified by `system` and `id` (CloudEvents' `source` and `id`).
 */
export interface ReplayStore {
  readonly kind: 'indexeddb' | 'memory'
  /**
   * Stores a batch, each event once however often it is written. The work starts before this
   * returns (one transaction, already committing); the promise settles when it is done and rejects
   * when the store can no longer be used.
   */
  write(events: readonly BusEvent[]): Promise<void>
  /** The stored events in `range`, in order. */
  read(range: StoredRange): Promise<BusEvent[]>
  /**
   * Drops what retention no longer keeps. Age is measured against `now`, or against the newest
   * event another context stored if that is earlier: a context whose clock runs ahead (`self`
   * is its origin) must not expire everyone else's history. When in doubt, keep.
   */
  trim(retention: Retention, now: number, self: string): Promise<void>
  /**
   * Waits (briefly) until every other context has stored its events up to the oldest one `held`
   * here, and says what is still missing; a read started afterwards sees at least those events.
   * Only a store shared by the contexts of the origin can tell.
   */
  settle?(held: () => ReadonlyMap<string, FirstHeld>, since: number): Promise<Incomplete | undefined>
  /** The time of the newest event stored. */
  newestTime(): Promise<number | undefined>
  /** Releases the store; writes already started still complete. */
  close(): void
}

/** The store order: time, origin, seq, then system and id (what IndexedDB's array keys give too). */
export function compareEvents(a: BusEvent, b: BusEvent): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1
  if (a.seq !== b.seq) return a.seq - b.seq
  if (a.system !== b.system) return a.system < b.system ? -1 : 1
  if (a.id !== b.id) return a.id < b.id ? -1 : 1
  return 0
}
