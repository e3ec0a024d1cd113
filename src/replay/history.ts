import { busError, currentContextKind, describeError, lazyImportHint, type BusEvent, type HistoryRead, type PluginHost } from '../core/index'
import { MemoryReplayStore } from './memory'
import { retentionOf, type ReplayOptions } from './options'
import { RecentEvents } from './recent'
import { RetentionClock } from './retention-clock'
import type { ReplayStore, StoredRange } from './store'

// More events than this waiting to be stored means the store cannot keep up with this context.
const BACKLOG_LIMIT = 20_000

// After another context deletes the database, the first try to open a new one, then slower ones.
const REOPEN_FIRST_DELAY_MS = 100
const REOPEN_MAX_DELAY_MS = 10_000

// How many of the latest events a context keeps in memory for the seam between history and live
// events: more than a context receives while a burst is still being committed elsewhere.
const RECENT_EVENTS = 10_000
// And at most about this many bytes of them: a burst of large events keeps fewer.
const RECENT_BYTES = 32 * 1024 * 1024

/** A bus's history: what the replay plugin's hooks call. */
export interface BusHistory {
  /** Queues an event to be stored with the others of this task. */
  store(event: BusEvent): void
  /** Remembers an event that reached this context (stored here or `received` from another) for the seam. */
  saw(event: BusEvent, received: boolean): void
  /** The stored events that `query` matches, oldest first, within retention. */
  read(query: HistoryRead): Promise<BusEvent[]>
  /** Resolves once every event queued so far is stored (in IndexedDB, or in memory after a fallback). */
  flush(): Promise<void>
  /** Writes what is queued and releases the store once those writes are done. */
  close(): Promise<void>
}

/**
 * Keeps the events a bus sends or injects. Only the context where an event entered the origin
 * writes it: every context of the origin reads the same database, so one write per event is
 * enough, and N tabs writing each event would cost N times the work for the same records.
 *
 * Writes are batched per task: the first `send` of a task queues a microtask that puts the whole
 * batch in one relaxed transaction and commits it, so the transaction starts before the task
 * that sent ends and a page closed right after survives it (as far as the browser commits).
 */
export function createHistory(host: PluginHost, options: ReplayOptions): BusHistory {
  const retention = retentionOf(options)
  // A trim per tenth of maxEvents written keeps the store within 110% of it at a few requests per trim.
  const trimEvery = Math.max(1, Math.ceil(retention.maxEvents / 10))
  // Writes in flight (what flush waits for); trims and closing are not.
  const writes = new Set<Promise<unknown>>()
  const recent = new RecentEvents(Math.min(retention.maxEvents, RECENT_EVENTS), RECENT_BYTES)
  const clock = new RetentionClock()
  let pending: BusEvent[] = []
  let scheduled = false
  let writtenSinceTrim = 0
  // Events handed to the store and not yet stored, and whether that was reported.
  let unwritten = 0
  let behind = false
  let reported = false
  let closed = false
  let store: ReplayStore | undefined
  let fallback: MemoryReplayStore | undefined
  let resolveOpening: ((store: ReplayStore) => void) | undefined
  let opening: Promise<ReplayStore> | undefined

  /** From now on this context keeps history in memory; said once on `errors$`. */
  function fallBack(reason: string, cause?: unknown): MemoryReplayStore {
    if (fallback) return fallback
    fallback = new MemoryReplayStore()
    const previous = store
    store = fallback
    resolveOpening?.(fallback)
    previous?.close()
    if (!reported) {
      reported = true
      host.report(
        busError('REPLAY_UNAVAILABLE', `History of the bus "${host.name}" is kept in memory in this context only: ${reason}. Sending and live delivery are unaffected.`, cause),
      )
    }
    return fallback
  }

  // Outside a browser (Node, SSR, unit tests) there is no IndexedDB to miss: memory, quietly.
  const inMemory = options.store === 'memory' || (options.store === undefined && currentContextKind() === undefined && typeof indexedDB === 'undefined')

  /** Opens the IndexedDB store (idb and it are a lazy chunk: buses without replay never load them). */
  async function openIndexedDb(): Promise<ReplayStore> {
    const { openIndexedDbStore } = await import('./indexeddb')
    return openIndexedDbStore(host.name, {
      lost: (reason) => fallBack(reason),
      refused: (event, cause) =>
        host.report(busError('NOT_CLONABLE', `The event ${event.id} (${event.system} ${event.kind}) was delivered but not stored in history: its data cannot be stored (${describeError(cause)}). The events around it were stored.`, cause)),
      malformed: (count) =>
        host.report(busError('MALFORMED_RECORD', `Left out ${count} record(s) of the history of the bus "${host.name}" that are no events (written into its database by something other than crossbus).`)),
      deleted: () => {
        fallBack('another context deleted the history database (the app or the user cleared storage); it is created again and used as soon as it can be')
        reopenLater(REOPEN_FIRST_DELAY_MS)
      },
    })
  }

  /** After a deletion: open a new database, hand it what memory kept meanwhile, and use it again. */
  function reopenLater(delay: number): void {
    setTimeout(() => {
      if (closed) return
      openIndexedDb().then(
        async (idb) => {
          if (closed) return idb.close()
          const memory = fallback
          store = idb
          fallback = undefined
          reported = false
          if (memory) track(idb.write(await memory.read({})).catch(() => {}))
        },
        () => reopenLater(Math.min(delay * 2, REOPEN_MAX_DELAY_MS)),
      )
    }, delay)
  }

  if (inMemory) {
    store = new MemoryReplayStore()
  } else {
    // Opened when the bus is created, not on its first send, so that a tab sending and closing
    // at once has a connection ready to commit on.
    opening = new Promise((resolve) => (resolveOpening = resolve))
    openIndexedDb().then(
      (idb) => {
        // Blocked, then unblocked after we had already fallen back: keep to one store.
        if (fallback) return idb.close()
        resolveOpening!(idb)
        // Age trimming for whatever earlier sessions left.
        if (!closed) void trim()
      },
      (cause: unknown) => fallBack(`IndexedDB cannot be opened (${describeError(cause)})${hinted(lazyImportHint())}`, cause),
    )
    // Set after every use queued while opening has run, so queued and new uses keep their order.
    opening.then((ready) => {
      store ??= ready
    })
  }

  /** Runs `use` on the store now if it is open (so a transaction starts in this task), else once it is. */
  function withStore<T>(use: (store: ReplayStore) => Promise<T>): Promise<T> {
    return store ? use(store) : opening!.then(use)
  }

  function track(write: Promise<unknown>): void {
    writes.add(write)
    void write.finally(() => writes.delete(write))
  }

  function writePending(): void {
    scheduled = false
    if (pending.length === 0) return
    const batch = pending
    pending = []
    unwritten += batch.length
    if (unwritten > BACKLOG_LIMIT && !behind) {
      behind = true
      host.report(
        busError('REPLAY_BEHIND', `History of the bus "${host.name}" is falling behind: ${unwritten} events sent here are not stored yet (IndexedDB keeps up with about 10,000 events per second). A tab closed now loses them from history; live delivery is unaffected.`),
      )
    }
    const written = withStore((target) => write(target, batch)).finally(() => {
      unwritten -= batch.length
      // Said again only after the backlog has drained well below the limit.
      if (unwritten < BACKLOG_LIMIT / 2) behind = false
    })
    track(written)
  }

  async function write(target: ReplayStore, batch: BusEvent[]): Promise<void> {
    try {
      await target.write(batch)
    } catch (cause) {
      await fallBack(writeFailure(cause), cause).write(batch)
      return
    }
    // Committed to IndexedDB just as this context fell back: keep the batch readable here too.
    if (fallback && target !== fallback) await fallback.write(batch)
    writtenSinceTrim += batch.length
    if (writtenSinceTrim >= trimEvery && !closed) void trim()
  }

  function trim(): Promise<void> {
    writtenSinceTrim = 0
    return withStore((target) =>
      target.trim(retention, clock.now(), host.origin).catch((cause: unknown) => {
        fallBack(`trimming history failed (${describeError(cause)})`, cause)
      }),
    )
  }

  const onPageHide = () => writePending()
  const onVisibilityChange = () => {
    if (document.visibilityState === 'hidden') writePending()
  }
  const listens = typeof addEventListener === 'function' && typeof document !== 'undefined'
  if (listens && !inMemory) {
    addEventListener('pagehide', onPageHide)
    document.addEventListener('visibilitychange', onVisibilityChange)
  }

  return {
    saw(event, received) {
      recent.add(event)
      if (received) clock.received(event)
    },

    store(event) {
      pending.push(event)
      if (!scheduled) {
        scheduled = true
        queueMicrotask(writePending)
      }
    },

    close() {
      writePending()
      closed = true
      if (listens && !inMemory) {
        removeEventListener('pagehide', onPageHide)
        document.removeEventListener('visibilitychange', onVisibilityChange)
      }
      // After the writes queued above: closing waits for started transactions to finish.
      return withStore(async (target) => {
        await Promise.allSettled(writes)
        target.close()
      })
    },

    async read(query) {
      // Started before the read, so its transaction sees everything this context sent.
      writePending()
      const oldest = clock.now() - retention.maxAgeMs
      const range: StoredRange = {
        since: query.since === undefined || query.since < oldest ? oldest : query.since,
        systems: query.systems,
        // Trimming lags a little behind retention; reads never do.
        last: retention.maxEvents,
      }
      const stored = await withStore((target) =>
        target.read(range).catch((cause: unknown) => fallBack(`reading history failed (${describeError(cause)})`, cause).read(range)),
      )
      const since = range.since ?? -Infinity
      const matching = recent.mergeInto(stored, (event) => event.time >= since && query.matches(event)).filter(query.matches)
      if (query.limit === undefined || matching.length <= query.limit) return matching
      return query.limit === 0 ? [] : matching.slice(-query.limit)
    },

    async flush() {
      writePending()
      while (writes.size > 0) await Promise.all(writes)
    },
  }
}

function hinted(hint: string | undefined): string {
  return hint === undefined ? '' : `; ${hint}`
}

function writeFailure(cause: unknown): string {
  if (cause instanceof DOMException && cause.name === 'QuotaExceededError') return 'the storage quota is exceeded'
  return `storing events failed (${describeError(cause)})`
}
