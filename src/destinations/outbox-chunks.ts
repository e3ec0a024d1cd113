import { isEventTime, isRecord, type BusEvent } from '../core/index'
import type { OutboxEntry } from './store'

// The outbox in IndexedDB keeps a destination's entries in chunks of up to 64, under keys that
// sort them in the order they were sent; a count per destination says how many there are. Any
// script of the origin can write there, so what is read back is checked, never trusted: a chunk
// or an entry of the wrong shape is skipped (and deleted where the transaction may write), and
// the count is recomputed from the chunks whenever it cannot be right.

/**
 * A chunk's key: its destination, then its first event's `(time, id, system)`, so that one
 * destination's chunks are one range in the order they were sent, and a nonce, so that two chunks
 * never share a key. It stays the same while the chunk's delivered entries are taken out.
 */
export type ChunkKey = [destination: string, time: number, id: string, system: string, nonce: string]

/** What was wrong with the records one pass went over. */
export interface Malformed {
  /** Chunks that were not a list of entries, or held entries of the wrong shape. */
  readonly keys: Set<string>
  /** Entries (or whole chunks, counted as one) left out. */
  count: number
}

export function noneMalformed(): Malformed {
  return { keys: new Set(), count: 0 }
}

/** The well-formed entries of a chunk as stored for `destination`; what is left out is added to `malformed` under the chunk's key. */
export function entriesOf(value: unknown, destination: string, key: IDBValidKey, malformed: Malformed): OutboxEntry[] {
  if (!Array.isArray(value)) {
    malformed.keys.add(keyName(key))
    malformed.count++
    return []
  }
  const entries = value.filter((entry) => isOutboxEntry(entry, destination)) as OutboxEntry[]
  if (entries.length < value.length) {
    malformed.keys.add(keyName(key))
    malformed.count += value.length - entries.length
  }
  return entries
}

/** Whether an outbox entry has the shape crossbus writes (the fields the courier and the encoders rely on). */
export function isOutboxEntry(value: unknown, destination: string): value is OutboxEntry {
  if (!isRecord(value) || value['destination'] !== destination || !Number.isFinite(value['queuedAt'])) return false
  const event = value['event']
  return isRecord(event) && isEventTime(event['time']) && Number.isFinite(event['seq']) && ['id', 'system', 'kind', 'path', 'origin'].every((field) => typeof event[field] === 'string')
}

/**
 * Counts a destination's well-formed entries from its chunks, rewriting the chunks that held
 * malformed entries and deleting those left empty, and stores the count. Runs in `tx` (readwrite).
 */
export function recountChunks(chunks: IDBObjectStore, counts: IDBObjectStore, destination: string, malformed: Malformed, then?: (total: number) => void): void {
  let total = 0
  const cursor = chunks.openCursor(rangeOf(destination))
  cursor.onsuccess = () => {
    const at = cursor.result
    if (!at) {
      counts.put(total, destination)
      return then?.(total)
    }
    const before = malformed.count
    const entries = entriesOf(at.value, destination, at.primaryKey, malformed)
    if (malformed.count > before) {
      if (entries.length > 0) at.update(entries)
      else at.delete()
    }
    total += entries.length
    at.continue()
  }
}

/** Drops the oldest `over` entries of a destination (in the enqueue transaction), collecting them in `trimmed`; malformed chunks go too. */
export function trimOldest(chunks: IDBObjectStore, destination: string, over: number, trimmed: OutboxEntry[], malformed: Malformed): void {
  let left = over
  const cursor = chunks.openCursor(rangeOf(destination))
  cursor.onsuccess = () => {
    const at = cursor.result
    if (!at || left <= 0) return
    const list = entriesOf(at.value, destination, at.primaryKey, malformed)
    if (list.length <= left) {
      at.delete()
      trimmed.push(...list)
      left -= list.length
      at.continue()
    } else {
      trimmed.push(...list.slice(0, left))
      at.update(list.slice(left))
      left = 0
    }
  }
}

export function adjustCount(counts: IDBObjectStore, destination: string, delta: number): void {
  const counted = counts.get(destination)
  counted.onsuccess = () => counts.put(Math.max(0, (countOf(counted.result) ?? 0) + delta), destination)
}

/** A stored count as a number of entries, or `undefined` when it is not one (absent, or written outside crossbus). */
export function countOf(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined
}

export function byDestination(entries: readonly OutboxEntry[]): Map<string, OutboxEntry[]> {
  const grouped = new Map<string, OutboxEntry[]>()
  for (const entry of entries) {
    const list = grouped.get(entry.destination)
    if (list) list.push(entry)
    else grouped.set(entry.destination, [entry])
  }
  return grouped
}

export function chunkKey(destination: string, first: BusEvent, nonce: string): ChunkKey {
  return [destination, first.time, first.id, first.system, nonce]
}

/** Unique chunk nonces: this context's own prefix, then a counter. */
export function nonces(): () => string {
  const prefix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  let seq = 0
  return () => `${prefix}-${++seq}`
}

/** Every key of one destination: an array sorts after every number, so `[id, []]` is above them all. */
export function rangeOf(destination: string): IDBKeyRange {
  return IDBKeyRange.bound([destination], [destination, []])
}

function keyName(key: IDBValidKey): string {
  return JSON.stringify(key) ?? String(key)
}
