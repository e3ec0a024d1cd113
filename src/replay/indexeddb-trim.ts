// Retention for the batched history: every event below one cut goes (older than the age limit, or
// past the count limit from the newest), whole batches by their keys alone, and a batch the cut
// runs through is rewritten with the part it keeps.
import type { BusEvent } from '../core/index'
import { requested } from '../indexeddb/requests'
import { batchRecord, eventKey, inStoreOrder, isBatch, type BatchKey, type EventKey } from './batch-record'
import type { Retention } from './options'
import { createRecordCheck } from './stored-record'

// A record of fewer events than this is small: a context sending one event per task writes one per event.
const SMALL = 100
// Small records of one system that a trim merges into one (of at most `maxBatch` events).
const MERGE_AT = 10

/** A batch as its key tells it: its oldest and newest events' keys and its size. */
interface Span {
  readonly key: BatchKey
  readonly from: EventKey
  readonly to: EventKey
  readonly count: number
}

/** Events kept: `time >= since`, and above `above` when set. */
interface Cut {
  readonly since: number
  readonly above: EventKey | undefined
}

/**
 * Drops from `store` (batch records, in a readwrite transaction) every event older than
 * `oldest`, then the oldest events past `maxEvents`.
 */
export async function trimBatches(store: IDBObjectStore, retention: Retention, oldest: number): Promise<void> {
  const spans = ((await requested(store.getAllKeys())) as unknown[]).flatMap(spanOf)
  const kept = spans.filter((span) => span.to[0] >= oldest).sort((a, b) => compareKeys(a.from, b.from))
  const read = new Map<Span, BusEvent[]>()
  const eventsOf = async (span: Span) => {
    let events = read.get(span)
    if (!events) {
      const record: unknown = await requested(store.get(span.key))
      // Anything else in a batch is left for the reader to refuse, and refused again here.
      events = isBatch(record) ? record.events.filter((event) => typeof event === 'object' && event !== null && event.time >= oldest) : []
      read.set(span, events)
    }
    return events
  }
  let total = 0
  for (const span of kept) total += span.from[0] >= oldest ? span.count : (await eventsOf(span)).length
  const cut: Cut = { since: oldest, above: total > retention.maxEvents ? await nthOldest(kept, total - retention.maxEvents, eventsOf) : undefined }
  for (const span of spans) {
    if (!keeps(cut, span.to)) store.delete(span.key)
    else if (!keeps(cut, span.from)) {
      const rest = (await eventsOf(span)).filter((event) => keeps(cut, eventKey(event)))
      store.delete(span.key)
      if (rest.length > 0) store.put(batchRecord(rest))
    }
  }
}

/**
 * Merges each system's small records into one when it has `MERGE_AT` or more, so that history a
 * context sent one event at a time is read as a few records too. A record holding anything but
 * events of its system is left as it is, for the reader to refuse and report.
 */
export async function mergeSmallBatches(store: IDBObjectStore, maxBatch: number): Promise<void> {
  const small = new Map<string, BatchKey[]>()
  for (const { key, count } of ((await requested(store.getAllKeys())) as unknown[]).flatMap(spanOf)) {
    if (count >= SMALL) continue
    const keys = small.get(key[0])
    if (keys) keys.push(key)
    else small.set(key[0], [key])
  }
  const isEvent = createRecordCheck()
  for (const [system, keys] of small) {
    if (keys.length < MERGE_AT) continue
    const records: unknown[] = await Promise.all(keys.map((key) => requested(store.get(key))))
    const events: BusEvent[] = []
    records.forEach((record, i) => {
      if (!isBatch(record) || !record.events.every((event) => isEvent(event) && event.system === system)) return
      events.push(...record.events)
      store.delete(keys[i]!)
    })
    const merged = inStoreOrder(events)
    for (let at = 0; at < merged.length; at += maxBatch) store.put(batchRecord(merged.slice(at, at + maxBatch)))
  }
}

/**
 * The key of the `n`-th oldest event of `spans` (sorted by their oldest event): batches are read
 * from the oldest on until no batch left can hold an older event than the `n`-th of those read.
 */
async function nthOldest(spans: readonly Span[], n: number, eventsOf: (span: Span) => Promise<BusEvent[]>): Promise<EventKey | undefined> {
  let pool: EventKey[] = []
  for (const span of spans) {
    if (pool.length >= n) {
      pool.sort(compareKeys)
      pool = pool.slice(0, n)
      if (compareKeys(pool[n - 1]!, span.from) < 0) break
    }
    for (const event of await eventsOf(span)) pool.push(eventKey(event))
  }
  pool.sort(compareKeys)
  return pool[n - 1]
}

function keeps(cut: Cut, key: EventKey): boolean {
  return key[0] >= cut.since && (cut.above === undefined || compareKeys(key, cut.above) > 0)
}

function spanOf(key: unknown): Span[] {
  if (!Array.isArray(key) || key.length !== 7 || !Array.isArray(key[5])) return []
  const [system, time, origin, seq, id, from, count] = key as BatchKey
  return [{ key: key as BatchKey, from, to: [time, origin, seq, system, id], count }]
}

/** IndexedDB's order of two event keys (numbers below strings, each part in turn). */
export function compareKeys(a: EventKey, b: EventKey): number {
  for (let i = 0; i < 5; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}
