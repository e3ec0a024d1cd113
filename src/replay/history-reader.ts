import { describeError, type BusEvent, type HistoryRead, type PluginHost } from '../core/index'
import type { Incomplete } from './completeness'
import { replayError } from './errors'
import type { HistoryStores } from './history-stores'
import type { HistoryWriter } from './history-writer'
import type { Retention } from './options'
import type { RecentEvents } from './recent'
import type { RetentionClock } from './retention-clock'
import type { StoredRange } from './store'

/**
 * Reads history: the stored events, plus the recent events this context holds that are not stored
 * yet, each context's events complete from its oldest one in the answer to the live stream.
 *
 * The store holds a prefix of each context's events (a context stores its events in seq order),
 * and this context holds every event each other context sent since the oldest one it still holds.
 * So a context's events are complete when its stored head reaches just below that oldest held one.
 * When it does not (the context stores slower than it sends, closed before storing, or keeps
 * history in memory), the read waits a little for it (see `HeadsWatch`), then leaves the rest out
 * and says so: `REPLAY_INCOMPLETE` names the seqs, never a silent hole.
 */
export class HistoryReader {
  constructor(
    private readonly host: PluginHost,
    private readonly stores: HistoryStores,
    private readonly writer: HistoryWriter,
    private readonly recent: RecentEvents,
    private readonly retention: Retention,
    private readonly clock: RetentionClock,
  ) {}

  async read(query: HistoryRead): Promise<BusEvent[]> {
    // Started before the read, so its transaction sees everything this context sent.
    this.writer.writePending()
    const oldest = this.clock.now() - this.retention.maxAgeMs
    const since = query.since === undefined || query.since < oldest ? oldest : query.since
    // Trimming lags a little behind retention; reads never do.
    const range: StoredRange = { since, systems: query.systems, last: this.retention.maxEvents }
    this.recent.pin()
    try {
      // A store of this context only (memory) has nothing to wait for.
      const incomplete = await this.stores.use((target) => (target.settle ? target.settle(() => this.recent.firstHeld(), since).catch(() => undefined) : Promise.resolve(undefined)))
      const stored = await this.stores.use((target) =>
        target.read(range).catch((cause: unknown) => this.stores.fallBack(`reading history failed (${describeError(cause)})`, cause).read(range)),
      )
      const matching = this.recent.mergeInto(stored, (event) => event.time >= since && query.matches(event)).filter(query.matches)
      if (incomplete) this.report(incomplete)
      if (query.limit === undefined || matching.length <= query.limit) return matching
      return query.limit === 0 ? [] : matching.slice(-query.limit)
    } finally {
      this.recent.unpin()
    }
  }

  private report({ missing, text }: Incomplete): void {
    this.host.report(replayError('REPLAY_INCOMPLETE', `History of the bus "${this.host.name}" read here ${text}`, { missing }))
  }
}
