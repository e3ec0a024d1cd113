import { unwrap, wrap, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import { describeError, disjointRanges, isEventTime, type BusError, type BusEvent } from '../core/index'
import { replayError } from './errors'
import { openWithReopen } from '../indexeddb/reopen'
import { requested, transactionDone } from '../indexeddb/requests'
import { readLatest, readSystems } from './indexeddb-read'
import { HeadsWatch, type Incomplete } from './completeness'
import type { FirstHeld } from './recent'
import { createRecordCheck } from './stored-record'
import type { Retention } from './options'
import { compareEvents, type ReplayStore, type StoredRange } from './store'
import { historyDatabaseName } from '../shared/names'

const STORE = 'events'
const BY_SYSTEM = 'by-system'
const HEADS = 'heads'
/**
 * Bump with a migration in `upgrade` when the schema changes.
 * 1: events keyed by `[time, origin, seq]`.
 * 2: keyed by `[time, origin, seq, system, id]` (events injected from outside the origin share
 *    `origin` and `seq`), plus the `by-system` index.
 * 3: plus `heads`: per context (origin), the seq and time of the last event it stored, so a reader
 *    can tell a context's events not stored yet from events it never had.
 */
export const SCHEMA_VERSION = 3

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
  const storeOf = (db: IDBDatabase) => new IndexedDbReplayStore(wrap(db), busName, hooks)
  const connection = openWithReopen(databaseName(busName), SCHEMA_VERSION, upgrade, {
    what: 'history database',
    onFallback: (reason, cause, reopening) => hooks.fallBack(reason, cause, reopening),
    onReopen: (db) => hooks.reopened?.(storeOf(db)),
  })
  return {
    opened: connection.opened.then((db) => db && storeOf(db)),
    close: () => connection.close(),
  }
}

function upgrade(db: IDBDatabase, oldVersion: number, transaction: IDBTransaction): void {
  if (!db.objectStoreNames.contains(STORE)) createEventStore(db)
  else if (oldVersion < 2) rebuildVersion1(db, transaction)
  if (!db.objectStoreNames.contains(HEADS)) db.createObjectStore(HEADS, { keyPath: 'origin' })
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
 * The key is the event's own `(time, origin, seq, system, id)`: any context writing the same event
 * writes the same record, and one ranged getAll reads history in order. `by-system` holds the
 * same fields system first, so one system's events are one contiguous range in store order, and
 * every index key is unique (a bound at a key cuts exactly there, even between equal times).
 */
function createEventStore(db: IDBDatabase): IDBObjectStore {
  const store = db.createObjectStore(STORE, { keyPath: ['time', 'origin', 'seq', 'system', 'id'] })
  store.createIndex(BY_SYSTEM, ['system', 'time', 'origin', 'seq', 'id'])
  return store
}

/**
 * Version 1 keyed events by `(time, origin, seq)`. A key path cannot change in place, so the store
 * is rebuilt within the upgrade transaction: its records read, the store recreated, the records
 * put back. A record without a string `system` or `id` cannot be keyed now and is dropped.
 */
function rebuildVersion1(db: IDBDatabase, upgrade: IDBTransaction): void {
  const request = upgrade.objectStore(STORE).getAll()
  request.onsuccess = () => {
    db.deleteObjectStore(STORE)
    const store = createEventStore(db)
    for (const record of request.result) {
      try {
        store.put(record)
      } catch {
        // DataError: not an event this version can key.
      }
    }
  }
}

export class IndexedDbReplayStore implements ReplayStore {
  readonly kind = 'indexeddb'
  private readonly raw: IDBDatabase
  // Any script of the origin can write into this database: what comes back is checked.
  private readonly isEvent = createRecordCheck()
  private isClosed = false
  private readonly watch = new HeadsWatch(() => this.heads())

  constructor(
    private readonly db: IDBPDatabase,
    private readonly busName: string,
    private readonly hooks: IndexedDbHooks,
  ) {
    this.raw = unwrap(db)
  }

  write(events: readonly BusEvent[]): Promise<void> {
    let tx: IDBTransaction
    try {
      tx = this.raw.transaction([STORE, HEADS], 'readwrite', { durability: 'relaxed' })
    } catch (cause) {
      return Promise.reject(cause)
    }
    const done = transactionDone(tx, 'history')
    // Raw requests, not idb's promise per put: 10,000 puts stay 10,000 cheap calls.
    const store = tx.objectStore(STORE)
    try {
      for (const event of events) {
        try {
          store.put(event)
        } catch (cause) {
          // The store failing concerns every event; anything else (data that cannot be cloned,
          // nested too deep, or not keyed) concerns this one alone: refuse it, keep the rest.
          if (isStoreFailure(cause)) throw cause
          this.hooks.report(
            replayError('REPLAY_NOT_STORABLE', `The event ${event.id} (${event.system} ${event.kind}) was delivered but not stored in history: its data cannot be stored (${describeError(cause)}). The events around it were stored.`, cause),
          )
        }
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
   * Per context, the seq of the last event it stored. A read started after this one sees at least
   * those events (IndexedDB orders transactions as they were created).
   */
  async heads(): Promise<Map<string, number>> {
    const records = await requested<unknown[]>(this.raw.transaction(HEADS, 'readonly').objectStore(HEADS).getAll())
    const heads = new Map<string, number>()
    for (const record of records) if (isHead(record)) heads.set(record.origin, record.seq)
    return heads
  }

  settle(held: () => ReadonlyMap<string, FirstHeld>, since: number): Promise<Incomplete | undefined> {
    return this.watch.settle(held, since)
  }

  /** The time of the newest event stored, whoever stored it. */
  async newestTime(): Promise<number | undefined> {
    const cursor = await this.db.transaction(STORE, 'readonly').store.openKeyCursor(null, 'prev')
    const time = (cursor?.key as unknown[] | undefined)?.[0]
    return isEventTime(time) ? time : undefined
  }

  /** The stored events in `range`, leaving out (and telling the owner of) records that are no events. */
  async read(range: StoredRange): Promise<BusEvent[]> {
    const records: unknown[] = await this.readRecords(range)
    const events = records.filter(this.isEvent)
    const malformed = records.length - events.length
    if (malformed > 0) this.hooks.report(replayError('REPLAY_MALFORMED_RECORD', `Left out ${malformed} record(s) of the history of the bus "${this.busName}" that are no events (written into its database by something other than crossbus).`))
    return events
  }

  private async readRecords(range: StoredRange): Promise<BusEvent[]> {
    const { since, last } = range
    if (last === 0 || range.systems?.length === 0) return []
    const store = this.raw.transaction(STORE, 'readonly').objectStore(STORE)
    if (range.systems === undefined) return readLatest(store, since === undefined ? null : IDBKeyRange.lowerBound([since]), last)
    // Disjoint ranges, read side by side in one transaction: no event comes twice.
    const index = store.index(BY_SYSTEM)
    const ranges = disjointRanges(range.systems)
    const parts = await Promise.all(ranges.map((systems) => readSystems(index, systems, since, last)))
    const events = parts.length === 1 ? parts[0]! : parts.flat()
    // One exact system comes in store order already. Otherwise sort: the sort finds the sorted
    // runs (one per system) and merges them.
    if (ranges.length > 1 || 'startsWith' in ranges[0]!) events.sort(compareEvents)
    return last === undefined || events.length <= last ? events : events.slice(-last)
  }

  async trim(retention: Retention, now: number, self: string): Promise<void> {
    const tx = this.db.transaction([STORE, HEADS], 'readwrite', { durability: 'relaxed' })
    const done = tx.done
    const store = tx.objectStore(STORE)
    const reference = Math.min(now, (await newestTimeOfOthers(store, self)) ?? now)
    // Keys are [time, origin, seq, system, id]: every key below [cutoff] is older than the cutoff.
    void store.delete(IDBKeyRange.upperBound([reference - retention.maxAgeMs], true)).catch(noop)
    const count = await store.count()
    if (count > retention.maxEvents) {
      const oldest = await store.openKeyCursor()
      const firstKept = oldest && (await oldest.advance(count - retention.maxEvents))
      if (firstKept) void store.delete(IDBKeyRange.upperBound(firstKept.key, true)).catch(noop)
    }
    // The heads of contexts that stored nothing within retention.
    let head = await tx.objectStore(HEADS).openCursor()
    while (head) {
      if (!isHead(head.value) || head.value.time < reference - retention.maxAgeMs) void head.delete().catch(noop)
      head = await head.continue()
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

/**
 * The time of the newest event another context stored: keys only, stepping back from the end over
 * this context's own events (a burst at most).
 */
async function newestTimeOfOthers(store: IDBPObjectStore<unknown, string[], 'events', 'readwrite'>, self: string): Promise<number | undefined> {
  let cursor = await store.openKeyCursor(null, 'prev')
  while (cursor) {
    const [time, origin] = cursor.key as [number, string]
    if (origin !== self) return time
    cursor = await cursor.continue()
  }
  return undefined
}

const STORE_FAILURES = new Set(['TransactionInactiveError', 'InvalidStateError', 'ReadOnlyError', 'QuotaExceededError', 'UnknownError'])

function isStoreFailure(cause: unknown): boolean {
  return cause instanceof DOMException && STORE_FAILURES.has(cause.name)
}

function noop(): void {}
