import { openDB, unwrap, type IDBPDatabase } from 'idb'
import type { BusEvent } from '../core/event'
import type { Retention } from './options'
import type { ReplayStore, StoredRange } from './store'

const STORE = 'events'
/** Bump with a migration in `upgrade` when the schema changes. */
export const SCHEMA_VERSION = 1

/** What the IndexedDB store tells its owner. */
export interface IndexedDbHooks {
  /**
   * The store cannot be used any more: another tab wants to upgrade (`versionchange`, and we
   * closed our connection so it is not blocked), our own upgrade is blocked by an older tab, or
   * the browser closed the connection.
   */
  lost(reason: string, cause?: unknown): void
  /** An event was not stored because its data is not structured-clonable. */
  refused(event: BusEvent, cause: unknown): void
}

/** The database of a bus: one per bus name, shared by every context of the origin. */
export function databaseName(busName: string): string {
  return `crossbus-replay:${busName}`
}

/**
 * Opens the history of a bus. Rejects when IndexedDB is missing or refuses (private mode, policy);
 * stays pending while an older tab blocks the upgrade (after calling `hooks.lost`).
 */
export async function openIndexedDbStore(busName: string, hooks: IndexedDbHooks): Promise<IndexedDbReplayStore> {
  let store: IndexedDbReplayStore | undefined
  const db = await openDB(databaseName(busName), SCHEMA_VERSION, {
    upgrade(database) {
      // The key is the event's own (time, origin, seq): any context writing the same event
      // writes the same record, and one ranged getAll reads history in order, no index needed.
      if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE, { keyPath: ['time', 'origin', 'seq'] })
    },
    blocked: () => hooks.lost('an older tab holds the history database open and blocks its upgrade; close or reload the other tabs'),
    blocking: () => {
      // A newer version wants the database: give way at once so neither tab waits on the other.
      store?.close()
      hooks.lost('a newer version of the app opened the history database in another tab; reload this tab to share history again')
    },
    terminated: () => hooks.lost('the browser closed the history database (storage cleared or failed)'),
  })
  store = new IndexedDbReplayStore(db, hooks)
  return store
}

export class IndexedDbReplayStore implements ReplayStore {
  readonly kind = 'indexeddb'
  private readonly raw: IDBDatabase
  private isClosed = false

  constructor(
    private readonly db: IDBPDatabase,
    private readonly hooks: IndexedDbHooks,
  ) {
    this.raw = unwrap(db)
  }

  write(events: readonly BusEvent[]): Promise<void> {
    let tx: IDBTransaction
    try {
      tx = this.raw.transaction(STORE, 'readwrite', { durability: 'relaxed' })
    } catch (cause) {
      return Promise.reject(cause)
    }
    const done = transactionDone(tx)
    // Raw requests, not idb's promise per put: 10,000 puts stay 10,000 cheap calls.
    const store = tx.objectStore(STORE)
    try {
      for (const event of events) {
        try {
          store.put(event)
        } catch (cause) {
          if (!isDataCloneError(cause)) throw cause
          this.hooks.refused(event, cause)
        }
      }
      // Commit now rather than when the task ends, so a page going away has already asked for it.
      tx.commit?.()
    } catch (cause) {
      try {
        tx.abort()
      } catch {
        // Already finished or aborted.
      }
      done.catch(noop)
      return Promise.reject(cause)
    }
    return done
  }

  async read(range: StoredRange): Promise<BusEvent[]> {
    const from = range.since === undefined ? null : IDBKeyRange.lowerBound([range.since])
    if (range.last === undefined) return this.db.getAll(STORE, from)
    if (range.last === 0) return []
    // The last N: one step back from the end finds the first key to keep, then one getAll.
    const tx = this.db.transaction(STORE, 'readonly')
    const end = await tx.store.openKeyCursor(from, 'prev')
    const first = end && range.last > 1 ? await end.advance(range.last - 1) : end
    const events = await tx.store.getAll(first ? IDBKeyRange.lowerBound(first.key) : from)
    return events as BusEvent[]
  }

  async trim(retention: Retention, now: number): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite', { durability: 'relaxed' })
    const done = tx.done
    // Keys are [time, origin, seq]: every key below [cutoff] is older than the cutoff.
    void tx.store.delete(IDBKeyRange.upperBound([now - retention.maxAgeMs], true)).catch(noop)
    const count = await tx.store.count()
    if (count > retention.maxEvents) {
      const oldest = await tx.store.openKeyCursor()
      const firstKept = oldest && (await oldest.advance(count - retention.maxEvents))
      if (firstKept) void tx.store.delete(IDBKeyRange.upperBound(firstKept.key, true)).catch(noop)
    }
    await done
  }

  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    // Transactions already started still complete: close() waits for them.
    this.db.close()
  }
}

function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new DOMException('The history transaction was aborted.', 'AbortError'))
  })
}

function isDataCloneError(cause: unknown): boolean {
  return cause instanceof DOMException && cause.name === 'DataCloneError'
}

function noop(): void {}
