import type { BusEvent } from '../core/event'
import type { StoredDestination } from './config'
import type { DestinationStore, OutboxEntry, StoredDeadLetter } from './store'

const DESTINATIONS = 'destinations'
const OUTBOX = 'outbox'
const DEAD = 'dead-letters'
/** Bump with a migration in `onupgradeneeded` when the schema changes. */
const SCHEMA_VERSION = 1

/** One database per bus name, shared by every context of the origin. */
export function databaseName(busName: string): string {
  return `crossbus-destinations:${busName}`
}

interface OutboxRecord extends OutboxEntry {
  readonly time: number
  readonly id: string
  readonly system: string
}

interface DeadRecord extends StoredDeadLetter {
  readonly time: number
  readonly id: string
  readonly system: string
}

/**
 * Opens the destinations database of a bus. `lost` is called when the store can no longer be used
 * (a newer version wants the database, or the browser closed it).
 */
export function openIndexedDbDestinationStore(busName: string, lost: (reason: string) => void): Promise<DestinationStore> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName(busName), SCHEMA_VERSION)
    request.onupgradeneeded = () => {
      const db = request.result
      db.createObjectStore(DESTINATIONS, { keyPath: 'id' })
      // Keyed by destination, then the event's (time, id, system): one destination's entries are one
      // range in time order, and an event written twice is one record.
      db.createObjectStore(OUTBOX, { keyPath: ['destination', 'time', 'id', 'system'] })
      db.createObjectStore(DEAD, { keyPath: ['destination', 'time', 'id', 'system'] })
    }
    request.onblocked = () => lost('an older tab holds the destinations database open and blocks its upgrade')
    request.onerror = () => reject(request.error)
    request.onsuccess = () => {
      const db = request.result
      db.onversionchange = () => {
        // Give way at once so a newer version of the app in another tab is not blocked.
        db.close()
        lost('a newer version of the app opened the destinations database in another tab; reload this tab')
      }
      db.onclose = () => lost('the browser closed the destinations database (storage cleared or failed)')
      resolve(new IndexedDbDestinationStore(db))
    }
  })
}

class IndexedDbDestinationStore implements DestinationStore {
  readonly kind = 'indexeddb'
  constructor(private readonly db: IDBDatabase) {}

  async destinations(): Promise<StoredDestination[]> {
    const records = await requested<Array<StoredDestination & { id: string }>>(this.tx(DESTINATIONS, 'readonly').objectStore(DESTINATIONS).getAll())
    return records.map(({ config, needsHeaders, addedAt }) => ({ config, needsHeaders, addedAt })).sort((a, b) => a.addedAt - b.addedAt)
  }

  // Every method is async: a transaction that cannot start (the connection closing) rejects, never throws.
  async putDestination(destination: StoredDestination, mode: 'add' | 'replace'): Promise<void> {
    const tx = this.tx(DESTINATIONS, 'readwrite')
    const record = { id: destination.config.id, ...destination }
    const store = tx.objectStore(DESTINATIONS)
    const write = mode === 'add' ? store.add(record) : store.put(record)
    // The request's error (a ConstraintError for a taken id) says more than the transaction's abort.
    return Promise.all([requested(write), done(tx)]).then(() => {})
  }

  async deleteDestination(id: string): Promise<boolean> {
    const tx = this.tx([DESTINATIONS, OUTBOX, DEAD], 'readwrite')
    const existed = requested(tx.objectStore(DESTINATIONS).count(id))
    tx.objectStore(DESTINATIONS).delete(id)
    tx.objectStore(OUTBOX).delete(rangeOf(id))
    tx.objectStore(DEAD).delete(rangeOf(id))
    const [count] = await Promise.all([existed, done(tx)])
    return count > 0
  }

  async enqueue(entries: readonly OutboxEntry[], max: number): Promise<OutboxEntry[]> {
    const tx = this.tx(OUTBOX, 'readwrite')
    const store = tx.objectStore(OUTBOX)
    // Raw requests without a promise each: 10,000 puts stay 10,000 cheap calls.
    for (const entry of entries) store.put(recordOf(entry))
    const trimmed: OutboxEntry[] = []
    for (const id of new Set(entries.map((entry) => entry.destination))) {
      const counting = store.count(rangeOf(id))
      counting.onsuccess = () => {
        const over = counting.result - max
        if (over <= 0) return
        const oldest = store.getAll(rangeOf(id), over)
        oldest.onsuccess = () => {
          const records = oldest.result as OutboxRecord[]
          for (const record of records) {
            store.delete([id, record.time, record.id, record.system])
            trimmed.push(entryOf(record))
          }
        }
      }
    }
    // No early commit(): the trimming reads above need the transaction open. The puts are issued in
    // the task that sent, which is what lets the transaction survive the page closing right after.
    return done(tx).then(() => trimmed)
  }

  async peek(destination: string, limit: number, after?: BusEvent): Promise<OutboxEntry[]> {
    const range = after ? IDBKeyRange.bound(keyOf(destination, after), [destination, []], true) : rangeOf(destination)
    const records = await requested<OutboxRecord[]>(this.tx(OUTBOX, 'readonly').objectStore(OUTBOX).getAll(range, limit))
    return records.map(entryOf)
  }

  async count(destination: string): Promise<number> {
    return requested(this.tx(OUTBOX, 'readonly').objectStore(OUTBOX).count(rangeOf(destination)))
  }

  async remove(destination: string, events: readonly BusEvent[]): Promise<void> {
    const tx = this.tx(OUTBOX, 'readwrite')
    const store = tx.objectStore(OUTBOX)
    for (const event of events) store.delete(keyOf(destination, event))
    tx.commit?.()
    return done(tx)
  }

  async bury(letters: readonly StoredDeadLetter[]): Promise<void> {
    const tx = this.tx([OUTBOX, DEAD], 'readwrite')
    for (const letter of letters) {
      tx.objectStore(OUTBOX).delete(keyOf(letter.destination, letter.event))
      tx.objectStore(DEAD).put({ ...letter, time: letter.event.time, id: letter.event.id, system: letter.event.system } satisfies DeadRecord)
    }
    tx.commit?.()
    return done(tx)
  }

  async deadLetters(destination: string): Promise<StoredDeadLetter[]> {
    const records = await requested<DeadRecord[]>(this.tx(DEAD, 'readonly').objectStore(DEAD).getAll(rangeOf(destination)))
    return records.map(({ destination: id, event, error, failedAt }) => ({ destination: id, event, error, failedAt }))
  }

  async exhume(destination: string, event: BusEvent, requeue: boolean): Promise<void> {
    const tx = this.tx([DESTINATIONS, OUTBOX, DEAD], 'readwrite')
    const key = keyOf(destination, event)
    const dead = tx.objectStore(DEAD)
    const found = dead.get(key)
    found.onsuccess = () => {
      if (found.result === undefined) return
      dead.delete(key)
      if (!requeue) return
      // Only back into the outbox of a destination that still exists.
      const config = tx.objectStore(DESTINATIONS).count(destination)
      config.onsuccess = () => {
        if (config.result > 0) tx.objectStore(OUTBOX).put(recordOf({ destination, event, queuedAt: Date.now() }))
      }
    }
    return done(tx)
  }

  close(): void {
    this.db.close()
  }

  private tx(stores: string | string[], mode: IDBTransactionMode): IDBTransaction {
    return this.db.transaction(stores, mode, { durability: 'relaxed' })
  }
}

function recordOf(entry: OutboxEntry): OutboxRecord {
  return { destination: entry.destination, event: entry.event, queuedAt: entry.queuedAt, time: entry.event.time, id: entry.event.id, system: entry.event.system }
}

function entryOf(record: OutboxRecord): OutboxEntry {
  return { destination: record.destination, event: record.event, queuedAt: record.queuedAt }
}

function keyOf(destination: string, event: BusEvent): IDBValidKey {
  return [destination, event.time, event.id, event.system]
}

/** Every key of one destination: an array sorts after every number, so `[id, []]` is above them all. */
function rangeOf(destination: string): IDBKeyRange {
  return IDBKeyRange.bound([destination], [destination, []])
}

function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new DOMException('The destinations transaction was aborted.', 'AbortError'))
  })
}
