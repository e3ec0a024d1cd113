import { describeError, type BusEvent, type HistoryRead, type PluginHost } from '../core/index'
import { replayError } from './errors'
import type { HistoryStores } from './history-stores'
import type { HistoryWriter } from './history-writer'
import type { Retention } from './options'
import type { RecentEvents } from './recent'
import type { RetentionClock } from './retention-clock'
import type { StoredRange } from './store'

// How long a read waits at most for other contexts to store the events it needs from them.
const SETTLE_MS = 2_000
const FIRST_POLL_MS = 20
const MAX_POLL_MS = 250

/** Events of one context of the origin that a read could not include (its seqs `from` to `to`). */
export interface MissingEvents {
  readonly origin: string
  readonly from: number
  readonly to: number
}

/**
 * Reads history: the stored events, plus the recent events this context holds that are not stored
 * yet, each context's events complete from its oldest one in the answer to the live stream.
 *
 * The store holds a prefix of each context's events (a context stores its events in seq order),
 * and this context holds every event each other context sent since the oldest one it still holds.
 * So a context's events are complete when its stored head reaches just below that oldest held one.
 * When it does not (the context stores slower than it sends, closed before storing, or keeps
 * history in memory), the read waits a little for it, then leaves the rest out and says so:
 * `REPLAY_INCOMPLETE` names the seqs, never a silent hole.
 */
export class HistoryReader {
  // Per context, the head a read last gave up waiting at: later reads do not wait for it again.
  private readonly stuck = new Map<string, number>()

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
      const missing = await this.settle(since)
      const stored = await this.stores.use((target) =>
        target.read(range).catch((cause: unknown) => this.stores.fallBack(`reading history failed (${describeError(cause)})`, cause).read(range)),
      )
      const matching = this.recent.mergeInto(stored, (event) => event.time >= since && query.matches(event)).filter(query.matches)
      if (missing.length > 0) this.report(missing)
      if (query.limit === undefined || matching.length <= query.limit) return matching
      return query.limit === 0 ? [] : matching.slice(-query.limit)
    } finally {
      this.recent.unpin()
    }
  }

  /**
   * Waits until every context's stored head reaches its oldest event held here, or until waiting
   * no longer helps; what is still missing then. A read started afterwards sees at least those heads.
   */
  private async settle(since: number): Promise<MissingEvents[]> {
    const deadline = Date.now() + SETTLE_MS
    let delay = FIRST_POLL_MS
    for (;;) {
      const heads = await this.stores.use((target) => (target.heads ? target.heads().catch(() => undefined) : Promise.resolve(undefined)))
      // Memory keeps this context's events only: nothing to wait for.
      if (!heads) return []
      const missing = this.missingAgainst(heads, since)
      const waiting = missing.some(({ origin, from }) => this.stuck.get(origin) !== from - 1)
      if (!waiting || Date.now() >= deadline) {
        this.stuck.clear()
        for (const { origin, from } of missing) this.stuck.set(origin, from - 1)
        return missing
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, MAX_POLL_MS)
    }
  }

  private missingAgainst(heads: ReadonlyMap<string, number>, since: number): MissingEvents[] {
    const missing: MissingEvents[] = []
    for (const [origin, first] of this.recent.firstHeld()) {
      // The events before `first` are no older than it: before `since`, none is wanted.
      if (first.seq <= 1 || first.time < since) continue
      const head = heads.get(origin) ?? 0
      if (head < first.seq - 1) missing.push({ origin, from: head + 1, to: first.seq - 1 })
    }
    return missing
  }

  private report(missing: MissingEvents[]): void {
    const count = missing.reduce((sum, { from, to }) => sum + to - from + 1, 0)
    const which = missing.map(({ origin, from, to }) => (from === to ? `seq ${from}` : `seqs ${from} to ${to}`) + ` of bus instance ${origin}`).join(', ')
    this.host.report(
      replayError(
        'REPLAY_INCOMPLETE',
        `History of the bus "${this.host.name}" read here misses up to ${count} event(s) that other contexts sent but have not stored (${which}): the context closed before storing them, keeps its history in memory, or stores slower than it sends. The replay or history read leaves them out; later events follow in order.`,
        { missing },
      ),
    )
  }
}
