import { describeError, type BusEvent, type HistoryRead, type PluginHost, type Provenance } from '../core/index'
import { HistoryReader } from './history-reader'
import { openHistoryStores } from './history-stores'
import { HistoryWriter } from './history-writer'
import type { Retention } from './options'
import { RecentEvents } from './recent'
import { RetentionClock } from './retention-clock'

// How many of the latest events a context keeps in memory for the seam between history and live
// events: more than a context receives while a burst is still being committed elsewhere.
const RECENT_EVENTS = 10_000
// And at most about this many bytes of them: a burst of large events keeps fewer.
const RECENT_BYTES = 32 * 1024 * 1024

/** A bus's history: what the replay plugin's hooks call. */
export interface BusHistory {
  /**
   * An event that reached this context: remembered for the seam, and queued to be stored with the
   * others of this task when it entered the origin here. `at`: when it arrived, if that was earlier.
   */
  event(event: BusEvent, provenance: Provenance, at?: number): void
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
export function createHistory(host: PluginHost, retention: Retention, inMemory: boolean): BusHistory {
  const recent = new RecentEvents(Math.min(retention.maxEvents, RECENT_EVENTS), RECENT_BYTES)
  const clock = new RetentionClock()
  let closed = false
  // Age trimming for whatever earlier sessions left, once IndexedDB is open.
  const stores = openHistoryStores(host, inMemory, () => void trim())
  // Reads wait until the bus clock has seen the newest stored time.
  const started = stores.ready.then(start)
  const writer = new HistoryWriter(host, stores, Math.max(1, Math.ceil(retention.maxEvents / 10)), () => {
    if (!closed) void trim()
  })
  const reader = new HistoryReader(host, stores, writer, recent, retention, clock)

  /**
   * The bus stamps later events after the newest one stored (of any context of the origin), so a
   * clock set back since (by an hour, say) cannot make them replay before older ones. Events sent
   * before history opened keep the clock's time.
   */
  async function start(): Promise<void> {
    try {
      const newest = await stores.use((target) => target.newestTime())
      // One millisecond on: an event at the same time would be ordered by origin, not sent order.
      if (newest !== undefined && !closed) host.observeTime(newest + 1)
    } catch {
      // A read failing here fails the next read too, which reports it.
    }
  }

  function trim(): Promise<void> {
    return stores.use((target) =>
      target.trim(retention, clock.now(), host.origin).catch((cause: unknown) => {
        stores.fallBack(`trimming history failed (${describeError(cause)})`, cause)
      }),
    )
  }

  return {
    event(event, provenance, at) {
      recent.add(event, provenance.bridge === undefined)
      // The context an event entered the origin through stores it; the others read it.
      if (provenance.arrival === 'received') clock.received(event, at)
      else writer.add(event)
    },

    close() {
      closed = true
      // After the writes queued above: closing waits for started transactions to finish.
      return stores.close(writer.close())
    },

    async read(query) {
      await started
      return reader.read(query)
    },

    flush: () => writer.flush(),
  }
}
