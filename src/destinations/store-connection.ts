import { describeError, type PluginHost } from '../core/index'
import { destinationError } from './errors'
import { MemoryDestinationStore } from './memory-store'
import type { Counters } from './stats'
import type { DestinationStore } from './store'

/** The store one context's destinations use. */
export interface StoreConnection {
  /** Resolves once a store is open: IndexedDB, or memory when asked for or when IndexedDB fails. */
  readonly opened: Promise<DestinationStore>
  /** The store in use, once `opened` resolved; memory from the moment the database is lost. */
  readonly store: DestinationStore
}

/**
 * Opens the outbox of a bus: the IndexedDB store (a lazy chunk, so a bus without destinations
 * never loads it), or memory, reported as `OUTBOX_UNAVAILABLE`, when IndexedDB cannot be used.
 */
export function connectStore(host: PluginHost, kind: 'indexeddb' | 'memory', counters: Pick<Counters, 'count'>): StoreConnection {
  let store: DestinationStore | undefined

  function fallBack(reason: string, cause?: unknown): DestinationStore {
    if (store?.kind !== 'memory') {
      host.report(destinationError('DESTINATION_OUTBOX_UNAVAILABLE', `The outbox of the bus "${host.name}" is kept in memory in this context only, and is lost with it: ${reason}.`, cause))
      store = new MemoryDestinationStore()
    }
    return store
  }

  function malformed(destination: string, entries: number, chunks: number): void {
    counters.count('malformed', entries)
    host.report(
      destinationError(
        'DESTINATION_MALFORMED_RECORD',
        `Destination "${destination}": ${entries} outbox record(s) in ${chunks} chunk(s) of the bus "${host.name}" were not of the shape crossbus writes (written outside it?); they were skipped and deleted, and the outbox count recomputed from the records.`,
      ),
    )
  }

  async function open(): Promise<DestinationStore> {
    if (kind === 'memory') return new MemoryDestinationStore()
    try {
      const { openIndexedDbDestinationStore } = await import('./indexeddb-store')
      return await openIndexedDbDestinationStore(host.name, (reason) => fallBack(reason), malformed)
    } catch (cause) {
      return fallBack(`IndexedDB cannot be opened (${describeError(cause)})`, cause)
    }
  }

  const opened = open().then((ready) => (store = ready))
  return {
    opened,
    get store() {
      return store!
    },
  }
}
