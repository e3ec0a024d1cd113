// The history database's stores, and the upgrade that moves an older version's events into them.
import { BATCH_KEY_PATH, BY_TIME_KEY_PATH, batchRecord, groupBySystem } from './batch-record'
import { createRecordCheck } from './stored-record'

export const BATCHES = 'batches'
export const BY_TIME = 'by-time'
export const HEADS = 'heads'
// The store of versions 1 to 3: one record per event.
const EVENTS = 'events'

/**
 * Bump with a migration in `upgradeHistory` when the schema changes.
 * 1: events keyed by `[time, origin, seq]`.
 * 2: keyed by `[time, origin, seq, system, id]` (events injected from outside the origin share
 *    `origin` and `seq`), plus the `by-system` index.
 * 3: plus `heads`: per context (origin), the seq and time of the last event it stored, so a reader
 *    can tell a context's events not stored yet from events it never had.
 * 4: `batches` instead of `events`: one record per batch of one system's events (see `BatchRecord`).
 */
export const SCHEMA_VERSION = 4

/** The most events a batch record holds: a trim that cuts through one rewrites at most this many. */
export const MAX_BATCH = 1_000

/** Creates the stores of a new database, or moves an older version's events into batches. */
export function upgradeHistory(db: IDBDatabase, _oldVersion: number, transaction: IDBTransaction): void {
  if (!db.objectStoreNames.contains(BATCHES)) db.createObjectStore(BATCHES, { keyPath: BATCH_KEY_PATH }).createIndex(BY_TIME, BY_TIME_KEY_PATH)
  if (db.objectStoreNames.contains(EVENTS)) moveEventsIntoBatches(db, transaction)
  if (!db.objectStoreNames.contains(HEADS)) db.createObjectStore(HEADS, { keyPath: 'origin' })
}

/**
 * Versions 1 to 3 kept one record per event. Within the upgrade transaction, every record is read,
 * the old store deleted, and the events put back as batches of one system each, in store order.
 * A record that is no event (written by something else; a version 1 record without a string
 * `system` or `id`) cannot be placed in a batch and is dropped. The heads of version 3 stay as
 * they are: the same events are stored.
 */
function moveEventsIntoBatches(db: IDBDatabase, upgrade: IDBTransaction): void {
  const request = upgrade.objectStore(EVENTS).getAll()
  request.onsuccess = () => {
    db.deleteObjectStore(EVENTS)
    const batches = upgrade.objectStore(BATCHES)
    const events = request.result.filter(createRecordCheck())
    for (const group of groupBySystem(events)) {
      for (let at = 0; at < group.length; at += MAX_BATCH) batches.put(batchRecord(group.slice(at, at + MAX_BATCH)))
    }
  }
}
