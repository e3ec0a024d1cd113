// The ranged reads of the history database: one system, a prefix of systems, or all, each one
// getAll of batch records, then the batches' events checked and merged into store order.
import type { BusEvent, SystemRange } from '../core/index'
import { requested } from '../indexeddb/requests'
import { isBatch } from './batch-record'
import { compareEvents } from './store'
import { withoutRepeats } from './batch-record'

/** What a read found: the events, and how many records or events it left out as no events. */
export interface ReadEvents {
  readonly events: BusEvent[]
  readonly malformed: number
}

/**
 * The batch records that may hold events of `systems` with `time >= since`. An exact system is one
 * key range bounded by `since` (batches are keyed by system, then their newest event); a prefix
 * range covers several systems, so `since` is applied to the events.
 */
export function readSystemBatches(store: IDBObjectStore, systems: SystemRange, since: number | undefined): Promise<unknown[]> {
  if ('equals' in systems) {
    const name = systems.equals
    // An array sorts after every number, so `[name, []]` is above every key of `name`.
    return requested(store.getAll(IDBKeyRange.bound(since === undefined ? [name] : [name, since], [name, []])))
  }
  const prefix = systems.startsWith
  const end = nextAfterPrefix(prefix)
  return requested(store.getAll(end === undefined ? IDBKeyRange.lowerBound([prefix]) : IDBKeyRange.bound([prefix], [end], false, true)))
}

/** Every batch record that may hold events with `time >= since` (by the time of its newest event). */
export function readAllBatches(byTime: IDBIndex, since: number | undefined): Promise<unknown[]> {
  return requested(byTime.getAll(since === undefined ? null : IDBKeyRange.lowerBound([since])))
}

/**
 * The events of `records` with `time >= since` that pass `isEvent` (and belong to their batch's
 * system), in store order, each once. Batches that follow one another (one context's writes of
 * one system) are concatenated as they come; only overlapping ones (several contexts, or a
 * prefix read) are sorted, and a sort is where repeats, next to each other, are dropped.
 */
export function eventsOf(records: readonly unknown[], since: number | undefined, isEvent: (record: unknown) => record is BusEvent): ReadEvents {
  const events: BusEvent[] = []
  let malformed = 0
  let inOrder = true
  let previous: BusEvent | undefined
  for (const record of records) {
    if (!isBatch(record)) {
      malformed++
      continue
    }
    const { system, events: held } = record
    const filter = since !== undefined && !(record.from[0] >= since)
    for (let i = 0; i < held.length; i++) {
      const event = held[i]
      if (!isEvent(event) || event.system !== system) {
        malformed++
        continue
      }
      if (filter && event.time < since!) continue
      if (inOrder && previous !== undefined && compareEvents(previous, event) >= 0) inOrder = false
      previous = event
      events.push(event)
    }
  }
  if (!inOrder) withoutRepeats(events.sort(compareEvents))
  return { events, malformed }
}

/**
 * The least string above every string that starts with `prefix`: its last code unit below
 * U+FFFF, plus one, with what follows dropped (`ord` → `ore`, `a\uffff` → `b`); undefined when
 * there is none (all U+FFFF). IndexedDB compares strings by code unit, as this does.
 */
function nextAfterPrefix(prefix: string): string | undefined {
  let end = prefix.length
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--
  if (end === 0) return undefined
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1)
}
