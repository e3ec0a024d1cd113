import type { BusEvent } from '../core/event'
import type { Retention } from './options'

/** Which stored events a read wants; the caller filters by pattern afterwards. */
export interface StoredRange {
  /** Events with `time >= since`. */
  readonly since?: number
  /** Only the last `last` events of the range. */
  readonly last?: number
}

/**
 * Where history lives: IndexedDB (shared by the origin) or memory (one context). Every store keeps
 * events in one order, by `(time, origin, seq)`: the same key in every context, so a write is
 * idempotent, and per-origin `seq` order because a bus never lets `time` go backwards.
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
  /** Drops what retention no longer keeps. */
  trim(retention: Retention, now: number): Promise<void>
  /** Releases the store; writes already started still complete. */
  close(): void
}

/** The store order: time, then origin, then seq (what IndexedDB's array keys give too). */
export function compareEvents(a: BusEvent, b: BusEvent): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1
  return a.seq - b.seq
}
