import { describeError, disjointRanges, isEventTime, type BusError, type BusEvent } from '../core/index'
import { replayError } from './errors'
import { openWithReopen } from '../indexeddb/reopen'
import { requested, transactionDone } from '../indexeddb/requests'
import { batchRecord, groupBySystem } from './batch-record'
import { eventsOf, readAllBatches, readSystemBatches } from './indexeddb-read'
import { BATCHES, BY_TIME, HEADS, MAX_BATCH, SCHEMA_VERSION, upgradeHistory } from './indexeddb-schema'
import { mergeSmallBatches, trimBatches } from './indexeddb-trim'
import { HeadsWatch, type Incomplete } from './completeness'
import type { FirstHeld } from './recent'
import { createRecordCheck } from './stored-record'
import type { Retention } from './options'
import type { ReplayStore, StoredRange } from './store'
import { historyDatabaseName } from '../shared/names'

export { SCHEMA_VERSION }

/** What the IndexedDB store tells its owner. */
export interface IndexedDbHooks {
  /**
   * The store cannot be used (any more): see `onFallback` of `openWithReopen`. With `reopening`
   * (another context deleted the database) a new store follows through `reopened`.
   */
  fallBack(reason: string, cause: unknown, reopening: boolean): void
  /** A new store, opened after another context deleted the database. */
  reopened?(store: IndexedDbReplayStore): void
  /**
   * Reports what the store met (`REPLAY_NOT_STORABLE`: an event it could not store, the others
   * were; `REPLAY_MALFORMED_RECORD`: records a read left out that are no events).
   */
  report(error: BusError): void
}

/** The database of a bus: one per bus name, shared by every context of the origin. */
export function databaseName(busName: string): string {
  return historyDatabaseName(busName)
}

/** A bus's history database, kept open across deletions by other contexts. */
export interface HistoryConnection {
  /** The first store, or `undefined` when IndexedDB cannot be used (`fallBack` said why). */
  readonly opened: Promise<IndexedDbReplayStore | undefined>
  /** Stops reopening and closes the database once started transactions are done. */
  close(): void
}

/** Opens the history of a bus (see `openWithReopen` for what happens on deletion and upgrades). */
export function connectIndexedDbHistory(busName: string, hooks: IndexedDbHooks): HistoryConnection {
  const storeOf = (db: IDBDatabase) => new IndexedDbReplayStore(db, busName, hooks)
  const connection = openWithReopen(databaseName(busName), SCHEMA_VERSION, upgradeHistory, {
    what: 'history database',
    onFallback: (reason, cause, reopening) => hooks.fallBack(reason, cause, reopening),
    onReopen: (db) => hooks.reopened?.(storeOf(db)),
  })
  return {
    opened: connection.opened.then((db) => db && storeOf(db)),
    close: () => connection.close(),
  }
}

/** What `heads` holds per context: everything it sent up to `seq` is stored (or was refused and reported there). */
interface Head {
  readonly origin: string
  readonly seq: number
  readonly time: number
}

/** The last event of each origin in `events`: what the batch moves each context's head to. */
function headsOf(events: readonly BusEvent[]): Head[] {
  const heads = new Map<string, Head>()
  for (const { origin, seq, time } of events) if (seq >= 1 && !(seq <= (heads.get(origin)?.seq ?? 0))) heads.set(origin, { origin, seq, time })
  return [...heads.values()]
}

function isHead(record: unknown): record is Head {
  const head = record as Partial<Head> | null
  return typeof head === 'object' && head !== null && typeof head.origin === 'string' && Number.isSafeInteger(head.seq) && typeof head.time === 'number'
}

/**
 * History in the IndexedDB database of the bus, shared by every context of the origin: batch
 * records of one system's events each (see `BatchRecord`), plus each context's head.
 */
export class IndexedDbReplayStore implements ReplayStore {
  readonly kind = 'indexeddb'
  // Any script of the origin can write into this database: what comes back is checked.
  private readonly isEvent = createRecordCheck()
  private isClosed = false
  private readonly watch = new HeadsWatch(() => this.heads())

  constructor(
    private readonly db: IDBDatabase,
    private readonly busName: string,
    private readonly hooks: IndexedDbHooks,
  ) {}

  write(events: readonly BusEvent[]): Promise<void> {
    let tx: IDBTransaction
    try {
      tx = this.db.transaction([BATCHES, HEADS], 'readwrite', { durability: 'relaxed' })
    } catch (cause) {
      return Promise.reject(cause)
    }
    const done = transactionDone(tx, 'history')
    const store = tx.objectStore(BATCHES)
    try {
      for (const group of groupBySystem(events)) {
        for (let at = 0; at < group.length; at += MAX_BATCH) this.putBatch(store, group.length <= MAX_BATCH ? group : group.slice(at, at + MAX_BATCH))
      }
      // In the same transaction: a reader sees a head only with every event below it.
      const heads = tx.objectStore(HEADS)
      for (const head of headsOf(events)) heads.put(head)
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

  /**
   * Puts one batch record. The store failing concerns every event; anything else (data that
   * cannot be cloned, or nested too deep) concerns some of them: each is then put on its own,
   * and only those that cannot be stored are refused.
   */
  private putBatch(store: IDBObjectStore, events: readonly BusEvent[]): void {
    try {
      store.put(batchRecord(events))
    } catch (cause) {
      if (isStoreFailure(cause)) throw cause
      if (events.length > 1) for (const event of events) this.putBatch(store, [event])
      else {
        const event = events[0]!
        this.hooks.report(
          replayError('REPLAY_NOT_STORABLE', `The event ${event.id} (${event.system} ${event.kind}) was delivered but not stored in history: its data cannot be stored (${describeError(cause)}). The events around it were stored.`, cause),
        )
      }
    }
  }

  /**
   * Per context, the seq of the last event it stored. A read started after this one sees at least
   * those events (IndexedDB orders transactions as they were created).
   */
  async heads(): Promise<Map<string, number>> {
    const records = await requested<unknown[]>(this.db.transaction(HEADS, 'readonly').objectStore(HEADS).getAll())
    const heads = new Map<string, number>()
    for (const record of records) if (isHead(record)) heads.set(record.origin, record.seq)
    return heads
  }

  settle(held: () => ReadonlyMap<string, FirstHeld>, since: number): Promise<Incomplete | undefined> {
    return this.watch.settle(held, since)
  }

  /** The time of the newest event stored, whoever stored it: the newest batch's last event. */
  async newestTime(): Promise<number | undefined> {
    const index = this.db.transaction(BATCHES, 'readonly').objectStore(BATCHES).index(BY_TIME)
    const cursor = await requested(index.openKeyCursor(null, 'prev'))
    const time = (cursor?.key as unknown[] | undefined)?.[0]
    return isEventTime(time) ? time : undefined
  }

  /** The stored events in `range`, leaving out (and telling the owner of) records that are no events. */
  async read(range: StoredRange): Promise<BusEvent[]> {
    const { since, last } = range
    if (last === 0 || range.systems?.length === 0) return []
    const store = this.db.transaction(BATCHES, 'readonly').objectStore(BATCHES)
    let records: unknown[]
    if (range.systems === undefined) records = await readAllBatches(store.index(BY_TIME), since)
    else {
      // Disjoint ranges, read side by side in one transaction: no batch comes twice.
      const parts = await Promise.all(disjointRanges(range.systems).map((systems) => readSystemBatches(store, systems, since)))
      records = parts.length === 1 ? parts[0]! : parts.flat()
    }
    const { events, malformed } = eventsOf(records, since, this.isEvent)
    if (malformed > 0) this.hooks.report(replayError('REPLAY_MALFORMED_RECORD', `Left out ${malformed} record(s) of the history of the bus "${this.busName}" that are no events (written into its database by something other than crossbus).`))
    return last === undefined || events.length <= last ? events : events.slice(-last)
  }

  /**
   * Drops what retention no longer keeps (see `trimBatches`) and the heads of contexts that stored
   * nothing within it, and merges small records (see `mergeSmallBatches`).
   */
  async trim(retention: Retention, now: number, self: string): Promise<void> {
    const tx = this.db.transaction([BATCHES, HEADS], 'readwrite', { durability: 'relaxed' })
    const done = transactionDone(tx, 'history trim')
    try {
      const headStore = tx.objectStore(HEADS)
      const [keys, records] = await Promise.all([requested(headStore.getAllKeys()), requested<unknown[]>(headStore.getAll())])
      let othersNewest: number | undefined
      for (const head of records) if (isHead(head) && head.origin !== self && !(head.time <= (othersNewest ?? -Infinity))) othersNewest = head.time
      const oldest = Math.min(now, othersNewest ?? now) - retention.maxAgeMs
      await trimBatches(tx.objectStore(BATCHES), retention, oldest)
      await mergeSmallBatches(tx.objectStore(BATCHES), MAX_BATCH)
      records.forEach((head, i) => {
        if (!isHead(head) || head.time < oldest) headStore.delete(keys[i]!)
      })
    } catch (cause) {
      try {
        tx.abort()
      } catch {
        // Already finished or aborted.
      }
      done.catch(noop)
      throw cause
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

const STORE_FAILURES = new Set(['TransactionInactiveError', 'InvalidStateError', 'ReadOnlyError', 'QuotaExceededError', 'UnknownError'])

function isStoreFailure(cause: unknown): boolean {
  return cause instanceof DOMException && STORE_FAILURES.has(cause.name)
}

function noop(): void {}
