import { describeError, type PluginHost } from '../core/index'
import type { StoredDestination } from './config'
import { destinationError } from './errors'
import type { DatabaseHandlers } from './indexeddb-store'
import { MemoryDestinationStore } from './memory-store'
import type { Counters } from './stats'
import type { DestinationStore } from './store'

/** The store one context's destinations use. */
export interface StoreConnection {
  /** Resolves once a store is open: IndexedDB, or memory when asked for or when IndexedDB fails. */
  readonly opened: Promise<DestinationStore>
  /** The store in use, once `opened` resolved: memory while the database cannot be used, IndexedDB again once it is back. */
  readonly store: DestinationStore
  /** Closes the store and stops reopening the database. */
  close(): void
}

/** What the connection needs besides the host. */
export interface ConnectionDeps {
  readonly counters: Pick<Counters, 'count'>
  /** The configuration this context last read: it goes on in memory, and back into a database created again. */
  readonly configuration: () => readonly StoredDestination[]
  /** The most entries an outbox holds (entries handed over to a database created again are bounded too). */
  readonly maxOutbox: number
}

/**
 * Opens the outbox of a bus: the IndexedDB store (a lazy chunk, so a bus without destinations
 * never loads it), or memory, reported as `DESTINATION_OUTBOX_UNAVAILABLE`, when IndexedDB cannot be
 * used. When another context deletes the database (the app or the user clearing storage), the
 * outbox goes on in memory with the configuration this context knew, and moves back into the
 * database, created again, as soon as it can be opened: configuration and undelivered events alike.
 */
export function connectStore(host: PluginHost, kind: 'indexeddb' | 'memory', deps: ConnectionDeps): StoreConnection {
  let store: DestinationStore | undefined
  let closeDatabase = () => {}
  /** The IndexedDB store's module, once loaded (a lazy chunk). */
  let database: typeof import('./indexeddb-store') | undefined
  let closed = false

  function report(message: string, cause?: unknown): void {
    if (!closed) host.report(destinationError('DESTINATION_OUTBOX_UNAVAILABLE', message, cause))
  }

  function fallBack(reason: string, cause: unknown, reopening: boolean): DestinationStore {
    if (store?.kind !== 'memory') {
      const until = reopening ? 'until the database is back' : 'and is lost with it'
      report(`The outbox of the bus "${host.name}" is kept in memory in this context only, ${until}: ${reason}.`, cause)
      const memory = new MemoryDestinationStore()
      for (const destination of deps.configuration()) void memory.putDestination(destination, 'replace')
      store = memory
    }
    return store
  }

  /** The database is back: used at once, then given what memory kept meanwhile. */
  function reopened(next: DestinationStore): void {
    if (closed) return next.close()
    const memory = store
    store = next
    if (memory?.kind === 'memory') void database?.handOver(memory, next, deps.maxOutbox).catch((cause: unknown) => report(`What the outbox of the bus "${host.name}" kept in memory could not be moved back into the database (${describeError(cause)}).`, cause))
  }

  const handlers: DatabaseHandlers = {
    onFallback: (reason, cause, reopening) => void fallBack(reason, cause, reopening),
    onReopen: reopened,
    malformed(entries, error) {
      deps.counters.count('malformed', entries)
      if (!closed) host.report(error)
    },
  }

  async function open(): Promise<DestinationStore> {
    if (kind === 'memory') return new MemoryDestinationStore()
    try {
      database = await import('./indexeddb-store')
      const opened = await database.openIndexedDbDestinationStore(host.name, handlers)
      closeDatabase = opened.close
      // Without a store, onFallback has said why (and set the memory store).
      return opened.store ?? fallBack('IndexedDB cannot be used', undefined, false)
    } catch (cause) {
      return fallBack(`IndexedDB cannot be opened (${describeError(cause)})`, cause, false)
    }
  }

  const opened = open().then((ready) => (store = ready))
  return {
    opened,
    get store() {
      return store!
    },
    close() {
      closed = true
      closeDatabase()
      store?.close()
    },
  }
}
