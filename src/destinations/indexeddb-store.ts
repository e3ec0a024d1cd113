import type { BusError, BusEvent } from '../core/index'
import { openWithReopen } from '../indexeddb/reopen'
import { requested, transactionDone } from '../indexeddb/requests'
import type { StoredDestination } from './config'
import { destinationError } from './errors'
import { adjustCount, byDestination, chunkKey, countOf, entriesOf, noneMalformed, nonces, rangeOf, recountChunks, trimOldest, type ChunkKey, type Malformed } from './outbox-chunks'
import { CHUNK_ENTRIES, CHUNKS, COUNTS, DEAD, DESTINATIONS, SCHEMA_VERSION, upgrade } from './outbox-schema'
import type { DestinationStore, OutboxCursor, OutboxEntry, OutboxRead, StoredDeadLetter, StoredError } from './store'
import { outboxDatabaseName } from '../shared/names'

/** One database per bus name, shared by every context of the origin. */
export function databaseName(busName: string): string {
  return outboxDatabaseName(busName)
}

interface DeadRecord extends StoredDeadLetter {
  readonly time: number
  readonly id: string
  readonly system: string
}

interface IdbCursor extends OutboxCursor {
  readonly key: ChunkKey
}

/** Outbox records of the wrong shape were skipped: how many, and the error that says so. */
export type MalformedReport = (entries: number, error: BusError) => void

/** What the outbox database tells the store connection. */
export interface DatabaseHandlers {
  /** This context cannot use the database (any more); with `reopening`, a new store comes through `onReopen`. */
  onFallback(reason: string, cause: unknown, reopening: boolean): void
  /** The database is back after another context deleted it (empty: created again). */
  onReopen(store: DestinationStore): void
  /** Records of the wrong shape were skipped. */
  malformed: MalformedReport
}

/** The outbox database of a bus, open: the store (`undefined` when it cannot be used), and `close` to stop reopening. */
export interface OpenedDatabase {
  readonly store: DestinationStore | undefined
  close(): void
}

/**
 * Opens the destinations database of a bus with the shared IndexedDB helper: it gives way at once
 * to another context (a newer version, a deletion), and comes back after a deletion.
 */
export async function openIndexedDbDestinationStore(busName: string, handlers: DatabaseHandlers): Promise<OpenedDatabase> {
  const connection = openWithReopen(databaseName(busName), SCHEMA_VERSION, upgrade, {
    what: 'destinations database',
    onFallback: (reason, cause, reopening) => handlers.onFallback(reason, cause, reopening),
    onReopen: (db) => handlers.onReopen(new IndexedDbDestinationStore(db, busName, handlers.malformed)),
  })
  const db = await connection.opened
  return { store: db && new IndexedDbDestinationStore(db, busName, handlers.malformed), close: () => connection.close() }
}

/** What a store kept in memory while the database was gone, moved into the database created again. */
export async function handOver(memory: DestinationStore, next: DestinationStore, maxOutbox: number): Promise<void> {
  for (const destination of await memory.destinations()) {
    await next.putDestination(destination, 'replace')
    const { entries } = await memory.read(destination.config.id, Number.MAX_SAFE_INTEGER)
    if (entries.length > 0) await next.enqueue(entries, maxOutbox)
  }
}

class IndexedDbDestinationStore implements DestinationStore {
  readonly kind = 'indexeddb'
  /** The chunk each entry this store wrote or read is in: delivered entries are taken out of it. */
  private readonly chunkOf = new WeakMap<OutboxEntry, ChunkKey>()
  private readonly nonce = nonces()

  /** Malformed chunks already reported by this store: each is said once. */
  private readonly reported = new Set<string>()

  constructor(
    private readonly db: IDBDatabase,
    private readonly busName: string,
    private readonly malformed: MalformedReport,
  ) {}

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
    const tx = this.tx([DESTINATIONS, CHUNKS, COUNTS, DEAD], 'readwrite')
    const existed = requested(tx.objectStore(DESTINATIONS).count(id))
    tx.objectStore(DESTINATIONS).delete(id)
    tx.objectStore(CHUNKS).delete(rangeOf(id))
    tx.objectStore(COUNTS).delete(id)
    tx.objectStore(DEAD).delete(rangeOf(id))
    const [count] = await Promise.all([existed, done(tx)])
    return count > 0
  }

  async enqueue(entries: readonly OutboxEntry[], max: number): Promise<OutboxEntry[]> {
    const tx = this.tx([CHUNKS, COUNTS], 'readwrite')
    const chunks = tx.objectStore(CHUNKS)
    const counts = tx.objectStore(COUNTS)
    const trimmed: OutboxEntry[] = []
    const grouped = byDestination(entries)
    const malformed = new Map([...grouped.keys()].map((destination) => [destination, noneMalformed()]))
    for (const [destination, list] of grouped) {
      // Raw requests without a promise each, a few per write however many events it has.
      for (let i = 0; i < list.length; i += CHUNK_ENTRIES) {
        const chunk = list.slice(i, i + CHUNK_ENTRIES)
        const key = chunkKey(destination, chunk[0]!.event, this.nonce())
        chunks.put(chunk, key)
        for (const entry of chunk) this.chunkOf.set(entry, key)
      }
      const counted = counts.get(destination)
      counted.onsuccess = () => {
        const stored = countOf(counted.result)
        const trim = (total: number) => {
          counts.put(Math.min(total, max), destination)
          if (total > max) trimOldest(chunks, destination, total - max, trimmed, malformed.get(destination)!)
        }
        // crossbus never stores a count over the bound: one that is (or one that is no count) was
        // written outside it, and would drop real events, so the chunks are counted first.
        if (stored !== undefined && stored <= max) trim(stored + list.length)
        else recountChunks(chunks, counts, destination, malformed.get(destination)!, trim)
      }
    }
    // No early commit(): the count and trimming need the transaction open. The puts are issued in
    // the task that sent, which is what lets the transaction survive the page closing right after.
    await done(tx)
    for (const [destination, found] of malformed) this.reportMalformed(destination, found)
    return trimmed
  }

  async count(destination: string): Promise<number> {
    return (await requested<number | undefined>(this.tx(COUNTS, 'readonly').objectStore(COUNTS).get(destination))) ?? 0
  }

  async read(destination: string, limit: number, after?: OutboxCursor): Promise<OutboxRead> {
    const tx = this.tx([CHUNKS, COUNTS], 'readonly')
    const range = after ? IDBKeyRange.bound((after as IdbCursor).key, [destination, []], true) : rangeOf(destination)
    const entries: OutboxEntry[] = []
    const malformed = noneMalformed()
    let next: IdbCursor | undefined
    let last: ChunkKey | undefined
    const cursor = tx.objectStore(CHUNKS).openCursor(range)
    cursor.onsuccess = () => {
      const at = cursor.result
      if (!at) return
      // Another chunk after the limit: the next read continues from here.
      if (entries.length > 0 && entries.length >= limit) return void (next = { outboxCursor: true, key: last! })
      const key = at.primaryKey as ChunkKey
      for (const entry of entriesOf(at.value, destination, key, malformed)) {
        entries.push(entry)
        this.chunkOf.set(entry, key)
      }
      last = key
      at.continue()
    }
    const counted = requested<unknown>(tx.objectStore(COUNTS).get(destination))
    await done(tx)
    const stored = countOf(await counted)
    // A read of the whole outbox knows its count: a stored one that differs was written outside crossbus.
    const whole = after === undefined && next === undefined
    if (malformed.count > 0 || stored === undefined || (whole && stored !== entries.length)) {
      this.reportMalformed(destination, malformed)
      if (malformed.count > 0 || stored !== undefined || entries.length > 0) return { entries, next, pending: await this.repair(destination) }
    }
    return { entries, next, pending: stored ?? 0 }
  }

  /** Deletes the malformed records of a destination's outbox and stores its real count, which it resolves with. */
  private async repair(destination: string): Promise<number> {
    const tx = this.tx([CHUNKS, COUNTS], 'readwrite')
    const malformed = noneMalformed()
    let total = 0
    recountChunks(tx.objectStore(CHUNKS), tx.objectStore(COUNTS), destination, malformed, (real) => (total = real))
    await done(tx)
    this.reportMalformed(destination, malformed)
    return total
  }

  /** Says once per chunk what was skipped. */
  private reportMalformed(destination: string, malformed: Malformed): void {
    const fresh = [...malformed.keys].filter((key) => !this.reported.has(key))
    if (fresh.length === 0) return
    for (const key of fresh) this.reported.add(key)
    const what = `${malformed.count} outbox record(s) in ${fresh.length} chunk(s) of the bus "${this.busName}"`
    const error = destinationError('DESTINATION_MALFORMED_RECORD', `Destination "${destination}": ${what} were not of the shape crossbus writes (written outside it?); they were skipped and deleted, and the outbox count recomputed from the records.`)
    this.malformed(malformed.count, error)
  }

  async remove(destination: string, entries: readonly OutboxEntry[]): Promise<void> {
    const tx = this.tx([CHUNKS, COUNTS], 'readwrite')
    this.takeOut(tx, destination, entries)
    return done(tx)
  }

  async bury(destination: string, entries: readonly OutboxEntry[], error: StoredError, failedAt: number): Promise<void> {
    const tx = this.tx([CHUNKS, COUNTS, DEAD], 'readwrite')
    this.takeOut(tx, destination, entries)
    for (const { event } of entries) {
      tx.objectStore(DEAD).put({ destination, event, error, failedAt, time: event.time, id: event.id, system: event.system } satisfies DeadRecord)
    }
    return done(tx)
  }

  async deadLetters(destination: string): Promise<StoredDeadLetter[]> {
    const records = await requested<DeadRecord[]>(this.tx(DEAD, 'readonly').objectStore(DEAD).getAll(rangeOf(destination)))
    return records.map(({ destination: id, event, error, failedAt }) => ({ destination: id, event, error, failedAt }))
  }

  async exhume(destination: string, event: BusEvent, requeue: boolean): Promise<void> {
    const tx = this.tx([DESTINATIONS, CHUNKS, COUNTS, DEAD], 'readwrite')
    const key = [destination, event.time, event.id, event.system]
    const dead = tx.objectStore(DEAD)
    const found = dead.get(key)
    found.onsuccess = () => {
      if (found.result === undefined) return
      dead.delete(key)
      if (!requeue) return
      // Only back into the outbox of a destination that still exists, at its place by time.
      const config = tx.objectStore(DESTINATIONS).count(destination)
      config.onsuccess = () => {
        if (config.result === 0) return
        tx.objectStore(CHUNKS).put([{ destination, event, queuedAt: Date.now() }], chunkKey(destination, event, this.nonce()))
        adjustCount(tx.objectStore(COUNTS), destination, 1)
      }
    }
    return done(tx)
  }

  close(): void {
    this.db.close()
  }

  /** Takes entries out of their chunks (rewriting or deleting each) and the count down by as many as were there. */
  private takeOut(tx: IDBTransaction, destination: string, entries: readonly OutboxEntry[]): void {
    const chunks = tx.objectStore(CHUNKS)
    const malformed = noneMalformed()
    const byChunk = new Map<string, { key: ChunkKey; gone: Set<string> }>()
    for (const entry of entries) {
      const key = this.chunkOf.get(entry)
      // Not from this store (never happens in practice): nothing to take out.
      if (!key) continue
      const name = key.join('\u0000')
      let chunk = byChunk.get(name)
      if (!chunk) byChunk.set(name, (chunk = { key, gone: new Set() }))
      chunk.gone.add(identity(entry.event))
    }
    let waiting = byChunk.size
    let removed = 0
    for (const { key, gone } of byChunk.values()) {
      const got = chunks.get(key)
      got.onsuccess = () => {
        const list = got.result === undefined ? undefined : entriesOf(got.result, destination, key, malformed)
        if (list) {
          const rest = list.filter((entry) => !gone.has(identity(entry.event)))
          removed += list.length - rest.length
          if (rest.length > 0) chunks.put(rest, key)
          else chunks.delete(key)
        }
        if (--waiting === 0 && removed > 0) adjustCount(tx.objectStore(COUNTS), destination, -removed)
      }
    }
  }

  private tx(stores: string | string[], mode: IDBTransactionMode): IDBTransaction {
    return this.db.transaction(stores, mode, { durability: 'relaxed' })
  }
}

function identity(event: BusEvent): string {
  return `${event.time}\u0000${event.id}\u0000${event.system}`
}

/** Resolves when `tx` commits. */
function done(tx: IDBTransaction): Promise<void> {
  return transactionDone(tx, 'destinations')
}
