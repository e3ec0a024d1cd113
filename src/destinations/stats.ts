import type { DestinationsStats } from './types'

/** What this context counts for `stats()`: everything but `pending`, which is the origin's. */
export type Counted = Exclude<keyof DestinationsStats, 'pending'>

/** The counters behind `stats()`, one set per `destinations(bus)`. */
export interface Counters {
  count(what: Counted, entries: number): void
  /** The counts, with `pending` as `status$` shows it now. */
  read(pending: number): DestinationsStats
}

export function createCounters(): Counters {
  const counts: Record<Counted, number> = { captured: 0, delivered: 0, retried: 0, failed: 0, dropped: 0, malformed: 0 }
  return {
    count(what, entries) {
      counts[what] += entries
    },
    read: (pending) => ({ ...counts, pending }),
  }
}
