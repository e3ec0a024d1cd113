import { describeError, type PluginHost } from '../core/index'
import { replayError } from './errors'
import { connectIndexedDbHistory, type HistoryConnection, type IndexedDbReplayStore } from './indexeddb'
import { MemoryReplayStore } from './memory'
import type { ReplayStore } from './store'

/** Which store a context's history uses now: IndexedDB, or memory after a fallback. */
export interface HistoryStores {
  /** Resolves once a store is chosen: IndexedDB opened, or memory. */
  readonly ready: Promise<unknown>
  /** `true` when history never used IndexedDB here (asked for memory, or no IndexedDB outside a browser). */
  readonly inMemory: boolean
  /** Runs `use` on the store now if it is known (so a transaction starts in this task), else once it is. */
  use<T>(use: (store: ReplayStore) => Promise<T>): Promise<T>
  /** The memory store while this context has fallen back from IndexedDB. */
  readonly fallback: MemoryReplayStore | undefined
  /** From now on this context keeps history in memory (said once per episode on `errors$`); the memory store. */
  fallBack(reason: string, cause?: unknown): MemoryReplayStore
  /** Releases the store after `settled`, and stops reopening. */
  close(settled: Promise<unknown>): Promise<void>
}

/**
 * Opens the store of a bus's history: memory when `inMemory` (asked for, or outside a browser),
 * else IndexedDB, opened as soon as the history is loaded, not on the bus's first send, so that a
 * tab sending and closing at once has a connection ready to commit on. When it cannot be used,
 * memory takes over; after another context deletes the database, a new one takes over again with
 * what memory kept meanwhile. `opened` is called once IndexedDB is in use.
 */
export function openHistoryStores(host: PluginHost, inMemory: boolean, opened: () => void): HistoryStores {
  let store: ReplayStore | undefined = inMemory ? new MemoryReplayStore() : undefined
  let fallback: MemoryReplayStore | undefined
  let reported = false
  let closed = false
  let resolveOpening: ((store: ReplayStore) => void) | undefined
  const opening = new Promise<ReplayStore>((resolve) => (resolveOpening = resolve))
  let connection: HistoryConnection | undefined

  function fallBack(reason: string, cause?: unknown): MemoryReplayStore {
    if (fallback) return fallback
    fallback = new MemoryReplayStore()
    const previous = store
    store = fallback
    resolveOpening?.(fallback)
    previous?.close()
    if (!reported) {
      reported = true
      host.report(replayError('REPLAY_UNAVAILABLE', `History of the bus "${host.name}" is kept in memory in this context only: ${reason}. Sending and live delivery are unaffected.`, cause))
    }
    return fallback
  }

  /** After a deletion: the new database takes what memory kept meanwhile, then every write. */
  function reopened(idb: IndexedDbReplayStore): void {
    if (closed) return idb.close()
    const memory = fallback
    // Started in this task, before any later write: the store keeps each context's events in order.
    if (memory) void idb.write(memory.all()).catch((cause: unknown) => fallBack(`storing events failed (${describeError(cause)})`, cause))
    store = idb
    fallback = undefined
    reported = false
  }

  async function open(): Promise<void> {
    connection = connectIndexedDbHistory(host.name, {
      fallBack: (reason, cause) => fallBack(reason, cause),
      reopened,
      report: (error) => host.report(error),
    })
    const idb = await connection.opened
    // Refused, blocked, or unblocked after we had already fallen back: keep to one store.
    if (!idb) return
    if (fallback) return idb.close()
    // Even when closing: the writes queued meanwhile go to it before it closes.
    resolveOpening!(idb)
    if (!closed) opened()
  }

  if (!inMemory) {
    void open()
    // Set after every use queued while opening has run, so queued and new uses keep their order.
    void opening.then((ready) => {
      store ??= ready
    })
  }

  return {
    inMemory,
    ready: inMemory ? Promise.resolve() : opening,
    get fallback() {
      return fallback
    },
    use: (use) => (store ? use(store) : opening.then(use)),
    fallBack,
    async close(settled) {
      closed = true
      const target = store ?? (await opening)
      await settled
      target.close()
      connection?.close()
    },
  }
}
