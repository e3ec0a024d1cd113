import { describeError, type BusEvent, type HistoryRead, type PluginHost } from '../core/index'
import { HistoryWriter } from './history-writer'
import { openHistoryStores } from './history-stores'
import { retentionOf, type ReplayOptions } from './options'
import { RecentEvents } from './recent'
import { RetentionClock } from './retention-clock'
import type { StoredRange } from './store'

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
 */
export function createHistory(host: PluginHost, options: ReplayOptions): BusHistory {
  const retention = retentionOf(options)
  const recent = new RecentEvents(Math.min(retention.maxEvents, RECENT_EVENTS), RECENT_BYTES)
  const clock = new RetentionClock()
  let closed = false
  // Age trimming for whatever earlier sessions left, once IndexedDB is open.
  const stores = openHistoryStores(host, options, () => void trim())
  const writer = new HistoryWriter(host, stores, Math.max(1, Math.ceil(retention.maxEvents / 10)), () => {
    if (!closed) void trim()
  })

  function trim(): Promise<void> {
    return stores.use((target) =>
      target.trim(retention, clock.now(), host.origin).catch((cause: unknown) => {
        stores.fallBack(`trimming history failed (${describeError(cause)})`, cause)
      }),
    )
  }

  return {
    saw(event, received) {
      recent.add(event)
      if (received) clock.received(event)
    },

    store: (event) => writer.add(event),

    close() {
      closed = true
      // After the writes queued above: closing waits for started transactions to finish.
      return stores.close(writer.close())
    },

    async read(query) {
      // Started before the read, so its transaction sees everything this context sent.
      writer.writePending()
      const oldest = clock.now() - retention.maxAgeMs
      const range: StoredRange = {
        since: query.since === undefined || query.since < oldest ? oldest : query.since,
        systems: query.systems,
        // Trimming lags a little behind retention; reads never do.
        last: retention.maxEvents,
      }
      const stored = await stores.use((target) =>
        target.read(range).catch((cause: unknown) => stores.fallBack(`reading history failed (${describeError(cause)})`, cause).read(range)),
      )
      const since = range.since ?? -Infinity
      const matching = recent.mergeInto(stored, (event) => event.time >= since && query.matches(event)).filter(query.matches)
      if (query.limit === undefined || matching.length <= query.limit) return matching
      return query.limit === 0 ? [] : matching.slice(-query.limit)
    },

    flush: () => writer.flush(),
  }
}
