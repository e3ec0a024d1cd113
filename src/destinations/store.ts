import type { BusEvent } from '../core/event'
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

/**
 * Where destinations, their outbox and dead letters live: IndexedDB shared by the origin, or
 * memory. Entries are ordered by the event's `(time, id, system)`, which is also their identity,
 * so writing an event twice keeps one entry.
 */
export interface DestinationStore {
  readonly kind: 'indexeddb' | 'memory'
  destinations(): Promise<StoredDestination[]>
  /** Rejects with a `ConstraintError` `DOMException`-like error when `exists` and the id is taken. */
  putDestination(destination: StoredDestination, mode: 'add' | 'replace'): Promise<void>
  /** Removes the destination with its outbox and dead letters; resolves `false` if there was none. */
  deleteDestination(id: string): Promise<boolean>
  /**
   * Queues entries; then trims each destination's outbox to `max` entries, oldest first, and
   * resolves with the entries trimmed.
   */
  enqueue(entries: readonly OutboxEntry[], max: number): Promise<OutboxEntry[]>
  /** The oldest `limit` entries of a destination; with `after`, only those after that event's entry. */
  peek(destination: string, limit: number, after?: BusEvent): Promise<OutboxEntry[]>
  count(destination: string): Promise<number>
  /** Takes delivered entries out (those already gone are ignored). */
  remove(destination: string, events: readonly BusEvent[]): Promise<void>
  /** Moves entries from the outbox to dead letters, in one transaction. */
  bury(letters: readonly StoredDeadLetter[]): Promise<void>
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
