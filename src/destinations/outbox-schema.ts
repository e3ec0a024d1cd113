import { byDestination, chunkKey, nonces } from './outbox-chunks'
import type { OutboxEntry } from './store'

// The stores of a bus's destinations database and how each version of it is made.

export const DESTINATIONS = 'destinations'
/** Schema 1's outbox, one record per entry: migrated to chunks, then deleted. */
export const ENTRIES_V1 = 'outbox'
export const CHUNKS = 'outbox-chunks'
export const COUNTS = 'outbox-counts'
export const DEAD = 'dead-letters'
/** Bump with a migration in `onupgradeneeded` when the schema changes. */
export const SCHEMA_VERSION = 2
/**
 * The most entries one outbox record (a chunk) holds. A record per entry costs a `put` each, and
 * 10,000 puts take the sending task over half a second; a record per write is cheap to write but is
 * rewritten whole each time some of its entries are delivered (one per request in structured mode).
 * Up to 64 keeps both small: 10,000 events are about 160 puts, a rewrite at most 63 entries.
 */
export const CHUNK_ENTRIES = 64

/** Creates or migrates the stores (the shared helper's `upgrade`, in the versionchange transaction). */
export function upgrade(db: IDBDatabase, from: number, tx: IDBTransaction): void {
  // Each store only if missing: a database some other script opened without a version is an empty version 1.
  const has = (name: string) => db.objectStoreNames.contains(name)
  if (!has(DESTINATIONS)) db.createObjectStore(DESTINATIONS, { keyPath: 'id' })
  if (!has(DEAD)) db.createObjectStore(DEAD, { keyPath: ['destination', 'time', 'id', 'system'] })
  // Schema 2: the outbox keeps entries in chunks (keys given with each put), and counts them.
  const chunks = has(CHUNKS) ? tx.objectStore(CHUNKS) : db.createObjectStore(CHUNKS)
  const counts = has(COUNTS) ? tx.objectStore(COUNTS) : db.createObjectStore(COUNTS)
  if (from !== 1 || !has(ENTRIES_V1)) return
  const old = tx.objectStore(ENTRIES_V1).getAll()
  old.onsuccess = () => {
    const records = old.result as Array<OutboxEntry & { time: number; id: string; system: string }>
    const nonce = nonces()
    for (const [destination, list] of byDestination(records.map(({ destination, event, queuedAt }) => ({ destination, event, queuedAt })))) {
      for (let i = 0; i < list.length; i += CHUNK_ENTRIES) chunks.put(list.slice(i, i + CHUNK_ENTRIES), chunkKey(destination, list[i]!.event, nonce()))
      counts.put(list.length, destination)
    }
    db.deleteObjectStore(ENTRIES_V1)
  }
}
