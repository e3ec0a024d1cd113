// The record the IndexedDB history keeps: one per batch of one system's events (what one write of
// one context brought, or what a migration or a trim regrouped), not one per event. Fewer, larger
// records cost fewer key comparisons, index entries and structured-clone envelopes, written and read.
import type { BusEvent } from '../core/index'
import { compareEvents } from './store'

/** An event's place in store order: `[time, origin, seq, system, id]` (what `compareEvents` orders). */
export type EventKey = [number, string, number, string, string]

/**
 * One system's events, in store order, each once. The key fields are those of its newest event
 * (`time` .. `id`), then its oldest (`from`) and its size, so that:
 * - the primary key `[system, time, origin, seq, id, from, count]` puts one system's batches in one
 *   range, by newest event: a read of events since `t` is the range from `[system, t]`;
 * - the `by-time` index `[time, origin, seq, system, id]` puts every batch in store order of its
 *   newest event: a read of all systems since `t` is the range from `[t]`, and its last key is the
 *   newest event stored;
 * - the keys alone (`getAllKeys`) tell a trim every batch's span and size without reading events.
 * Two batches share a key only when they hold the same first and last events and as many
 * events: a batch written again.
 */
export interface BatchRecord {
  readonly system: string
  readonly time: number
  readonly origin: string
  readonly seq: number
  readonly id: string
  readonly from: EventKey
  readonly count: number
  readonly events: readonly BusEvent[]
}

export const BATCH_KEY_PATH = ['system', 'time', 'origin', 'seq', 'id', 'from', 'count']
export const BY_TIME_KEY_PATH = ['time', 'origin', 'seq', 'system', 'id']

/** What the primary key of a batch holds, in its order. */
export type BatchKey = [system: string, time: number, origin: string, seq: number, id: string, from: EventKey, count: number]

export function eventKey(event: BusEvent): EventKey {
  return [event.time, event.origin, event.seq, event.system, event.id]
}

/** The record of `events`: one system's events, sorted and without repeats, at least one. */
export function batchRecord(events: readonly BusEvent[]): BatchRecord {
  const last = events[events.length - 1]!
  return { system: last.system, time: last.time, origin: last.origin, seq: last.seq, id: last.id, from: eventKey(events[0]!), count: events.length, events }
}

/**
 * `events` grouped by system, each group in store order and each event once (a context's own
 * events come in order already: then this is one pass).
 */
export function groupBySystem(events: readonly BusEvent[]): BusEvent[][] {
  if (events.length === 0) return []
  const system = events[0]!.system
  let oneSystem = true
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.system !== system) {
      oneSystem = false
      break
    }
  }
  if (oneSystem) return [inStoreOrder(events.slice())]
  const groups = new Map<string, BusEvent[]>()
  for (const event of events) {
    const group = groups.get(event.system)
    if (group) group.push(event)
    else groups.set(event.system, [event])
  }
  return [...groups.values()].map(inStoreOrder)
}

/** `events` sorted in store order (only if they are not already), each event once. */
export function inStoreOrder(events: BusEvent[]): BusEvent[] {
  let sorted = true
  for (let i = 1; i < events.length; i++) {
    if (compareEvents(events[i - 1]!, events[i]!) >= 0) {
      sorted = false
      break
    }
  }
  if (sorted) return events
  events.sort(compareEvents)
  return withoutRepeats(events)
}

/** Sorted `events` with each event once: a repeat is the same key again, next to it. */
export function withoutRepeats(events: BusEvent[]): BusEvent[] {
  let kept = 0
  for (let i = 0; i < events.length; i++) {
    if (kept > 0 && compareEvents(events[kept - 1]!, events[i]!) === 0) continue
    events[kept++] = events[i]!
  }
  events.length = kept
  return events
}

/** Whether `record` has the shape of a batch (its events are checked one by one by the reader). */
export function isBatch(record: unknown): record is BatchRecord {
  if (typeof record !== 'object' || record === null) return false
  const batch = record as Partial<BatchRecord>
  return typeof batch.system === 'string' && typeof batch.time === 'number' && Array.isArray(batch.events) && Array.isArray(batch.from)
}
