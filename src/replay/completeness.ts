// Used by the IndexedDB store only: only a store shared by the contexts of the origin can tell
// whether another context's events are all stored.
import type { FirstHeld } from './recent'

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

/** What a read leaves out, and the words for it. */
export interface Incomplete {
  readonly missing: readonly MissingEvents[]
  readonly text: string
}

/**
 * The store holds a prefix of each context's events (a context stores its events in seq order),
 * and the reading context holds every event each other context sent since the oldest one it still
 * holds. So a context's events are complete when its stored head reaches just below that oldest
 * held one. When it does not (the context stores slower than it sends, closed before storing, or
 * keeps history in memory), `settle` waits a little for it, then says what is still missing.
 */
export class HeadsWatch {
  // Per context, the head a read last gave up waiting at: later reads do not wait for it again.
  private readonly stuck = new Map<string, number>()

  constructor(private readonly heads: () => Promise<ReadonlyMap<string, number>>) {}

  /** Waits until every context's head reaches its oldest event `held`, or until waiting no longer helps. */
  async settle(held: () => ReadonlyMap<string, FirstHeld>, since: number): Promise<Incomplete | undefined> {
    const deadline = Date.now() + SETTLE_MS
    let delay = FIRST_POLL_MS
    for (;;) {
      const missing = missingAgainst(await this.heads(), held(), since)
      const waiting = missing.some(({ origin, from }) => this.stuck.get(origin) !== from - 1)
      if (!waiting || Date.now() >= deadline) {
        this.stuck.clear()
        for (const { origin, from } of missing) this.stuck.set(origin, from - 1)
        return missing.length === 0 ? undefined : { missing, text: describe(missing) }
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, MAX_POLL_MS)
    }
  }
}

function missingAgainst(heads: ReadonlyMap<string, number>, held: ReadonlyMap<string, FirstHeld>, since: number): MissingEvents[] {
  const missing: MissingEvents[] = []
  for (const [origin, first] of held) {
    // The events before `first` are no older than it: before `since`, none is wanted.
    if (first.seq <= 1 || first.time < since) continue
    const head = heads.get(origin) ?? 0
    if (head < first.seq - 1) missing.push({ origin, from: head + 1, to: first.seq - 1 })
  }
  return missing
}

function describe(missing: readonly MissingEvents[]): string {
  const count = missing.reduce((sum, { from, to }) => sum + to - from + 1, 0)
  const which = missing.map(({ origin, from, to }) => (from === to ? `seq ${from}` : `seqs ${from} to ${to}`) + ` of bus instance ${origin}`).join(', ')
  return `misses up to ${count} event(s) that other contexts sent but have not stored (${which}): the context closed before storing them, keeps its history in memory, or stores slower than it sends. The replay or history read leaves them out; later events follow in order.`
}
