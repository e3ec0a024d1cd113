import type { BusEvent } from '../core/index'
import type { StoredDestination } from './config'

/** One event waiting for one destination. */
export interface OutboxEntry {
  readonly destination: string
  readonly event: BusEvent
  /** When it was queued (epoch ms, the writer's clock): how long a batch has waited to fill. */
  readonly queuedAt: number
}

/** An event a destination refused, as stored: the error as plain fields, since a class does not survive cloning. */
export interface StoredDeadLetter {
  readonly destination: string
  readonly event: BusEvent
  readonly error: { readonly kind: string; readonly code: string; readonly message: string }
  readonly failedAt: number
}

/** Where a read of the outbox stopped, for the next one to continue from; only the store that made it reads it. */
export type OutboxCursor = { readonly outboxCursor: true }

/** What one read of a destination's outbox found. */
export interface OutboxRead {
  /** The oldest entries (after the cursor given), at least `limit` of them unless the outbox ends first. */
  readonly entries: OutboxEntry[]
  /** Where the next read continues when this one stopped short of the end; `undefined` when it read to the end. */
  readonly next: OutboxCursor | undefined
  /** The destination's entries in the outbox, all of them. */
  readonly pending: number
}

/** An error as dead letters keep it: plain fields, since a class does not survive cloning. */
export type StoredError = StoredDeadLetter['error']

/**
 * Where destinations, their outbox and dead letters live: IndexedDB shared by the origin, or
 * memory. A destination's outbox is ordered by its events' `(time, id, system)`, as far as the
 * writes of different contexts allow (a store may keep each write together).
 */
export interface DestinationStore {
  readonly kind: 'indexeddb' | 'memory'
  destinations(): Promise<StoredDestination[]>
  /** Rejects with a `ConstraintError` `DOMException`-like error when `exists` and the id is taken. */
  putDestination(destination: StoredDestination, mode: 'add' | 'replace'): Promise<void>
  /** Removes the destination with its outbox and dead letters; resolves `false` if there was none. */
  deleteDestination(id: string): Promise<boolean>
  /**
   * Queues entries (the requests begin before it returns); then trims each destination's outbox to
   * `max` entries, oldest first, and resolves with the entries trimmed.
   */
  enqueue(entries: readonly OutboxEntry[], max: number): Promise<OutboxEntry[]>
  /** The destination's entries in the outbox, every tab's. */
  count(destination: string): Promise<number>
  /** The oldest entries of a destination, `limit` or a few more; with `after`, those after the read that returned it. */
  read(destination: string, limit: number, after?: OutboxCursor): Promise<OutboxRead>
  /**
   * Takes delivered entries out (those already gone are ignored). The entries are the very objects
   * given to `enqueue` or returned by `read`: a store may know from them where they are kept.
   */
  remove(destination: string, entries: readonly OutboxEntry[]): Promise<void>
  /** Moves entries (as for `remove`) from the outbox to dead letters, in one transaction. */
  bury(destination: string, entries: readonly OutboxEntry[], error: StoredError, failedAt: number): Promise<void>
  deadLetters(destination: string): Promise<StoredDeadLetter[]>
  /** Moves a dead letter back to the outbox (`requeue`) or forgets it. */
  exhume(destination: string, event: BusEvent, requeue: boolean): Promise<void>
  close(): void
}

/** The entry's place and identity within its destination. */
export function entryKey(event: BusEvent): [number, string, string] {
  return [event.time, event.id, event.system]
}

export function compareKeys(a: BusEvent, b: BusEvent): number {
  return a.time - b.time || compare(a.id, b.id) || compare(a.system, b.system)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
