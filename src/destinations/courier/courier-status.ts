import type { BusError } from '../../core/index'
import type { DestinationStatus } from '../types'

/** What this context's couriers did, for `stats()`. */
export type CourierCount = 'delivered' | 'retried' | 'failed'

export type CourierState = Omit<DestinationStatus, 'id'>

/** Where a courier's status goes, and what it counts there. */
export interface StatusDeps {
  /** The status changed (the plugin shows and shares it). */
  readonly changed: () => void
  /** Counts what this context did (`stats()`). */
  readonly count: (what: CourierCount, entries: number) => void
}

/** Where the count of a destination's outbox comes from. */
export interface PendingSource {
  /** Settles once this courier's writes and removals under way have. */
  settled(): Promise<void>
  /** Every tab's entries in the outbox. */
  count(): Promise<number>
}

/**
 * One destination's status as its courier keeps it: what `status$` shows while this context leads,
 * and what it shares with the others. `pending` follows each read of the outbox and, while no read
 * comes soon (a backoff, a batch filling, paused), a recount when any tab queues entries.
 */
export class CourierStatus {
  private state: CourierState = { pending: 0, delivered: 0, failed: 0, lastError: undefined, nextRetryAt: undefined, paused: undefined }
  private recounting = false
  private recountAgain = false

  constructor(private readonly deps: StatusDeps) {}

  get current(): CourierState {
    return this.state
  }

  update(change: Partial<CourierState>): void {
    this.state = { ...this.state, ...change }
    this.deps.changed()
  }

  /** Continues counting from what the previous leader reported. */
  adopt(previous: DestinationStatus | undefined): void {
    if (previous) this.update({ delivered: previous.delivered, failed: previous.failed, lastError: previous.lastError })
  }

  counted(pending: number): void {
    if (pending !== this.state.pending) this.update({ pending })
  }

  added(entries: number): void {
    this.update({ pending: this.state.pending + entries })
  }

  /** Entries that will not be sent from here (the outbox dropped them, their write failed). */
  forgotten(entries: number): void {
    if (entries > 0) this.update({ pending: Math.max(0, this.state.pending - entries) })
  }

  delivered(entries: number): void {
    this.update({ delivered: this.state.delivered + entries, pending: Math.max(0, this.state.pending - entries) })
    this.deps.count('delivered', entries)
  }

  buried(entries: number, error: BusError): void {
    this.update({ failed: this.state.failed + entries, pending: Math.max(0, this.state.pending - entries), lastError: error, nextRetryAt: undefined })
    this.deps.count('failed', entries)
  }

  retrying(error: BusError, nextRetryAt: number): void {
    this.update({ lastError: error, nextRetryAt })
    this.deps.count('retried', 1)
  }

  /** Held for want of (cleared) `getHeaders`, with the error to show if there is a new one. */
  held(error: BusError | undefined): void {
    if (this.state.paused !== 'no-headers' || error) this.update(error ? { paused: 'no-headers', lastError: error } : { paused: 'no-headers' })
  }

  /** Counts the outbox again, once the courier's writes and removals under way have settled; one count at a time. */
  async recount(source: PendingSource): Promise<void> {
    if (this.recounting) return void (this.recountAgain = true)
    this.recounting = true
    try {
      do {
        this.recountAgain = false
        await source.settled()
        this.counted(await source.count())
      } while (this.recountAgain)
    } catch {
      // The store failed: the next read says so.
    } finally {
      this.recounting = false
    }
  }
}
